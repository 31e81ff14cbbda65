//! How `pep serve` turns its token options into a verifier: a JWKS URL that cannot be fetched
//! stops the start naming the option and the URL, and a plain-HTTP URL to another host, or two
//! key sources at once, are refused while reading the configuration.

use pep::serve::{AuthSource, ServeArgs, ServeConfig};
use pep_reference::{ReferenceData, ReferenceDataArgs};
use std::time::Duration;

#[tokio::test]
async fn a_jwks_url_that_cannot_be_fetched_stops_the_start_naming_the_option() {
    // Nothing listens on a port just released.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    drop(listener);
    let source = AuthSource::JwksUrl {
        url: closed.clone(),
        refresh_interval: Duration::from_secs(600),
    };
    let error = format!(
        "{:#}",
        pep::serve::token_verifier(&source).await.unwrap_err()
    );
    assert!(
        error.contains("jwks_url") && error.contains(&closed),
        "{error}"
    );
}

#[test]
fn a_plain_http_url_to_another_host_is_refused_at_configuration() {
    let reference = ReferenceData::load(&ReferenceDataArgs::default()).unwrap();
    let args = ServeArgs {
        database_url: Some("postgres://pep@db/pep".to_owned()),
        jwks_url: Some("http://idp.example/.well-known/jwks.json".to_owned()),
        ..ServeArgs::default()
    };
    let error = ServeConfig::resolve(&args, reference.clone())
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("jwks_url") && error.contains("http://idp.example/.well-known/jwks.json"),
        "{error}"
    );
    let loopback = ServeArgs {
        jwks_url: Some("http://127.0.0.1:8443/jwks.json".to_owned()),
        ..args.clone()
    };
    let config = ServeConfig::resolve(&loopback, reference.clone()).unwrap();
    assert_eq!(
        config.auth,
        AuthSource::JwksUrl {
            url: "http://127.0.0.1:8443/jwks.json".to_owned(),
            refresh_interval: Duration::from_secs(600),
        }
    );
    let both = ServeArgs {
        jwks_file: Some("jwks.json".into()),
        ..loopback
    };
    let error = ServeConfig::resolve(&both, reference)
        .unwrap_err()
        .to_string();
    assert!(error.contains("only one of"), "{error}");
}
