//! The browser's side of the sign-in tests: `pep serve --demo` started with the test
//! provider, a sign-in followed through the provider as a browser would (each redirect by
//! hand, with [`WebUser`]'s cookie jar), a callback with its state changed, and the check that
//! an answer is a refusal page leaving no session. Kept apart from the tests, which use these
//! steps over and over, and from the provider, which knows nothing of the service.

use super::provider::{CLIENT_ID, Provider};
use crate::client::{Answer, send_raw};
use crate::service::Service;
use crate::web::demo_service_on;
use crate::web::user::WebUser;
use pep_web::oidc::OidcSettings;
use std::net::SocketAddr;
use tokio::net::TcpListener;

/// The provider and `pep serve --demo` signing in with it as a public client (or, with
/// `client_secret`, a confidential one), the redirect URL naming the service's own address.
pub(super) async fn start(client_secret: Option<&str>) -> (Provider, Service, tempfile::TempDir) {
    let provider = Provider::start().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let redirect_url = format!(
        "http://{}{}",
        listener.local_addr().unwrap(),
        pep::serve::CALLBACK_PATH
    );
    let issuer = provider.issuer.clone();
    let (service, directory) = demo_service_on(listener, |config| {
        let mut settings = OidcSettings::new(&issuer, CLIENT_ID, &redirect_url);
        settings.client_secret = client_secret.map(str::to_owned);
        config.web.oidc = Some(settings);
    })
    .await;
    (provider, service, directory)
}

/// The path and query of `url`, which must be on `address`.
fn path_on(address: SocketAddr, url: &str) -> String {
    let origin = format!("http://{address}");
    assert!(url.starts_with(&origin), "{url} is not on {origin}");
    url[origin.len()..].to_owned()
}

/// Starts a sign-in at the service and follows it through the provider, as a browser would;
/// returns the callback (path and query) the provider sent the browser back to.
pub(super) async fn through_the_provider(user: &mut WebUser, provider: &Provider) -> String {
    let start = user.get("/sign-in/oidc?return_to=/").await;
    assert_eq!(start.status, 303, "{}", start.text());
    let to_provider = start.header("location").unwrap().to_owned();
    assert!(
        to_provider.starts_with(&format!("{}/authorize?", provider.issuer)),
        "{to_provider}"
    );
    let answer = send_raw(
        provider.address,
        "GET",
        &path_on(provider.address, &to_provider),
        &[],
        b"",
    )
    .await;
    assert_eq!(answer.status, 302, "{}", answer.text());
    path_on(user.address, answer.header("location").unwrap())
}

/// The callback with its `state` replaced.
pub(super) fn with_state(callback: &str, state: &str) -> String {
    let url = reqwest::Url::parse(&format!("http://service{callback}")).unwrap();
    let pairs: Vec<String> = url
        .query_pairs()
        .map(|(name, value)| {
            if name == "state" {
                format!("state={state}")
            } else {
                format!("{name}={value}")
            }
        })
        .collect();
    format!("{}?{}", url.path(), pairs.join("&"))
}

/// Asserts that `answer` is the sign-in page refusing with `words`, and that `user` has no
/// session (the dashboard sends them to sign in).
pub(super) async fn assert_refused(user: &mut WebUser, answer: &Answer, words: &str) {
    assert_eq!(answer.status, 422, "{}", answer.text());
    let html = answer.text();
    assert!(html.contains("govuk-error-summary"), "{html}");
    assert!(html.contains(words), "{words:?} missing from:\n{html}");
    assert!(!html.contains("panicked"), "{html}");
    assert!(!user.cookies.contains_key("pep_session"));
    let dashboard = user.get("/dashboard").await;
    assert_eq!(dashboard.status, 303);
    assert!(
        dashboard
            .header("location")
            .unwrap()
            .starts_with("/sign-in"),
        "{:?}",
        dashboard.header("location")
    );
}
