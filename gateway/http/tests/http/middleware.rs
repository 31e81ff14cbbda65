//! The layers around every request, over a real app: a panicking handler answers 500
//! problem+json with the request id and the service goes on answering; a request that runs past
//! the timeout answers 503 problem+json with `Retry-After`; a body over the service-wide bound
//! answers 413 problem+json; answers are compressed for clients that ask; request ids are made,
//! kept or replaced; and the API's document is browsable at `/api/docs` from embedded assets.

use crate::support::{Backend, TestApp};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::routing::{get, post};
use pep_http::Limits;
use std::time::Duration;
use tower::ServiceExt;

/// Routes no real handler has (one that panics, one that is slow), wrapped in the API's layers.
fn wrapped(app: &TestApp) -> Router {
    let routes = Router::new()
        .route(
            "/test/panic",
            get(|| async {
                let items: Vec<u8> = Vec::new();
                // Indexing past the end, as a bug in a handler would.
                let index = items.len() + 1;
                items[index].to_string()
            }),
        )
        .route(
            "/test/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                "finished"
            }),
        )
        .route(
            "/test/echo",
            post(|body: String| async move { body.len().to_string() }),
        )
        .route("/test/fine", get(|| async { "fine" }));
    pep_http::middleware::stack(routes, &app.state)
}

async fn send(
    router: &Router,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap()
        .to_vec();
    (status, headers, body)
}

fn problem_type(body: &[u8]) -> String {
    let value: serde_json::Value = serde_json::from_slice(body).unwrap();
    value["type"]
        .as_str()
        .unwrap_or_default()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_handler_answers_500_problem_and_the_service_lives_on() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let router = wrapped(&app);
    let (status, headers, body) = send(
        &router,
        Request::get("/test/panic")
            .header("x-request-id", "report-me-1")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(headers["content-type"], "application/problem+json");
    assert_eq!(headers["x-request-id"], "report-me-1");
    assert_eq!(problem_type(&body), "internal");
    let text = String::from_utf8_lossy(&body);
    assert!(!text.contains("index out of bounds"), "{text}");
    assert!(text.contains("X-Request-Id"), "{text}");
    let (status, _, body) = send(
        &router,
        Request::get("/test/fine").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(
        (status, body.as_slice()),
        (StatusCode::OK, b"fine".as_slice())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_past_the_timeout_answers_503_problem_with_retry_after() {
    let app = TestApp::spawn_with(Backend::Sqlite, |builder| {
        builder.limits(Limits {
            request_timeout: Duration::from_millis(100),
            ..Limits::default()
        })
    })
    .await;
    let (status, headers, body) = send(
        &wrapped(&app),
        Request::get("/test/slow").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(headers["content-type"], "application/problem+json");
    assert_eq!(headers["retry-after"], "1");
    assert_eq!(problem_type(&body), "unavailable");
    assert!(String::from_utf8_lossy(&body).contains("Idempotency-Key"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_over_the_service_bound_answers_413_problem_before_the_handler_runs() {
    let app = TestApp::spawn_with(Backend::Sqlite, |builder| {
        builder.limits(Limits {
            json_body_bytes: 1000,
            attachment_bytes: 2000,
            ..Limits::default()
        })
    })
    .await;
    let router = wrapped(&app);
    let too_big = "x".repeat(2000 + 64 * 1024 + 1);
    let (status, headers, body) = send(
        &router,
        Request::post("/test/echo")
            .header("content-length", too_big.len())
            .body(Body::from(too_big))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(headers["content-type"], "application/problem+json");
    assert_eq!(problem_type(&body), "payload-too-large");
    let (status, _, body) = send(
        &router,
        Request::post("/test/echo")
            .body(Body::from("small"))
            .unwrap(),
    )
    .await;
    assert_eq!((status, body.as_slice()), (StatusCode::OK, b"5".as_slice()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_are_compressed_for_clients_that_ask_and_ids_are_made_or_replaced() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let plain = app
        .send(
            Request::get("/api/v1/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(plain.header("content-encoding"), None);
    let made = plain.header("x-request-id").unwrap();
    assert!(uuid::Uuid::parse_str(made).is_ok(), "{made}");
    assert_eq!(plain.header("x-correlation-id"), Some(made));

    let gzipped = app
        .send(
            Request::get("/api/v1/openapi.json")
                .header("accept-encoding", "gzip")
                .header("x-request-id", "x".repeat(300))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(gzipped.header("content-encoding"), Some("gzip"));
    assert!(
        gzipped.body.len() * 3 < plain.body.len(),
        "gzip should shrink the document"
    );
    let replaced = gzipped.header("x-request-id").unwrap();
    assert!(
        uuid::Uuid::parse_str(replaced).is_ok(),
        "an unusable id is replaced: {replaced}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_document_is_browsable_at_api_docs_from_embedded_assets() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let redirect = app
        .send(Request::get("/api/docs").body(Body::empty()).unwrap())
        .await;
    assert!(redirect.status.is_redirection());
    let page = app
        .send(Request::get("/api/docs/").body(Body::empty()).unwrap())
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let html = String::from_utf8_lossy(&page.body).to_string();
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "the page loads nothing from another host: {html}"
    );
    let initializer = app
        .send(
            Request::get("/api/docs/swagger-initializer.js")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(initializer.status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&initializer.body).contains("/api/v1/openapi.json"));
    let bundle = app
        .send(
            Request::get("/api/docs/swagger-ui-bundle.js")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(bundle.status, StatusCode::OK);
    assert!(
        bundle.body.len() > 100_000,
        "the bundle is embedded, not fetched"
    );
}
