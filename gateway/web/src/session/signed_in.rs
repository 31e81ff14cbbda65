//! Who is signed in, as a page's handler sees them, and what a session row's claims column
//! holds. Kept apart from the extractor so the page layout can name a signed-in person without
//! depending on how a session is looked up.

use pep_auth::{Claims, Principal};
use uuid::Uuid;

/// A signed-in person, for a page's handler. Extracting it refuses a request without a live
/// session: no cookie sends the person to sign in (and back afterwards), an expired or ended
/// session to the page that says so.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Who they are, exactly as the API would see them with a bearer token of the same claims.
    pub principal: Principal,
    /// Their name, for the header.
    pub display_name: String,
    /// The token every form of the session carries.
    pub csrf_token: String,
    /// The SHA-256 of the session token, to end the session.
    pub token_sha256: String,
    /// How they signed in (`oidc` or `demo`).
    pub signed_in_via: String,
    /// The request's id, for the access log and error pages.
    pub request_id: Uuid,
}

/// What a session's claims column holds: the claims and a name to greet the person by.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SessionClaims {
    /// The claims the API's bearer tokens carry.
    pub claims: Claims,
    /// The person's name, when the identity provider or the demonstration gave one.
    #[serde(default)]
    pub name: Option<String>,
}
