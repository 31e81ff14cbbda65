-- The web UI's sessions and sign-ins in progress. A session is found by the SHA-256 of its
-- cookie's token (the token itself is never stored), holds the signed-in person's claims and
-- the session's CSRF token, and ends server-side on sign-out or expiry. A sign-in in progress
-- holds the OpenID Connect state, nonce and PKCE verifier between the redirect to the identity
-- provider and its answer; it is used once. Instants are microseconds since the Unix epoch.

CREATE TABLE web_sessions (
    token_sha256 TEXT PRIMARY KEY,
    claims TEXT NOT NULL,
    csrf_token TEXT NOT NULL,
    signed_in_via TEXT NOT NULL,
    created_at_micros INTEGER NOT NULL,
    last_seen_at_micros INTEGER NOT NULL,
    expires_at_micros INTEGER NOT NULL,
    ended_at_micros INTEGER
);

CREATE INDEX web_sessions_by_expiry ON web_sessions (expires_at_micros);

CREATE TABLE web_sign_ins (
    state TEXT PRIMARY KEY,
    nonce TEXT NOT NULL,
    pkce_verifier TEXT NOT NULL,
    return_to TEXT NOT NULL,
    created_at_micros INTEGER NOT NULL
);
