//! The web pages of PEP Ledger: server-rendered HTML in the GOV.UK Design System, for the
//! Virtual School, designated teachers, social workers, carers, young people, IROs and auditors.
//! Every page is readable and every form usable without JavaScript; the small script only starts
//! GOV.UK Frontend's components.
//!
//! A page is a small function: it loads through the same authorisation and access log as the
//! API (`pep_http::access`, the read side's queries), builds a view, and renders a compiled,
//! auto-escaping `askama` template. Templates show data; they decide nothing. So the pages can
//! never show what the API would refuse, and every read of a child's record is in the access log
//! with the page that showed it.
//!
//! A tour of the modules:
//!
//! - [`session`]: sessions (a random token in an `HttpOnly; Secure; SameSite=Lax` cookie, its
//!   SHA-256 stored with the person's claims), expiry, CSRF tokens, the [`session::SignedIn`]
//!   extractor.
//! - [`sign_in`]: the sign-in page, OpenID Connect sign-in with PKCE ([`oidc`]), the
//!   demonstration people (only with `--demo`), sign-out and the expired-session page.
//! - [`pages`]: the dashboard, the children lists, a child's page, the IRO inbox, inbound data
//!   quality and the audit view.
//! - [`chart`]: bar charts as SVG, each with a table of the same figures.
//! - [`error`]: the 403, 404, 500 and 503 pages; [`framing`] shows them in a signed-in
//!   person's own frame.
//! - [`layers`]: security headers (a Content-Security-Policy without `unsafe-inline`), request
//!   ids, tracing, compression, catch-panic and timeout.
//! - [`assets`]: GOV.UK Frontend's compiled CSS, JavaScript, fonts and images, embedded in the
//!   binary and served from `/assets/`.
//! - [`nav`], [`format`]: the navigation each role sees and how values are written for people.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod assets;
pub mod chart;
pub mod error;
pub mod format;
pub mod forms;
pub mod framing;
pub mod layers;
pub mod nav;
pub mod oidc;
pub mod pages;
pub mod session;
pub mod sign_in;

use axum::Router;
use axum::routing::{get, post};
use pep_http::AppState;
use pep_http::reads::ReadSide;
use std::sync::Arc;
use std::time::Duration;

pub use sign_in::demo::{DemoPerson, DemoReach};

/// How the pages are set up.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// The people the demonstration sign-in offers. Empty (the default) turns it off: it is for
    /// `--demo` and development only, never production.
    pub demo_people: Vec<DemoPerson>,
    /// The council's identity provider, for OpenID Connect sign-in.
    pub oidc: Option<oidc::OidcSettings>,
    /// Mark the session cookie `Secure`. Off only for plain-HTTP loopback development.
    pub secure_cookies: bool,
    /// A session ends after this long without a request.
    pub idle_timeout: Duration,
    /// A session ends this long after sign-in, however busy.
    pub absolute_timeout: Duration,
}

impl Default for WebConfig {
    fn default() -> Self {
        Self {
            demo_people: Vec::new(),
            oidc: None,
            secure_cookies: true,
            idle_timeout: Duration::from_secs(30 * 60),
            absolute_timeout: Duration::from_secs(10 * 60 * 60),
        }
    }
}

/// What every page shares: the API's state (store, records, clock, ids, authorisation), the
/// read side, and the pages' own configuration.
#[derive(Clone)]
pub struct WebState {
    api: AppState,
    read: ReadSide,
    config: Arc<WebConfig>,
    oidc: Option<Arc<oidc::OidcClient>>,
    inbound_log: Option<pep_inbound::InboundLog>,
}

impl std::fmt::Debug for WebState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("WebState")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl WebState {
    /// The pages over the API's state and read side. OpenID Connect, when configured, is
    /// discovered here, so a provider that cannot be reached stops the start with its reason.
    pub async fn new(
        api: AppState,
        read: ReadSide,
        config: WebConfig,
    ) -> Result<Self, oidc::OidcError> {
        let oidc = match &config.oidc {
            Some(settings) => Some(oidc::OidcClient::discover(settings).await?),
            None => None,
        };
        Ok(Self::with_discovered_oidc(api, read, config, oidc))
    }

    /// The pages with the identity provider already discovered (from `config.oidc`), for a
    /// caller that reaches the provider before it starts anything else, so an unreachable one
    /// stops it early. `None` turns OpenID Connect sign-in off.
    pub fn with_discovered_oidc(
        api: AppState,
        read: ReadSide,
        config: WebConfig,
        oidc: Option<oidc::OidcClient>,
    ) -> Self {
        Self {
            api,
            read,
            config: Arc::new(config),
            oidc: oidc.map(Arc::new),
            inbound_log: None,
        }
    }

    /// The inbound feeds' log, for the data-quality page's refused messages.
    pub fn with_inbound_log(mut self, log: pep_inbound::InboundLog) -> Self {
        self.inbound_log = Some(log);
        self
    }

    /// The inbound feeds' log, when given.
    pub fn inbound_log(&self) -> Option<&pep_inbound::InboundLog> {
        self.inbound_log.as_ref()
    }

    /// The API's state.
    pub fn api(&self) -> &AppState {
        &self.api
    }

    /// The read side.
    pub fn read(&self) -> &ReadSide {
        &self.read
    }

    /// The configuration.
    pub fn config(&self) -> &WebConfig {
        &self.config
    }

    /// The identity provider's client, when OpenID Connect is configured.
    pub fn oidc(&self) -> Option<&oidc::OidcClient> {
        self.oidc.as_deref()
    }
}

/// Every page, with its layers, ready to merge beside the API's router.
pub fn router(state: WebState) -> Router {
    let routes = Router::new()
        .route("/", get(pages::home))
        .route("/sign-in", get(sign_in::page))
        .route("/sign-in/demo", post(sign_in::demo::sign_in))
        .route("/sign-in/oidc", get(sign_in::start_oidc))
        .route("/sign-in/callback", get(sign_in::oidc_callback))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/signed-out", get(sign_in::signed_out))
        .route("/session-expired", get(sign_in::session_expired))
        .route("/dashboard", get(pages::dashboard::page))
        .route("/children", get(pages::children::cohort))
        .route("/my-children", get(pages::children::mine))
        .route("/children/{child_id}", get(pages::child::page))
        .route(
            "/children/{child_id}/peps/new",
            get(pages::pep::workflow::start_form),
        )
        .route(
            "/children/{child_id}/peps",
            post(pages::pep::workflow::start),
        )
        .route("/quality-assurance", get(pages::quality::queue))
        .route("/funding", get(pages::funding::page))
        .route(
            "/funding/remittance.csv",
            get(pages::funding::remittance_csv),
        )
        .route(
            "/funding/{year}/requests/{request_id}/decision",
            get(pages::funding::decision_form).post(pages::funding::decide),
        )
        .route(
            "/funding/{year}/requests/{request_id}/payments",
            post(pages::funding::record_payment),
        )
        .route("/peps/{pep_id}", get(pages::pep::page))
        .route("/peps/{pep_id}/compare", get(pages::quality::compare))
        .route("/peps/{pep_id}/document.pdf", get(pages::child::pep_pdf))
        .route(
            "/peps/{pep_id}/sections/{section}",
            get(pages::pep::editor::form).post(pages::pep::editor::save),
        )
        .route(
            "/peps/{pep_id}/sections/{section}/autosave",
            post(pages::pep::editor::autosave),
        )
        .route(
            "/peps/{pep_id}/sections/{section}/complete",
            post(pages::pep::editor::complete),
        )
        .route(
            "/peps/{pep_id}/targets/new",
            get(pages::pep::plan::target_new).post(pages::pep::plan::target_add),
        )
        .route(
            "/peps/{pep_id}/actions/new",
            get(pages::pep::plan::action_new).post(pages::pep::plan::action_add),
        )
        .route(
            "/peps/{pep_id}/actions/{action_id}/done",
            post(pages::pep::plan::action_done),
        )
        .route(
            "/peps/{pep_id}/meetings/new",
            get(pages::pep::plan::meeting_new).post(pages::pep::plan::meeting_add),
        )
        .route(
            "/peps/{pep_id}/meetings/{meeting_id}/held",
            get(pages::pep::plan::held_new).post(pages::pep::plan::held),
        )
        .route(
            "/peps/{pep_id}/child-views",
            get(pages::pep::plan::views_new).post(pages::pep::plan::views),
        )
        .route("/peps/{pep_id}/submit", post(pages::pep::workflow::submit))
        .route(
            "/peps/{pep_id}/return",
            get(pages::pep::workflow::return_form).post(pages::pep::workflow::return_pep),
        )
        .route(
            "/peps/{pep_id}/quality-assurance",
            get(pages::pep::workflow::rating_form).post(pages::pep::workflow::rate),
        )
        .route(
            "/peps/{pep_id}/sign-off",
            post(pages::pep::workflow::sign_off),
        )
        .route(
            "/peps/{pep_id}/pp-plus/new",
            get(pages::pep::pp_plus::new).post(pages::pep::pp_plus::request),
        )
        .route("/inbox", get(pages::inbox::page))
        .route("/inbox/{notice_id}/read", post(pages::inbox::mark_read))
        .route("/data-quality", get(pages::data_quality::page))
        .route("/audit", get(pages::audit::search))
        .route("/audit/children/{child_id}", get(pages::audit::child))
        .route("/assets/{*path}", get(assets::serve))
        .fallback(error::not_found_page)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            framing::frame_error_pages,
        ));
    layers::stack(routes.with_state(state.clone()), &state)
}
