//! The web UI's sessions and its sign-ins in progress (table `web_sessions`, `web_sign_ins`).
//! The cookie carries a random token; only its SHA-256 is stored, so a copy of the database
//! cannot be used to sign in. Ending a session (sign-out) marks it ended rather than deleting
//! it, so a stolen cookie used after sign-out is recognised and refused. How long a session
//! lives is the web crate's rule; this module stores what it decides.

use super::{RecordDatabase, RecordError, from_micros, to_micros};
use chrono::{DateTime, Utc};
use sqlx::Row;

/// A session as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebSession {
    /// The SHA-256 (hex) of the cookie's token.
    pub token_sha256: String,
    /// The signed-in person's claims, as JSON (the same claims a bearer token carries).
    pub claims: String,
    /// The token every form of this session must carry.
    pub csrf_token: String,
    /// How the person signed in: `oidc` or `demo`.
    pub signed_in_via: String,
    /// When the session began.
    pub created_at: DateTime<Utc>,
    /// The last request it made.
    pub last_seen_at: DateTime<Utc>,
    /// When it stops being accepted unless used again before then.
    pub expires_at: DateTime<Utc>,
    /// When the person signed out, if they did.
    pub ended_at: Option<DateTime<Utc>>,
}

/// A sign-in waiting for the identity provider's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingSignIn {
    /// The OpenID Connect `state`, which the answer echoes.
    pub state: String,
    /// The nonce the ID token must carry.
    pub nonce: String,
    /// The PKCE code verifier.
    pub pkce_verifier: String,
    /// The page to go back to once signed in (a path on this service).
    pub return_to: String,
    /// When the sign-in began.
    pub created_at: DateTime<Utc>,
}

impl RecordDatabase {
    /// Stores a new session.
    pub async fn create_web_session(&self, session: &WebSession) -> Result<(), RecordError> {
        match self {
            RecordDatabase::Postgres(pool) => {
                sqlx::query(
                    "INSERT INTO web_sessions (token_sha256, claims, csrf_token, signed_in_via, \
                     created_at, last_seen_at, expires_at, ended_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&session.token_sha256)
                .bind(&session.claims)
                .bind(&session.csrf_token)
                .bind(&session.signed_in_via)
                .bind(session.created_at)
                .bind(session.last_seen_at)
                .bind(session.expires_at)
                .bind(session.ended_at)
                .execute(pool)
                .await?;
            }
            RecordDatabase::Sqlite(pool) => {
                sqlx::query(
                    "INSERT INTO web_sessions (token_sha256, claims, csrf_token, signed_in_via, \
                     created_at_micros, last_seen_at_micros, expires_at_micros, ended_at_micros) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&session.token_sha256)
                .bind(&session.claims)
                .bind(&session.csrf_token)
                .bind(&session.signed_in_via)
                .bind(to_micros(session.created_at))
                .bind(to_micros(session.last_seen_at))
                .bind(to_micros(session.expires_at))
                .bind(session.ended_at.map(to_micros))
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }

    /// The session whose token hashes to `token_sha256`, live, expired or ended alike: the
    /// caller tells an expired session (a page that says so) from a forged cookie (none).
    pub async fn web_session(&self, token_sha256: &str) -> Result<Option<WebSession>, RecordError> {
        match self {
            RecordDatabase::Postgres(pool) => {
                let row = sqlx::query(
                    "SELECT token_sha256, claims, csrf_token, signed_in_via, created_at, \
                     last_seen_at, expires_at, ended_at FROM web_sessions WHERE token_sha256 = $1",
                )
                .bind(token_sha256)
                .fetch_optional(pool)
                .await?;
                row.map(|row| {
                    Ok(WebSession {
                        token_sha256: row.try_get("token_sha256")?,
                        claims: row.try_get("claims")?,
                        csrf_token: row.try_get("csrf_token")?,
                        signed_in_via: row.try_get("signed_in_via")?,
                        created_at: row.try_get("created_at")?,
                        last_seen_at: row.try_get("last_seen_at")?,
                        expires_at: row.try_get("expires_at")?,
                        ended_at: row.try_get("ended_at")?,
                    })
                })
                .transpose()
                .map_err(|error: sqlx::Error| RecordError::from(error))
            }
            RecordDatabase::Sqlite(pool) => {
                let row = sqlx::query(
                    "SELECT token_sha256, claims, csrf_token, signed_in_via, created_at_micros, \
                     last_seen_at_micros, expires_at_micros, ended_at_micros FROM web_sessions \
                     WHERE token_sha256 = $1",
                )
                .bind(token_sha256)
                .fetch_optional(pool)
                .await?;
                let Some(row) = row else {
                    return Ok(None);
                };
                let ended: Option<i64> = row.try_get("ended_at_micros")?;
                Ok(Some(WebSession {
                    token_sha256: row.try_get("token_sha256")?,
                    claims: row.try_get("claims")?,
                    csrf_token: row.try_get("csrf_token")?,
                    signed_in_via: row.try_get("signed_in_via")?,
                    created_at: from_micros(row.try_get("created_at_micros")?)?,
                    last_seen_at: from_micros(row.try_get("last_seen_at_micros")?)?,
                    expires_at: from_micros(row.try_get("expires_at_micros")?)?,
                    ended_at: ended.map(from_micros).transpose()?,
                }))
            }
        }
    }

    /// Records a request of a live session and moves its expiry to `expires_at`.
    pub async fn touch_web_session(
        &self,
        token_sha256: &str,
        seen_at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), RecordError> {
        match self {
            RecordDatabase::Postgres(pool) => {
                sqlx::query(
                    "UPDATE web_sessions SET last_seen_at = $2, expires_at = $3 \
                     WHERE token_sha256 = $1 AND ended_at IS NULL",
                )
                .bind(token_sha256)
                .bind(seen_at)
                .bind(expires_at)
                .execute(pool)
                .await?;
            }
            RecordDatabase::Sqlite(pool) => {
                sqlx::query(
                    "UPDATE web_sessions SET last_seen_at_micros = $2, expires_at_micros = $3 \
                     WHERE token_sha256 = $1 AND ended_at_micros IS NULL",
                )
                .bind(token_sha256)
                .bind(to_micros(seen_at))
                .bind(to_micros(expires_at))
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }

    /// Ends a session (sign-out). Ending one already ended changes nothing.
    pub async fn end_web_session(
        &self,
        token_sha256: &str,
        ended_at: DateTime<Utc>,
    ) -> Result<(), RecordError> {
        match self {
            RecordDatabase::Postgres(pool) => {
                sqlx::query(
                    "UPDATE web_sessions SET ended_at = $2 \
                     WHERE token_sha256 = $1 AND ended_at IS NULL",
                )
                .bind(token_sha256)
                .bind(ended_at)
                .execute(pool)
                .await?;
            }
            RecordDatabase::Sqlite(pool) => {
                sqlx::query(
                    "UPDATE web_sessions SET ended_at_micros = $2 \
                     WHERE token_sha256 = $1 AND ended_at_micros IS NULL",
                )
                .bind(token_sha256)
                .bind(to_micros(ended_at))
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }

    /// Stores a sign-in waiting for the identity provider.
    pub async fn save_pending_sign_in(&self, pending: &PendingSignIn) -> Result<(), RecordError> {
        match self {
            RecordDatabase::Postgres(pool) => {
                sqlx::query(
                    "INSERT INTO web_sign_ins (state, nonce, pkce_verifier, return_to, created_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&pending.state)
                .bind(&pending.nonce)
                .bind(&pending.pkce_verifier)
                .bind(&pending.return_to)
                .bind(pending.created_at)
                .execute(pool)
                .await?;
            }
            RecordDatabase::Sqlite(pool) => {
                sqlx::query(
                    "INSERT INTO web_sign_ins (state, nonce, pkce_verifier, return_to, \
                     created_at_micros) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(&pending.state)
                .bind(&pending.nonce)
                .bind(&pending.pkce_verifier)
                .bind(&pending.return_to)
                .bind(to_micros(pending.created_at))
                .execute(pool)
                .await?;
            }
        }
        Ok(())
    }

    /// Takes the sign-in with `state` out of the table, so an answer can be used only once.
    pub async fn take_pending_sign_in(
        &self,
        state: &str,
    ) -> Result<Option<PendingSignIn>, RecordError> {
        match self {
            RecordDatabase::Postgres(pool) => {
                let row = sqlx::query(
                    "DELETE FROM web_sign_ins WHERE state = $1 \
                     RETURNING state, nonce, pkce_verifier, return_to, created_at",
                )
                .bind(state)
                .fetch_optional(pool)
                .await?;
                let Some(row) = row else {
                    return Ok(None);
                };
                Ok(Some(PendingSignIn {
                    state: row.try_get("state")?,
                    nonce: row.try_get("nonce")?,
                    pkce_verifier: row.try_get("pkce_verifier")?,
                    return_to: row.try_get("return_to")?,
                    created_at: row.try_get("created_at")?,
                }))
            }
            RecordDatabase::Sqlite(pool) => {
                let row = sqlx::query(
                    "DELETE FROM web_sign_ins WHERE state = $1 \
                     RETURNING state, nonce, pkce_verifier, return_to, created_at_micros",
                )
                .bind(state)
                .fetch_optional(pool)
                .await?;
                let Some(row) = row else {
                    return Ok(None);
                };
                Ok(Some(PendingSignIn {
                    state: row.try_get("state")?,
                    nonce: row.try_get("nonce")?,
                    pkce_verifier: row.try_get("pkce_verifier")?,
                    return_to: row.try_get("return_to")?,
                    created_at: from_micros(row.try_get("created_at_micros")?)?,
                }))
            }
        }
    }
}
