//! Production token keys fetched from a JWKS URL, over real HTTP on loopback: a small axum
//! server on 127.0.0.1:0 publishes a key set the test swaps and counts requests to. Key 1 is the
//! suite's RSA test key, key 2 its P-256 key (`tests/keys/`), so a rotation also changes algorithm.

use crate::support::{Backend, TestApp, Who, on_both_back_ends};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use pep_auth::{JwksRefresh, TokenVerifier};
use serde_json::{Value, json};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

on_both_back_ends!(a_rotated_key_is_accepted_through_the_api_without_a_restart);

/// Test-only keys, generated for this suite; they protect nothing.
fn key_1() -> EncodingKey {
    EncodingKey::from_rsa_pem(tests::keys::RSA_PEM).unwrap()
}

fn key_2() -> EncodingKey {
    EncodingKey::from_ec_pem(tests::keys::EC_PEM).unwrap()
}

fn jwk(key: &EncodingKey, algorithm: Algorithm, key_id: &str) -> Jwk {
    let mut jwk = Jwk::from_encoding_key(key, algorithm).unwrap();
    jwk.common.key_id = Some(key_id.to_owned());
    jwk
}

fn set_1() -> Value {
    json!({"keys": [jwk(&key_1(), Algorithm::RS256, "key-1")]})
}

fn set_2() -> Value {
    json!({"keys": [jwk(&key_2(), Algorithm::ES256, "key-2")]})
}

fn token_1() -> String {
    signed(&key_1(), Algorithm::RS256, "key-1")
}

fn token_2() -> String {
    signed(&key_2(), Algorithm::ES256, "key-2")
}

fn signed(key: &EncodingKey, algorithm: Algorithm, key_id: &str) -> String {
    let mut header = Header::new(algorithm);
    header.kid = Some(key_id.to_owned());
    let claims = Who::new("auditor", "831").claims(jsonwebtoken::get_current_timestamp() + 600);
    jsonwebtoken::encode(&header, &claims, key).unwrap()
}

/// What the identity provider stand-in serves, and how often it was asked.
struct Published {
    document: Mutex<Value>,
    requests: AtomicUsize,
}

/// An identity provider's JWKS endpoint on loopback.
struct JwksServer {
    url: String,
    published: Arc<Published>,
    stop: CancellationToken,
    task: Option<JoinHandle<()>>,
}

async fn serve_jwks(State(published): State<Arc<Published>>) -> Response {
    published.requests.fetch_add(1, Ordering::SeqCst);
    let document = published.document.lock().unwrap().clone();
    (
        StatusCode::OK,
        [("content-type", "application/json")],
        document.to_string(),
    )
        .into_response()
}

impl JwksServer {
    async fn start(document: Value) -> Self {
        let published = Arc::new(Published {
            document: Mutex::new(document),
            requests: AtomicUsize::new(0),
        });
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!(
            "http://{}/.well-known/jwks.json",
            listener.local_addr().unwrap()
        );
        let app = Router::new()
            .route("/.well-known/jwks.json", get(serve_jwks))
            .with_state(published.clone());
        let stop = CancellationToken::new();
        let shutdown = stop.clone();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown.cancelled_owned())
                .await
                .unwrap();
        });
        Self {
            url,
            published,
            stop,
            task: Some(task),
        }
    }

    fn publish(&self, document: Value) {
        *self.published.document.lock().unwrap() = document;
    }

    fn requests(&self) -> usize {
        self.published.requests.load(Ordering::SeqCst)
    }

    /// Stops answering: the listener is closed once this returns.
    async fn stop(&mut self) {
        self.stop.cancel();
        if let Some(task) = self.task.take() {
            tokio::time::timeout(Duration::from_secs(10), task)
                .await
                .expect("the JWKS server did not stop")
                .unwrap();
        }
    }
}

/// Polls `condition` until it holds, failing the test after `timeout`.
async fn wait_until(timeout: Duration, what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !condition() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn a_rotated_key_is_accepted_through_the_api_without_a_restart(backend: Backend) {
    let server = JwksServer::start(set_1()).await;
    let verifier = TokenVerifier::from_jwks_url(&server.url, JwksRefresh::default())
        .await
        .unwrap();
    assert_eq!(server.requests(), 1, "the keys are fetched at start");
    let app = TestApp::spawn_verifying_with(backend, verifier, |builder| builder).await;
    app.get("/api/v1/audit/access-log", &token_1()).await.ok();
    // The provider rotates to key 2; the first token signed with it makes the API refetch.
    server.publish(set_2());
    app.get("/api/v1/audit/access-log", &token_2()).await.ok();
    assert_eq!(server.requests(), 2, "one refetch for the new kid");
    // Key 1 is no longer published, so after the refetch its tokens are refused.
    app.get("/api/v1/audit/access-log", &token_1())
        .await
        .assert_problem(401, "unauthenticated");
    // The development secret of the other tests is not accepted by a JWKS verifier.
    app.get(
        "/api/v1/audit/access-log",
        &Who::new("auditor", "831").token(),
    )
    .await
    .assert_problem(401, "unauthenticated");
}

#[tokio::test]
async fn an_unknown_kid_refetches_at_most_once_per_30_seconds() {
    let server = JwksServer::start(set_1()).await;
    let verifier = TokenVerifier::from_jwks_url(&server.url, JwksRefresh::default())
        .await
        .unwrap();
    assert_eq!(server.requests(), 1);
    let ghost = signed(&key_1(), Algorithm::RS256, "ghost");
    assert!(verifier.verify_refreshing(&ghost).await.is_err());
    assert_eq!(server.requests(), 2, "the first unknown kid refetches");
    assert!(verifier.verify_refreshing(&ghost).await.is_err());
    let other_ghost = signed(&key_1(), Algorithm::RS256, "another-ghost");
    let flood = (0..20).map(|_| verifier.verify_refreshing(&other_ghost));
    for result in futures::future::join_all(flood).await {
        assert!(result.is_err());
    }
    assert_eq!(
        server.requests(),
        2,
        "no further fetch within 30 s, however many unknown kids arrive"
    );
    // Known kids never fetch.
    verifier.verify_refreshing(&token_1()).await.unwrap();
    verifier.verify(&token_1()).unwrap();
    assert_eq!(server.requests(), 2);
}

#[tokio::test]
async fn the_last_good_keys_keep_working_when_the_provider_stops() {
    let mut server = JwksServer::start(set_1()).await;
    let verifier = TokenVerifier::from_jwks_url(&server.url, JwksRefresh::default())
        .await
        .unwrap();
    server.stop().await;
    let error = verifier.refresh_keys().await.unwrap_err().to_string();
    assert!(error.contains(&server.url), "{error}");
    verifier.verify(&token_1()).unwrap();
    verifier.verify_refreshing(&token_1()).await.unwrap();
    // A new kid while the provider is down is refused, and the keys held are kept.
    assert!(verifier.verify_refreshing(&token_2()).await.is_err());
    verifier.verify_refreshing(&token_1()).await.unwrap();
}

#[tokio::test]
async fn the_background_refresh_picks_up_a_new_key_set() {
    let server = JwksServer::start(set_1()).await;
    let refresh = JwksRefresh {
        interval: Duration::from_millis(200),
        ..JwksRefresh::default()
    };
    let verifier = TokenVerifier::from_jwks_url(&server.url, refresh)
        .await
        .unwrap();
    server.publish(set_2());
    // `verify` never fetches: only the background refresh can bring key 2 in.
    wait_until(Duration::from_secs(10), "key 2 verifies", || {
        verifier.verify(&token_2()).is_ok()
    })
    .await;
    assert!(server.requests() >= 2);
    assert!(verifier.verify(&token_1()).is_err(), "key 1 was withdrawn");
}

#[tokio::test]
async fn a_first_fetch_that_fails_stops_the_start_naming_the_url() {
    // Nothing listens on a port just released.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = format!("http://{}/jwks.json", listener.local_addr().unwrap());
    drop(listener);
    let error = TokenVerifier::from_jwks_url(&closed, JwksRefresh::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains(&closed), "{error}");
    assert!(error.to_lowercase().contains("connect"), "{error}");

    // A provider that answers something other than a key set.
    let server = JwksServer::start(json!({"keys": []})).await;
    let error = TokenVerifier::from_jwks_url(&server.url, JwksRefresh::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(&server.url) && error.contains("no RS256 or ES256"),
        "{error}"
    );

    // A provider that accepts the connection and never answers: the timeout bounds the start.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let silent_url = format!("http://{}/jwks.json", silent.local_addr().unwrap());
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((connection, _)) = silent.accept().await {
            held.push(connection);
        }
    });
    let refresh = JwksRefresh {
        timeout: Duration::from_millis(500),
        ..JwksRefresh::default()
    };
    let started = Instant::now();
    let error = TokenVerifier::from_jwks_url(&silent_url, refresh)
        .await
        .unwrap_err()
        .to_string();
    assert!(started.elapsed() < Duration::from_secs(5), "{error}");
    assert!(
        error.contains(&silent_url) && error.contains("timed out"),
        "{error}"
    );
    holder.abort();
}
