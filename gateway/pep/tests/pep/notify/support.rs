//! The service under test for notices: `pep serve` on PostgreSQL with its own `nats-server`, or
//! embedded (SQLite, no NATS), with delivery timings short enough for tests; tokens for each
//! role; a child with an IRO and a placement change made over HTTP; reading deliveries back.

use crate::client::{Answer, send};
use crate::relay::support::{TestDatabase, wait_until};
use crate::service::{SECRET, Service, test_config};
use pep::admin::DatabaseLocation;
use pep_auth::{Claims, issue_development_token};
use pep_notify::NoticeConfig;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::time::Duration;
use tests::nats_server::NatsServer;

pub const LA: &str = "831";
pub const IRO: &str = "iro-7";
pub const SOCIAL_WORKER: &str = "sw-3";

/// Where the service keeps its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// PostgreSQL and a `nats-server` of the test's own.
    PostgresNats,
    /// SQLite and the in-process bus: inbox and webhooks only.
    Embedded,
}

/// A running service and what it runs on.
pub struct Running {
    pub service: Service,
    // Kept so the database lives (and is dropped) with the service.
    pub _database: Option<TestDatabase>,
    pub nats: Option<NatsServer>,
    _directory: tempfile::TempDir,
}

impl Running {
    pub fn address(&self) -> SocketAddr {
        self.service.address
    }
}

/// Delivery timings for tests: retries within tens of milliseconds.
pub fn fast_notices(max_attempts: u32) -> NoticeConfig {
    NoticeConfig {
        attempt_timeout: Duration::from_secs(3),
        max_attempts,
        backoff_base: Duration::from_millis(20),
        backoff_cap: Duration::from_millis(200),
        poll_interval: Duration::from_millis(50),
        sweep_interval: Duration::from_secs(3600),
        batch_size: 32,
    }
}

pub async fn start(mode: Mode, max_attempts: u32) -> Running {
    let directory = tempfile::tempdir().unwrap();
    let mut config = test_config(directory.path());
    config.notices = fast_notices(max_attempts);
    let (database, nats) = match mode {
        Mode::PostgresNats => {
            let database = TestDatabase::create().await;
            let nats = NatsServer::start().await;
            config.database = DatabaseLocation::Postgres(database.url.clone());
            config.nats_url = Some(nats.url());
            (Some(database), Some(nats))
        }
        Mode::Embedded => (None, None),
    };
    let service = Service::start(config).await;
    Running {
        service,
        _database: database,
        nats,
        _directory: directory,
    }
}

/// A token for `role` in LA 831.
pub fn token(role: &str, sub: &str, iro_id: Option<&str>) -> String {
    let now = jsonwebtoken::get_current_timestamp();
    issue_development_token(
        SECRET.as_bytes(),
        &Claims {
            sub: sub.to_owned(),
            role: role.to_owned(),
            la: LA.to_owned(),
            school_urn: None,
            child_ids: Vec::new(),
            caseload: Vec::new(),
            iro_id: iro_id.map(str::to_owned),
            exp: now + 3600,
            iat: Some(now),
        },
    )
    .unwrap()
}

pub fn virtual_school() -> String {
    token("virtual_school", "vs-officer-1", None)
}

fn ok(answer: Answer) -> Value {
    assert!(
        (200..300).contains(&answer.status),
        "{}: {}",
        answer.status,
        String::from_utf8_lossy(&answer.body)
    );
    answer.json()
}

/// Registers a webhook for LA 831 and returns (id, secret).
pub async fn register_webhook(address: SocketAddr, url: &str) -> (String, String) {
    let answer = send(
        address,
        "POST",
        "/api/v1/webhooks",
        Some(&virtual_school()),
        Some(&json!({"url": url, "description": "case system"})),
    )
    .await;
    assert_eq!(
        answer.status,
        201,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let body = answer.json();
    (
        body["webhook_id"].as_str().unwrap().to_owned(),
        body["secret"].as_str().unwrap().to_owned(),
    )
}

/// A child in care since 2 September 2024 with an IRO and a social worker.
pub async fn child_with_iro(address: SocketAddr) -> String {
    let token = virtual_school();
    let registered = ok(send(
        address,
        "POST",
        "/api/v1/children",
        Some(&token),
        Some(&json!({
            "la": LA,
            "la_child_id": uuid::Uuid::now_v7().simple().to_string(),
            "details": {"date_of_birth": "2012-05-14", "sex": "F"}
        })),
    )
    .await);
    let child_id = registered["child_id"].as_str().unwrap().to_owned();
    ok(send(
        address,
        "POST",
        &format!("/api/v1/children/{child_id}/episodes"),
        Some(&token),
        Some(
            &json!({"episode": {"start_date": "2024-09-02", "reason_new_episode": "S",
            "legal_status": "C2", "placement_type": "U4", "placement_provider": "PR1"}}),
        ),
    )
    .await);
    for (role, person) in [("iro", IRO), ("social_worker", SOCIAL_WORKER)] {
        ok(send(
            address,
            "POST",
            &format!("/api/v1/children/{child_id}/assignments"),
            Some(&token),
            Some(
                &json!({"role": role, "person": {"id": person, "name": "A Person"},
                "from": "2024-09-02"}),
            ),
        )
        .await);
    }
    child_id
}

/// Records a placement move on 6 January 2025, which the IRO must be told about.
pub async fn change_placement(address: SocketAddr, child_id: &str) {
    ok(send(
        address,
        "POST",
        &format!("/api/v1/children/{child_id}/episodes"),
        Some(&virtual_school()),
        Some(
            &json!({"episode": {"start_date": "2025-01-06", "reason_new_episode": "P",
            "legal_status": "C2", "placement_type": "U5", "placement_provider": "PR2",
            "reason_place_change": "CARPL"}}),
        ),
    )
    .await);
}

/// The deliveries listing of a notice, as the Virtual School sees it.
pub async fn deliveries(address: SocketAddr, notice_id: &str) -> Value {
    ok(send(
        address,
        "GET",
        &format!("/api/v1/notices/{notice_id}/deliveries"),
        Some(&virtual_school()),
        None,
    )
    .await)
}

/// The delivery of `channel` in a listing.
pub fn delivery<'a>(listing: &'a Value, channel: &str) -> &'a Value {
    listing["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|delivery| delivery["channel"] == channel)
        .unwrap_or_else(|| panic!("no {channel} delivery in {listing}"))
}

/// Waits until the `channel` delivery of a notice is in `state`, and returns the listing.
pub async fn wait_for_state(
    address: SocketAddr,
    notice_id: &str,
    channel: &str,
    state: &str,
) -> Value {
    let what = format!("the {channel} delivery of {notice_id} is {state}");
    wait_until(Duration::from_secs(30), &what, || async move {
        let listing = send(
            address,
            "GET",
            &format!("/api/v1/notices/{notice_id}/deliveries"),
            Some(&virtual_school()),
            None,
        )
        .await;
        listing.status == 200
            && listing.json()["deliveries"]
                .as_array()
                .unwrap()
                .iter()
                .any(|delivery| delivery["channel"] == channel && delivery["state"] == state)
    })
    .await;
    deliveries(address, notice_id).await
}

/// The notice message schema, as a validator.
pub fn schema() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!(
        "../../../../../docs/schemas/pep.v1.notify.schema.json"
    ))
    .unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

/// Checks a body against the schema, naming every error.
pub fn assert_valid(body: &Value) {
    let validator = schema();
    let errors: Vec<String> = validator
        .iter_errors(body)
        .map(|error| error.to_string())
        .collect();
    assert!(errors.is_empty(), "{body} does not match: {errors:?}");
}
