//! The HTTP application `pep serve` answers with: the API (`pep_http`) and the web pages
//! (`pep_web`) side by side. A request goes to the API when its path is one of the API's
//! (`/api/...`, `/healthz`, `/readyz`, `/metrics`) and to the pages otherwise, so each keeps its
//! own answer for a path it does not have (a problem document, or a GOV.UK 404 page).

use super::ServeConfig;
use axum::Router;
use axum::extract::{Extension, Request};
use pep_http::AppState;
use pep_http::reads::ReadSide;
use pep_inbound::{InboundHandler, InboundLog};
use std::net::SocketAddr;
use tower::ServiceExt as _;

/// Whether a path belongs to the API rather than the pages.
pub fn is_api_path(path: &str) -> bool {
    path == "/api"
        || path.starts_with("/api/")
        || matches!(path, "/healthz" | "/readyz" | "/metrics")
}

/// The API and the pages, one router. The identity provider, when configured, was discovered
/// before anything started (`oidc`), so building cannot fail on it.
pub fn build(
    config: &ServeConfig,
    state: AppState,
    read_side: ReadSide,
    inbound: InboundHandler,
    inbound_log: InboundLog,
    oidc: Option<pep_web::oidc::OidcClient>,
    listening_on: Option<SocketAddr>,
) -> Router {
    let api = pep_http::router(state.clone())
        .layer(Extension(read_side.clone()))
        .layer(Extension(inbound));
    let mut web_config = config.web.clone();
    if config.demo && web_config.demo_people.is_empty() {
        web_config.demo_people = crate::demo::web_people::demo_people();
    }
    // The session cookie is `Secure` except when the service listens on loopback only, where
    // browsers are reached over plain HTTP in development and demonstrations.
    if listening_on.is_some_and(|address| address.ip().is_loopback()) {
        web_config.secure_cookies = false;
    }
    let web_state = pep_web::WebState::with_discovered_oidc(state, read_side, web_config, oidc)
        .with_inbound_log(inbound_log);
    let web = pep_web::router(web_state);
    Router::new().fallback_service(tower::service_fn(move |request: Request| {
        let api = api.clone();
        let web = web.clone();
        async move {
            if is_api_path(request.uri().path()) {
                api.oneshot(request).await
            } else {
                web.oneshot(request).await
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_paths_go_to_the_api_and_everything_else_to_the_pages() {
        for path in [
            "/api/v1/children",
            "/api/docs/",
            "/healthz",
            "/readyz",
            "/metrics",
        ] {
            assert!(is_api_path(path), "{path}");
        }
        for path in [
            "/",
            "/dashboard",
            "/children/abc",
            "/assets/app/app.css",
            "/apis",
        ] {
            assert!(!is_api_path(path), "{path}");
        }
    }
}
