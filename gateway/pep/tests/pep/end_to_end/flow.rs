//! One flow, run on both back ends: register a child and record its first care episode over
//! HTTP; read the timeline, the child's compliance and the cohort with `min_position` = the
//! command's position; (with NATS) find the event on JetStream under its subject; then stop the
//! service and check the relay and every projector stopped at the head of the log.

use crate::client::{Answer, send};
use crate::relay::support::TestDatabase;
use crate::service::{Service, test_config, virtual_school_token};
use commands::store::{EventStore, PostgresEventStore, SqliteEventStore};
use pep::admin::DatabaseLocation;
use pep_messaging::projection_feed::read_model_projectors;
use pep_reference::{ReferenceData, ReferenceDataArgs};
use projections::db::ReadDatabase;
use projections::runtime::ProjectorRunner;
use serde_json::{Value, json};
use std::net::SocketAddr;
use std::sync::Arc;
use tests::nats_server::NatsServer;

const LA: &str = "831";

/// What the flow wrote: the child and the position of its episode.
struct Written {
    child_id: String,
    position: u64,
}

async fn register_child_in_care(address: SocketAddr, token: &str) -> Written {
    let registered = send(
        address,
        "POST",
        "/api/v1/children",
        Some(token),
        Some(&json!({
            "la": LA,
            "la_child_id": "E2E-0001",
            "details": {"date_of_birth": "2012-05-14", "sex": "F", "upn": "H801200001001",
                        "given_name": "Amy", "family_name": "Example"}
        })),
    )
    .await
    .expect(201);
    let child_id = registered["child_id"].as_str().unwrap().to_owned();
    let episode = send(
        address,
        "POST",
        &format!("/api/v1/children/{child_id}/episodes"),
        Some(token),
        Some(
            &json!({"episode": {"start_date": "2024-09-02", "reason_new_episode": "S",
            "legal_status": "C2", "placement_type": "U4", "placement_provider": "PR1"}}),
        ),
    )
    .await;
    assert!(
        episode.status == 200 || episode.status == 201,
        "{}",
        String::from_utf8_lossy(&episode.body)
    );
    let position = episode.json()["position"].as_u64().unwrap();
    Written { child_id, position }
}

fn event_types(timeline: &Value) -> Vec<String> {
    timeline["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["event_type"].as_str().unwrap().to_owned())
        .collect()
}

fn read_position(answer: &Answer) -> u64 {
    answer
        .header(pep_http::reads::READ_POSITION_HEADER)
        .expect("a read position header")
        .parse()
        .unwrap()
}

/// Reads the write back through the read models, waiting with `min_position`.
async fn read_your_writes(address: SocketAddr, token: &str, written: &Written) {
    let Written { child_id, position } = written;
    let timeline = send(
        address,
        "GET",
        &format!("/api/v1/children/{child_id}/timeline?min_position={position}"),
        Some(token),
        None,
    )
    .await;
    assert!(read_position(&timeline) >= *position);
    let types = event_types(&timeline.expect(200));
    assert!(types.contains(&"ChildRegistered".to_owned()), "{types:?}");
    assert!(
        types.contains(&"CareEpisodeStarted".to_owned()),
        "{types:?}"
    );

    let child = send(
        address,
        "GET",
        &format!("/api/v1/children/{child_id}?min_position={position}&today=2024-09-10"),
        Some(token),
        None,
    )
    .await
    .expect(200);
    let items = child["compliance"]["items"].as_array().unwrap();
    assert!(!items.is_empty(), "no due dates: {child}");
    assert!(
        items
            .iter()
            .all(|item| item["due_date"].is_string() || item["due_on"].is_string()),
        "{items:?}"
    );
    assert_eq!(child["record"]["la_child_id"], "E2E-0001");

    let cohort = send(
        address,
        "GET",
        &format!("/api/v1/compliance?min_position={position}&today=2024-09-10&page_size=10"),
        Some(token),
        None,
    )
    .await
    .expect(200);
    assert_eq!(cohort["total"], 1, "{cohort}");
    let row = &cohort["children"][0];
    assert_eq!(row["child_id"], child_id.as_str());
    assert!(row["next_due"].is_object(), "{row}");

    let found = send(
        address,
        "GET",
        &format!("/api/v1/children?la_child_id=E2E-0001&min_position={position}"),
        Some(token),
        None,
    )
    .await
    .expect(200);
    assert_eq!(found["children"][0]["child_id"], child_id.as_str());
}

/// Stops the service and checks the relay and every projector stopped at the head.
async fn stop_and_check_checkpoints(service: Service, store: Arc<dyn EventStore>, read_url: &str) {
    service.stop().await;
    let head = store.head_position().await.unwrap();
    assert_eq!(store.load_checkpoint("relay").await.unwrap(), Some(head));
    let read = ReadDatabase::connect(read_url).await.unwrap();
    let reference = ReferenceData::load(&ReferenceDataArgs::default()).unwrap();
    for projector in read_model_projectors(&reference) {
        let name = projector.name();
        let checkpoint = ProjectorRunner::new(read.clone(), projector)
            .checkpoint()
            .await
            .unwrap();
        assert_eq!(
            checkpoint, head,
            "the {name} projector stopped behind the head"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_and_nats_read_your_writes_jetstream_subject_and_clean_stop() {
    let database = TestDatabase::create().await;
    let nats = NatsServer::start().await;
    let directory = tempfile::tempdir().unwrap();
    let mut config = test_config(directory.path());
    config.database = DatabaseLocation::Postgres(database.url.clone());
    config.nats_url = Some(nats.url());
    let service = Service::start(config).await;
    let token = virtual_school_token(LA);

    let written = register_child_in_care(service.address, &token).await;
    read_your_writes(service.address, &token, &written).await;

    // The episode's event is on JetStream under pep.v1.events.<la>.child.<EventType>.
    let client = async_nats::connect(nats.url()).await.unwrap();
    let jetstream = async_nats::jetstream::new(client);
    let stream = jetstream.get_stream("PEP_EVENTS").await.unwrap();
    let message = stream
        .get_last_raw_message_by_subject(&format!("pep.v1.events.{LA}.child.CareEpisodeStarted"))
        .await
        .unwrap();
    let envelope: Value = serde_json::from_slice(&message.payload).unwrap();
    assert_eq!(envelope["global_position"], written.position);
    assert_eq!(
        envelope["stream_id"],
        format!("child-{}", written.child_id).as_str()
    );

    let store: Arc<dyn EventStore> =
        Arc::new(PostgresEventStore::connect(&database.url).await.unwrap());
    stop_and_check_checkpoints(service, store, &database.url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embedded_read_your_writes_and_clean_stop() {
    let directory = tempfile::tempdir().unwrap();
    let config = test_config(directory.path());
    let service = Service::start(config).await;
    let file = directory.path().join("pep.db");
    assert!(
        file.is_file(),
        "the embedded database is created in the data directory"
    );
    let token = virtual_school_token(LA);

    let written = register_child_in_care(service.address, &token).await;
    read_your_writes(service.address, &token, &written).await;

    let store: Arc<dyn EventStore> = Arc::new(SqliteEventStore::open(&file).await.unwrap());
    stop_and_check_checkpoints(service, store, &format!("sqlite://{}", file.display())).await;
}
