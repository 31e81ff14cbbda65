//! The published envelope matches its JSON Schema (`docs/schemas/pep.v1.events.envelope.schema.json`),
//! the contract outside consumers of `pep.v1.events.>` code against. Checked on real events made
//! by the command handlers through a real store, serialised exactly as the relay serialises them.

use chrono::NaiveDate;
use commands::clock::{SystemClock, UuidV7Ids};
use commands::handlers::{CommandContext, CommandHandler};
use commands::store::{EventStore, SqliteEventStore};
use domain::child::{ChildCommand, ChildDetails, Sex, Ssda903Episode};
use domain::ids::ChildId;
use domain::values::LaCode;
use domain::{Actor, Role};
use serde_json::Value;
use std::sync::Arc;
use uuid::Uuid;

const SCHEMA: &str = include_str!("../../../../../docs/schemas/pep.v1.events.envelope.schema.json");

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(SCHEMA).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

/// Real envelopes: a child registered, entering care, and the PEP the process manager's rule
/// would open (child and PEP streams both appear).
async fn real_envelopes() -> Vec<Value> {
    let directory = tempfile::tempdir().unwrap();
    let store = SqliteEventStore::open(&directory.path().join("events.db"))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let store: Arc<dyn EventStore> = Arc::new(store);
    let handler = CommandHandler::new(store.clone(), Arc::new(SystemClock), Arc::new(UuidV7Ids));
    let context = CommandContext::new(
        Actor::new("sw-1", Role::SocialWorker),
        Uuid::now_v7(),
        "test",
    );
    let child_id = ChildId::from_uuid(Uuid::now_v7());
    handler
        .child(
            child_id,
            ChildCommand::Register {
                child_id,
                la: LaCode::parse("831").unwrap(),
                la_child_id: "566910".to_owned(),
                details: ChildDetails {
                    date_of_birth: date(2012, 3, 27),
                    sex: Sex::Female,
                    upn: None,
                    given_name: None,
                    family_name: None,
                },
            },
            &context,
        )
        .await
        .unwrap();
    handler
        .child(
            child_id,
            ChildCommand::RecordEpisode {
                episode: Ssda903Episode {
                    start_date: date(2024, 11, 1),
                    reason_new_episode: "S".to_owned(),
                    legal_status: "C2".to_owned(),
                    placement_type: "U4".to_owned(),
                    placement_provider: "PR1".to_owned(),
                    reason_place_change: None,
                    end_date: None,
                    reason_ceased: None,
                    placement_postcode: None,
                    setting_urn: None,
                },
            },
            &context,
        )
        .await
        .unwrap();
    handler
        .initiate_pep(
            child_id,
            domain::ids::PepId::from_uuid(Uuid::now_v7()),
            domain::pep::PepKind::Initial,
            domain::pep::PepTrigger::EnteredCare,
            date(2024, 11, 4),
            &context,
        )
        .await
        .unwrap();
    store
        .read_all(0, 100)
        .await
        .unwrap()
        .iter()
        // The relay's body is `serde_json::to_vec(&RecordedEvent)`.
        .map(|event| serde_json::from_slice(&serde_json::to_vec(event).unwrap()).unwrap())
        .collect()
}

#[tokio::test]
async fn every_published_envelope_matches_the_schema() {
    let validator = validator();
    let envelopes = real_envelopes().await;
    assert_eq!(
        envelopes.len(),
        4,
        "registered, entered care, PEP opened on child and PEP"
    );
    for envelope in &envelopes {
        let errors: Vec<String> = validator
            .iter_errors(envelope)
            .map(|error| format!("{}: {error}", error.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{envelope}: {errors:?}");
    }
}

#[tokio::test]
async fn the_schema_refuses_broken_envelopes() {
    let validator = validator();
    let good = real_envelopes().await.remove(0);
    let mut without_hash = good.clone();
    without_hash.as_object_mut().unwrap().remove("hash");
    let mut bad_la = good.clone();
    bad_la["la"] = Value::String("83".to_owned());
    let mut bad_time = good.clone();
    bad_time["recorded_at"] = Value::String("yesterday".to_owned());
    let mut bad_role = good;
    bad_role["actor"]["role"] = Value::String("headteacher".to_owned());
    for broken in [without_hash, bad_la, bad_time, bad_role] {
        assert!(!validator.is_valid(&broken), "{broken} should be refused");
    }
}
