//! PostgreSQL going away: commands answer 503 with `Retry-After` and an opaque detail, write
//! nothing, readiness fails, and everything works again once the database is back. The shared
//! server is not stopped; this test's own database is cut off instead (connections refused and
//! terminated).

use crate::fixtures::register_body;
use crate::support::{Backend, TestApp, Who, admin_url};
use axum::body::Body;
use axum::http::Request;
use sqlx::Connection;

pub(crate) async fn admin(statement: &str) {
    let mut admin = sqlx::PgConnection::connect(&admin_url()).await.unwrap();
    sqlx::query(statement).execute(&mut admin).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_answer_503_with_retry_after_while_postgres_is_unreachable() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let token = Who::new("virtual_school", "831").token();
    app.post("/api/v1/children", &token, &register_body("831", "1"))
        .await
        .ok();
    let name = app.database.as_ref().unwrap().name.clone();
    admin(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false")).await;
    admin(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    ))
    .await;

    let refused = app
        .post("/api/v1/children", &token, &register_body("831", "2"))
        .await;
    assert_eq!(refused.header("retry-after"), Some("5"));
    let problem = refused.assert_problem(503, "unavailable");
    let detail = problem["detail"].as_str().unwrap();
    assert!(
        !detail.contains(&name) && !detail.contains("5432"),
        "{detail}"
    );
    let not_ready = app
        .send(Request::get("/readyz").body(Body::empty()).unwrap())
        .await;
    not_ready.assert_problem(503, "unavailable");

    admin(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true")).await;
    let registered = app
        .post("/api/v1/children", &token, &register_body("831", "2"))
        .await;
    assert_eq!(registered.status, 201, "{:?}", registered.json());
    assert_eq!(app.head().await, 2, "the refused command wrote nothing");
    let ready = app
        .send(Request::get("/readyz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(ready.status, 200);
}
