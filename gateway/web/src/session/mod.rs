//! Sessions. Signing in makes a random 256-bit token; the browser keeps it in the `pep_session`
//! cookie (`HttpOnly`, `SameSite=Lax`, `Secure` unless configured off for plain-HTTP loopback,
//! `Path=/`), and the service keeps only its SHA-256, with the person's claims, the session's
//! CSRF token and its expiry, in `web_sessions`. A session ends after
//! [`crate::WebConfig::idle_timeout`] without a request or [`crate::WebConfig::absolute_timeout`]
//! after sign-in, whichever is first, and at sign-out, which marks it ended server-side so the
//! cookie is worthless even if copied.
//!
//! Every form carries the session's CSRF token in a hidden `csrf_token` field and every `POST`
//! is refused (403) without the right one: `SameSite=Lax` already keeps the cookie off
//! cross-site posts, and the token covers what it does not (older browsers, sibling subdomains).

pub mod csrf;
pub mod signed_in;
mod token;

pub use csrf::{CsrfForm, check_csrf};
pub use signed_in::{SessionClaims, SignedIn};
pub use token::{hash_token, new_token};

use crate::WebState;
use crate::error::PageError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{DateTime, Utc};
use pep_auth::Principal;
use pep_http::middleware::RequestIds;
use pep_records::WebSession;
use uuid::Uuid;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "pep_session";

impl FromRequestParts<WebState> for SignedIn {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, state: &WebState) -> Result<Self, PageError> {
        let request_id = parts
            .extensions
            .get::<RequestIds>()
            .map(|ids| ids.request_id)
            .unwrap_or_else(Uuid::nil);
        let jar = CookieJar::from_headers(&parts.headers);
        let return_to = parts
            .uri
            .path_and_query()
            .map(|path| path.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned());
        let Some(cookie) = jar.get(SESSION_COOKIE) else {
            return Err(PageError::SignInNeeded { return_to });
        };
        let token_sha256 = hash_token(cookie.value());
        let now = state.api().clock().now();
        let session = state
            .api()
            .records()
            .web_session(&token_sha256)
            .await
            .map_err(|error| PageError::from_records(error, request_id))?;
        let Some(session) = session else {
            // A cookie the service never issued (or from a database since replaced).
            return Err(PageError::SignInNeeded { return_to });
        };
        if session.ended_at.is_some() {
            return Err(PageError::SignInNeeded { return_to });
        }
        if session.expires_at <= now {
            return Err(PageError::SessionExpired);
        }
        let stored: SessionClaims = serde_json::from_str(&session.claims)
            .map_err(|error| PageError::internal(format!("session claims: {error}"), request_id))?;
        let principal = Principal::from_claims(&stored.claims)
            .map_err(|error| PageError::internal(format!("session claims: {error}"), request_id))?;
        let expires_at = next_expiry(&session, now, state);
        state
            .api()
            .records()
            .touch_web_session(&token_sha256, now, expires_at)
            .await
            .map_err(|error| PageError::from_records(error, request_id))?;
        Ok(SignedIn {
            display_name: stored
                .name
                .clone()
                .unwrap_or_else(|| principal.subject.clone()),
            principal,
            csrf_token: session.csrf_token,
            token_sha256,
            signed_in_via: session.signed_in_via,
            request_id,
        })
    }
}

/// The expiry after a request at `now`: the idle timeout from now, never past the absolute one.
fn next_expiry(session: &WebSession, now: DateTime<Utc>, state: &WebState) -> DateTime<Utc> {
    let config = state.config();
    let idle = now + chrono::Duration::from_std(config.idle_timeout).unwrap_or_default();
    let absolute = session.created_at
        + chrono::Duration::from_std(config.absolute_timeout).unwrap_or_default();
    idle.min(absolute)
}

/// Starts a session for `claims`, returning the cookie to set.
pub async fn start(
    state: &WebState,
    claims: SessionClaims,
    signed_in_via: &str,
    request_id: Uuid,
) -> Result<Cookie<'static>, PageError> {
    let token = new_token();
    let now = state.api().clock().now();
    let config = state.config();
    let idle = chrono::Duration::from_std(config.idle_timeout).unwrap_or_default();
    let absolute = chrono::Duration::from_std(config.absolute_timeout).unwrap_or_default();
    let session = WebSession {
        token_sha256: hash_token(&token),
        claims: serde_json::to_string(&claims)
            .map_err(|error| PageError::internal(error.to_string(), request_id))?,
        csrf_token: new_token(),
        signed_in_via: signed_in_via.to_owned(),
        created_at: now,
        last_seen_at: now,
        expires_at: now + idle.min(absolute),
        ended_at: None,
    };
    state
        .api()
        .records()
        .create_web_session(&session)
        .await
        .map_err(|error| PageError::from_records(error, request_id))?;
    Ok(session_cookie(state, token))
}

/// The session cookie carrying `token`.
pub fn session_cookie(state: &WebState, token: String) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .http_only(true)
        .secure(state.config().secure_cookies)
        .same_site(SameSite::Lax)
        .path("/")
        .build()
}

/// The cookie that removes the session cookie from the browser.
pub fn removal_cookie(state: &WebState) -> Cookie<'static> {
    let mut cookie = session_cookie(state, String::new());
    cookie.make_removal();
    cookie
}
