//! Signing in and out. The sign-in page offers the council's identity provider (OpenID
//! Connect, when configured) and, only in a demonstration, a list of made-up people
//! ([`demo`]). Before there is a session, the sign-in form is protected by a double-submit
//! token: a random value in a short-lived `HttpOnly` cookie that the form must repeat.
//!
//! OpenID Connect sign-in ([`start_oidc`], [`oidc_callback`]) keeps what the provider's answer
//! must match server-side, in `web_sign_ins`, keyed by the random `state`: the answer takes it
//! out of the table, so it is used at most once, and only within [`SIGN_IN_WINDOW`]. The
//! browser that started the sign-in also holds the `state` in an `HttpOnly` cookie (removed by
//! the answer), and the answer is refused in any other browser, so nobody can sign someone
//! else in to the sender's own account by sending them a callback link. A refusal, or the
//! provider's own error, is the sign-in page again with a GOV.UK error summary saying what
//! happened; when the ID token verified but describes no user of the service, it says why.
//!
//! Sign-out ends the session in the database (not only in the browser) and says so.

pub mod demo;

use crate::WebState;
use crate::error::{PageError, render, safe_return_to};
use crate::nav::Layout;
use crate::oidc::OidcError;
use crate::session::{self, CsrfForm, SignedIn, check_csrf, new_token};
use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use pep_http::middleware::RequestIds;
use serde::Deserialize;

/// The cookie holding the sign-in form's token.
pub const SIGN_IN_CSRF_COOKIE: &str = "pep_sign_in_csrf";

/// The cookie tying a sign-in at the identity provider to the browser that started it.
pub const SIGN_IN_STATE_COOKIE: &str = "pep_sign_in_state";

/// How long a sign-in at the identity provider may take.
pub const SIGN_IN_WINDOW: chrono::Duration = chrono::Duration::minutes(10);

/// The sign-in page's query.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SignInQuery {
    /// The page to go back to.
    pub return_to: Option<String>,
    /// An error to show (set when a form is re-rendered).
    #[serde(skip)]
    pub error: Option<String>,
}

/// A demonstration person as the page lists them.
struct PersonChoice {
    key: String,
    name: String,
    role: String,
    description: String,
}

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    return_to: String,
    oidc: bool,
    people: Vec<PersonChoice>,
    csrf_token: String,
    error: Option<String>,
    /// The error is about the sign-in with the identity provider, not the choice of person.
    oidc_error: bool,
}

/// `GET /sign-in`.
pub async fn page(
    State(state): State<WebState>,
    jar: CookieJar,
    Query(query): Query<SignInQuery>,
) -> Response {
    render_page(&state, jar, query)
}

pub(crate) fn render_page(state: &WebState, jar: CookieJar, query: SignInQuery) -> Response {
    render_page_with(state, jar, query, false)
}

fn render_page_with(
    state: &WebState,
    jar: CookieJar,
    query: SignInQuery,
    oidc_error: bool,
) -> Response {
    let token = jar
        .get(SIGN_IN_CSRF_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .filter(|value| value.len() >= 32)
        .unwrap_or_else(new_token);
    let cookie = Cookie::build((SIGN_IN_CSRF_COOKIE, token.clone()))
        .http_only(true)
        .secure(state.config().secure_cookies)
        .same_site(SameSite::Lax)
        .path("/sign-in")
        .build();
    let people = state
        .config()
        .demo_people
        .iter()
        .map(|person| PersonChoice {
            key: person.key.clone(),
            name: person.name.clone(),
            role: crate::format::role_name(person.role).to_owned(),
            description: person.description.clone(),
        })
        .collect();
    let page = SignInPage {
        layout: Layout::anonymous("Sign in"),
        return_to: safe_return_to(query.return_to.as_deref().unwrap_or("/")),
        oidc: state.oidc().is_some(),
        people,
        csrf_token: token,
        error: query.error,
        oidc_error,
    };
    let status = if page.error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    (
        jar.add(cookie),
        crate::error::render_with_status(status, &page),
    )
        .into_response()
}

/// Checks the sign-in form's token against its cookie.
pub(crate) fn check_sign_in_csrf(jar: &CookieJar, sent: &str) -> Result<(), PageError> {
    let expected = jar
        .get(SIGN_IN_CSRF_COOKIE)
        .map(|cookie| cookie.value().to_owned())
        .unwrap_or_default();
    if !expected.is_empty()
        && session::csrf::constant_time_equal(expected.as_bytes(), sent.as_bytes())
    {
        Ok(())
    } else {
        Err(PageError::CsrfRejected)
    }
}

/// `GET /sign-in/oidc`: sends the browser to the identity provider, keeping the sign-in (PKCE
/// verifier, state, nonce) server-side and its `state` in the browser's cookie too.
pub async fn start_oidc(
    State(state): State<WebState>,
    ids: Option<axum::Extension<RequestIds>>,
    jar: CookieJar,
    Query(query): Query<SignInQuery>,
) -> Result<Response, PageError> {
    let request_id = ids.map_or_else(uuid::Uuid::nil, |ids| ids.request_id);
    let Some(client) = state.oidc() else {
        return Err(PageError::NotFound);
    };
    let return_to = safe_return_to(query.return_to.as_deref().unwrap_or("/"));
    let request = client.authorization_request(&return_to, state.api().clock().now());
    state
        .api()
        .records()
        .save_pending_sign_in(&request.pending)
        .await
        .map_err(|error| PageError::from_records(error, request_id))?;
    let cookie = Cookie::build((SIGN_IN_STATE_COOKIE, request.pending.state.clone()))
        .http_only(true)
        .secure(state.config().secure_cookies)
        // Lax, not Strict: the provider's answer is a cross-site top-level navigation.
        .same_site(SameSite::Lax)
        .path("/sign-in")
        .build();
    Ok((jar.add(cookie), Redirect::to(&request.url)).into_response())
}

/// The identity provider's answer.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CallbackQuery {
    /// The authorization code.
    pub code: Option<String>,
    /// The state sent with the request.
    pub state: Option<String>,
    /// The provider's error, when the person did not sign in.
    pub error: Option<String>,
}

/// `GET /sign-in/callback`: verifies the answer and starts the session. The answer must come
/// to the browser that started the sign-in (its state cookie), name a sign-in still waiting
/// (taken out of the table, so a second use finds nothing) and begun within
/// [`SIGN_IN_WINDOW`], and carry a code the provider exchanges for an ID token that verifies.
pub async fn oidc_callback(
    State(state): State<WebState>,
    ids: Option<axum::Extension<RequestIds>>,
    jar: CookieJar,
    Query(query): Query<CallbackQuery>,
) -> Result<Response, PageError> {
    let request_id = ids.map_or_else(uuid::Uuid::nil, |ids| ids.request_id);
    let Some(client) = state.oidc() else {
        return Err(PageError::NotFound);
    };
    let browser_state = jar
        .get(SIGN_IN_STATE_COOKIE)
        .map(|cookie| cookie.value().to_owned());
    // Whatever happens next, this browser's sign-in is over.
    let jar = jar.remove(Cookie::build(SIGN_IN_STATE_COOKIE).path("/sign-in").build());
    let refused = |message: &str| {
        let query = SignInQuery {
            return_to: None,
            error: Some(message.to_owned()),
        };
        render_page_with(&state, jar.clone(), query, true)
    };
    let from_this_browser = |sent: &str| {
        browser_state.as_deref().is_some_and(|expected| {
            session::csrf::constant_time_equal(expected.as_bytes(), sent.as_bytes())
        })
    };
    if let Some(error) = &query.error {
        tracing::info!(%error, "the identity provider did not sign the person in");
        // The sign-in it answers is used up, so its state cannot be answered again.
        if let Some(sign_in_state) = query
            .state
            .as_deref()
            .filter(|sent| from_this_browser(sent))
        {
            state
                .api()
                .records()
                .take_pending_sign_in(sign_in_state)
                .await
                .map_err(|error| PageError::from_records(error, request_id))?;
        }
        return Ok(refused(
            "You were not signed in by your council's account service. Try again.",
        ));
    }
    let (Some(code), Some(sign_in_state)) = (&query.code, &query.state) else {
        return Ok(refused("The sign-in did not complete. Try again."));
    };
    if !from_this_browser(sign_in_state) {
        tracing::warn!("an OpenID Connect answer came to a browser that did not start its sign-in");
        return Ok(refused(
            "The sign-in was started in another browser or window, or has already been used. Try again.",
        ));
    }
    let pending = state
        .api()
        .records()
        .take_pending_sign_in(sign_in_state)
        .await
        .map_err(|error| PageError::from_records(error, request_id))?;
    let now = state.api().clock().now();
    let Some(pending) = pending.filter(|pending| now - pending.created_at <= SIGN_IN_WINDOW) else {
        return Ok(refused(
            "The sign-in took too long or was already used. Try again.",
        ));
    };
    let claims = match client.exchange(code, &pending).await {
        Ok(claims) => claims,
        Err(OidcError::Claims(reason)) => {
            tracing::warn!(%reason, "an OpenID Connect sign-in described no user of this service");
            return Ok(refused(&format!(
                "Your council account cannot be used to sign in to PEP Ledger: {reason}. Ask your service administrator to check your account at the council's account service."
            )));
        }
        Err(error) => {
            tracing::warn!(%error, "an OpenID Connect sign-in was refused");
            return Ok(refused(
                "Your council's account service did not confirm who you are, so you were not signed in. Try again, and if it happens again tell your service administrator.",
            ));
        }
    };
    let principal = pep_auth::Principal::from_claims(&claims.claims)
        .map_err(|error| PageError::internal(error.to_string(), request_id))?;
    tracing::info!(subject = %principal.subject, role = %principal.role.as_str(), "signed in with OpenID Connect");
    let cookie = session::start(&state, claims, "oidc", request_id).await?;
    let target = match pending.return_to.as_str() {
        "/" => crate::nav::home_for(&principal).to_owned(),
        other => safe_return_to(other),
    };
    Ok((jar.add(cookie), Redirect::to(&target)).into_response())
}

/// `POST /sign-out`: ends the session server-side.
pub async fn sign_out(
    State(state): State<WebState>,
    signed_in: SignedIn,
    jar: CookieJar,
    Form(form): Form<CsrfForm>,
) -> Result<Response, PageError> {
    check_csrf(&signed_in, &form.csrf_token)?;
    state
        .api()
        .records()
        .end_web_session(&signed_in.token_sha256, state.api().clock().now())
        .await
        .map_err(|error| PageError::from_records(error, signed_in.request_id))?;
    Ok((
        jar.add(session::removal_cookie(&state)),
        Redirect::to("/signed-out"),
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "message.html")]
struct MessagePage {
    layout: Layout,
    heading: String,
    paragraphs: Vec<String>,
}

/// `GET /signed-out`.
pub async fn signed_out() -> Response {
    render(&MessagePage {
        layout: Layout::anonymous("You have signed out"),
        heading: "You have signed out".to_owned(),
        paragraphs: vec!["Your session has ended on this computer and on the service.".to_owned()],
    })
}

/// `GET /session-expired`.
pub async fn session_expired() -> Response {
    render(&MessagePage {
        layout: Layout::anonymous("Your session has ended"),
        heading: "For your security, we signed you out".to_owned(),
        paragraphs: vec![
            "You were signed out because you had not used the service for a while, or because you had been signed in for a long time.".to_owned(),
            "Nothing you saved has been lost.".to_owned(),
        ],
    })
}
