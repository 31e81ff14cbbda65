//! Schema evolution: an old-version event written by raw SQL reads back upcast, and still
//! verifies (the hash covers the stored payload, not the upcast one).

use crate::support::{Backend, RawDatabase, TestStore, instant, single};
use commands::store::{
    CanonicalFields, EventHash, ExpectedVersion, ReadStreamOptions, StoreSettings, Upcasters,
    canonical_bytes, canonical_json, link_hash,
};
use serde_json::{Value, json};
use std::sync::Arc;
use uuid::Uuid;

fn upcasters() -> Upcasters {
    Upcasters::new()
        .with("ChildRegistered", 1, |mut payload: Value| {
            let object = payload.as_object_mut().ok_or("not an object")?;
            let name = object.remove("name").ok_or("no name")?;
            object.insert("full_name".to_owned(), name);
            Ok(payload)
        })
        .with("ChildRegistered", 2, |mut payload: Value| {
            let object = payload.as_object_mut().ok_or("not an object")?;
            object.insert("school_urn".to_owned(), Value::Null);
            Ok(payload)
        })
}

async fn an_old_version_event_inserted_by_raw_sql_reads_back_upcast(backend: Backend) {
    let settings = StoreSettings {
        upcasters: Arc::new(upcasters()),
        ..StoreSettings::default()
    };
    let test = TestStore::open_with(backend, settings).await;
    let event_id = Uuid::now_v7();
    let correlation_id = Uuid::now_v7();
    let payload = canonical_json(&json!({ "name": "Ada" }));
    let fields = CanonicalFields {
        global_position: 1,
        event_id,
        stream_id: "child-old",
        stream_version: 1,
        event_type: "ChildRegistered",
        schema_version: 1,
        la: "831",
        occurred_at: instant(1, 9),
        recorded_at: instant(2, 9),
        actor_id: "lcs",
        actor_role: "integration",
        correlation_id,
        causation_id: correlation_id,
        source: "nats:liquidlogic-lcs",
        payload_json: &payload,
    };
    let hash = link_hash(&EventHash::GENESIS, &canonical_bytes(&fields));
    insert_raw(&test.raw, &fields, &hash).await;

    let read = test
        .store
        .read_stream("child-old", ReadStreamOptions::all())
        .await
        .unwrap();
    assert_eq!(read.len(), 1);
    assert_eq!(read[0].schema_version, 3);
    assert_eq!(
        read[0].payload,
        json!({ "full_name": "Ada", "school_urn": null })
    );
    assert_eq!(read[0].hash, hash);

    // New events chain after the raw one, and the whole log verifies.
    let appended = test
        .store
        .append(single("child-old", ExpectedVersion::Exactly(1), 1))
        .await
        .unwrap();
    assert_eq!(appended.first_position, 2);
    let report = test.store.verify_chain().await.unwrap();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.events_checked, 2);
}

async fn insert_raw(raw: &RawDatabase, fields: &CanonicalFields<'_>, hash: &EventHash) {
    let columns = "global_position, event_id, stream_id, stream_version, event_type, \
        schema_version, la, occurred_at, recorded_at, actor_id, actor_role, correlation_id, \
        causation_id, source, payload, prev_hash, hash";
    match raw {
        RawDatabase::Postgres(pool) => {
            sqlx::query(&format!(
                "INSERT INTO events ({columns}) VALUES \
                 (1, $1, $2, 1, $3, 1, $4, $5, $6, $7, $8, $9, $9, $10, $11, $12, $13)"
            ))
            .bind(fields.event_id)
            .bind(fields.stream_id)
            .bind(fields.event_type)
            .bind(fields.la)
            .bind(fields.occurred_at)
            .bind(fields.recorded_at)
            .bind(fields.actor_id)
            .bind(fields.actor_role)
            .bind(fields.correlation_id)
            .bind(fields.source)
            .bind(fields.payload_json)
            .bind(EventHash::GENESIS.0.to_vec())
            .bind(hash.0.to_vec())
            .execute(pool)
            .await
            .unwrap();
        }
        RawDatabase::Sqlite(pool) => {
            sqlx::query(&format!(
                "INSERT INTO events ({columns}) VALUES \
                 (1, ?1, ?2, 1, ?3, 1, ?4, ?5, ?6, ?7, ?8, ?9, ?9, ?10, ?11, ?12, ?13)"
            ))
            .bind(fields.event_id.to_string())
            .bind(fields.stream_id)
            .bind(fields.event_type)
            .bind(fields.la)
            .bind(fields.occurred_at.timestamp_micros())
            .bind(fields.recorded_at.timestamp_micros())
            .bind(fields.actor_id)
            .bind(fields.actor_role)
            .bind(fields.correlation_id.to_string())
            .bind(fields.source)
            .bind(fields.payload_json)
            .bind(EventHash::GENESIS.0.to_vec())
            .bind(hash.0.to_vec())
            .execute(pool)
            .await
            .unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_an_old_version_event_inserted_by_raw_sql_reads_back_upcast() {
    an_old_version_event_inserted_by_raw_sql_reads_back_upcast(Backend::Postgres).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_an_old_version_event_inserted_by_raw_sql_reads_back_upcast() {
    an_old_version_event_inserted_by_raw_sql_reads_back_upcast(Backend::Sqlite).await;
}
