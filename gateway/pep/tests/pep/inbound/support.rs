//! What the inbound tests share: a service on PostgreSQL with its own `nats-server`, tokens,
//! feed bodies, publishing with retries as a social care system would, and looks into the
//! store and the inbound log.

use crate::relay::support::{TestDatabase, wait_until};
use crate::service::{Service, test_config};
use commands::store::{EventStore, PostgresEventStore};
use pep::admin::DatabaseLocation;
use projections::db::ReadDatabase;
use serde_json::{Value, json};
use sqlx::Row;
use std::sync::Arc;
use std::time::Duration;
use tests::nats_server::NatsServer;

pub const LA: &str = "831";

/// A service on its own database and NATS server.
pub struct Running {
    pub service: Service,
    /// Kept so the database lives as long as the service (it is dropped with this).
    pub _database: TestDatabase,
    pub nats: NatsServer,
    pub store: Arc<dyn EventStore>,
    pub read: ReadDatabase,
    _directory: tempfile::TempDir,
}

impl Running {
    pub async fn start() -> Self {
        let database = TestDatabase::create().await;
        let nats = NatsServer::start().await;
        let directory = tempfile::tempdir().unwrap();
        let mut config = test_config(directory.path());
        config.database = DatabaseLocation::Postgres(database.url.clone());
        config.nats_url = Some(nats.url());
        config.inbound.retry_delay = Duration::from_millis(200);
        config.inbound.max_backoff = Duration::from_millis(500);
        config.inbound.ack_wait = Duration::from_secs(5);
        let service = Service::start(config).await;
        let store: Arc<dyn EventStore> =
            Arc::new(PostgresEventStore::connect(&database.url).await.unwrap());
        let read = ReadDatabase::connect(&database.url).await.unwrap();
        Self {
            service,
            _database: database,
            nats,
            store,
            read,
            _directory: directory,
        }
    }

    pub async fn jetstream(&self) -> async_nats::jetstream::Context {
        let client = async_nats::connect(self.nats.url()).await.unwrap();
        async_nats::jetstream::new(client)
    }
}

/// A token for `role` in `la`.
pub fn token(role: &str, la: &str) -> String {
    crate::service::token_for(role, &format!("{role}-1"), la)
}

pub fn child_message(message_id: &str, la_child_id: &str) -> Value {
    json!({"message_id": message_id, "source_system": "lcs", "la": LA,
           "la_child_id": la_child_id, "sex": "F", "dob": "2012-03-27",
           "upn": "D051910639385", "given_name": "Amy", "family_name": "Example"})
}

pub fn placement_message(
    message_id: &str,
    la_child_id: &str,
    start_date: &str,
    reason_new_episode: &str,
    end_date: Option<&str>,
) -> Value {
    json!({"message_id": message_id, "source_system": "lcs", "la": LA,
           "la_child_id": la_child_id, "start_date": start_date,
           "reason_new_episode": reason_new_episode, "legal_status": "C2",
           "placement_type": "U4", "placement_provider": "PR1",
           "reason_place_change": if reason_new_episode == "S" { Value::Null } else { json!("CARPL") },
           "end_date": end_date, "reason_ceased": end_date.map(|_| "X1"),
           "placement_postcode": "WV27 9FW", "setting_urn": "8969628"})
}

/// Publishes on JetStream and waits for the stream's acknowledgement, trying again (as a
/// social care system's outbox would) until it is stored; no `Nats-Msg-Id`, so every
/// re-send reaches the consumer and only the service's own de-duplication stands between it
/// and a double write.
pub async fn publish(jetstream: &async_nats::jetstream::Context, subject: &str, body: &[u8]) {
    let mut attempts = 0;
    loop {
        attempts += 1;
        let sent = jetstream
            .publish(subject.to_owned(), body.to_vec().into())
            .await;
        let acknowledged = match sent {
            Ok(ack) => tokio::time::timeout(Duration::from_secs(5), ack).await,
            Err(error) => {
                assert!(attempts < 200, "could not publish on {subject}: {error}");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        match acknowledged {
            Ok(Ok(_)) => return,
            _ => {
                assert!(attempts < 200, "no acknowledgement for {subject}");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

pub fn subject(feed: &str) -> String {
    format!("pep.v1.inbound.{LA}.{feed}")
}

/// The status of a message in the inbound log, and how many times it arrived.
pub async fn logged(read: &ReadDatabase, message_id: &str) -> Option<(String, i64)> {
    sqlx::query(
        "SELECT status, times_received FROM inbound_messages \
         WHERE source_system = 'lcs' AND message_id = $1",
    )
    .bind(message_id.to_owned())
    .fetch_optional(read.pool())
    .await
    .unwrap()
    .map(|row| (row.get("status"), row.get("times_received")))
}

/// Waits until the inbound log holds `count` messages in status `applied`.
pub async fn wait_for_applied(read: &ReadDatabase, count: i64) {
    wait_until(
        Duration::from_secs(60),
        &format!("{count} messages applied"),
        || async {
            let applied: i64 =
                sqlx::query("SELECT COUNT(*) AS n FROM inbound_messages WHERE status = 'applied'")
                    .fetch_one(read.pool())
                    .await
                    .map(|row| row.get("n"))
                    .unwrap_or(0);
            applied >= count
        },
    )
    .await;
}

/// Every event type of `child_id`'s stream, in order.
pub async fn child_event_types(store: &Arc<dyn EventStore>, child_id: &str) -> Vec<String> {
    store
        .read_stream(
            &format!("child-{child_id}"),
            commands::store::ReadStreamOptions::all(),
        )
        .await
        .unwrap()
        .into_iter()
        .map(|event| event.event_type)
        .collect()
}

/// The record id a (la, la_child_id) gets.
pub fn child_id(la_child_id: &str) -> String {
    pep_inbound::child_id_for(&domain::values::LaCode::parse(LA).unwrap(), la_child_id)
        .as_uuid()
        .to_string()
}
