//! The audit export holds every event of the child and its PEPs once, in position order, then
//! the verification line; `verify` combines the store's hash chain with a rebuild comparison and
//! notices a read model that no longer matches the log.

use super::history::*;
use crate::support::{TestEnv, date, on_both_back_ends};
use commands::store::{CanonicalFields, canonical_bytes, canonical_json, link_hash};
use domain::envelope::RecordedEvent;
use domain::pep::{PepTrigger, QaRating};
use projections::audit::{ChainCheck, Verification, export_child_jsonl, verify};
use projections::runtime::{EventLogError, Projector};
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

on_both_back_ends!(the_export_holds_every_event_once_in_order_then_the_verification);

/// What the gateway does: run the store's verification and hand the result over.
async fn chain_check(env: &TestEnv) -> Result<ChainCheck, EventLogError> {
    let chain = env.store.verify_chain().await.map_err(EventLogError::new)?;
    Ok(ChainCheck {
        intact: chain.is_intact(),
        events_checked: chain.events_checked,
        verified_up_to: chain.verified_up_to,
        verified_head_hash: chain.verified_head_hash.to_hex(),
        first_break: chain
            .first_break
            .map(|first_break| serde_json::to_value(first_break).unwrap()),
    })
}

async fn the_export_holds_every_event_once_in_order_then_the_verification(env: TestEnv) {
    let projector = projector();
    recording_on(&env, date(2024, 11, 1));
    let child_id = register(&env, "LC-F", date(2014, 5, 10), None).await;
    enter_care(&env, child_id, date(2024, 11, 1)).await;
    // Another child's events are interleaved and must stay out of the export.
    let other = register(&env, "LC-G", date(2012, 2, 2), None).await;
    enter_care(&env, other, date(2024, 11, 1)).await;
    recording_on(&env, date(2024, 11, 4));
    let first = open_pep(&env, child_id, date(2024, 11, 4), PepTrigger::EnteredCare).await;
    open_pep(&env, other, date(2024, 11, 4), PepTrigger::EnteredCare).await;
    make_ready(&env, first, date(2024, 11, 12)).await;
    submit(&env, first, date(2024, 11, 14)).await;
    quality_assure(&env, first, date(2024, 11, 20), QaRating::Green).await;
    sign_off(&env, first, date(2024, 11, 20)).await;
    recording_on(&env, date(2025, 1, 6));
    let second = open_pep(&env, child_id, date(2025, 1, 6), PepTrigger::TermlyReview).await;
    change_placement(&env, child_id, date(2024, 11, 1), "S", date(2025, 1, 6)).await;
    caught_up(&env, &projector).await;

    let projectors: [&dyn Projector; 1] = [&projector];
    let verification = verify(&env.read, &projectors, &env.log, || chain_check(&env))
        .await
        .unwrap();
    assert!(verification.verified, "{verification:?}");
    assert!(verification.chain.intact);
    assert_eq!(verification.read_models.len(), 1);
    assert_eq!(verification.read_models[0].projector, "compliance");
    assert!(verification.read_models[0].matched);

    let mut file = Vec::new();
    let summary = export_child_jsonl(&env.log, child_id, &verification, &mut file)
        .await
        .unwrap();
    let text = String::from_utf8(file).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let (last, event_lines) = lines.split_last().unwrap();
    let exported: Vec<RecordedEvent> = event_lines
        .iter()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();

    let streams = [child_id.stream_id(), first.stream_id(), second.stream_id()];
    let expected: Vec<RecordedEvent> = env
        .all_events()
        .await
        .into_iter()
        .filter(|event| streams.contains(&event.stream_id))
        .collect();
    assert_eq!(
        exported, expected,
        "every event of the child and its PEPs, in order"
    );
    let positions: Vec<u64> = exported.iter().map(|event| event.global_position).collect();
    assert!(positions.windows(2).all(|pair| pair[0] < pair[1]));
    let ids: BTreeSet<uuid::Uuid> = exported.iter().map(|event| event.event_id).collect();
    assert_eq!(ids.len(), exported.len(), "each event once");
    assert!(
        exported
            .iter()
            .all(|event| !event.stream_id.contains(&other.to_string()))
    );

    // Each line carries what an auditor needs to recompute its hash offline.
    for event in &exported {
        let payload_json = canonical_json(&event.payload);
        let fields = CanonicalFields {
            global_position: event.global_position,
            event_id: event.event_id,
            stream_id: &event.stream_id,
            stream_version: event.stream_version,
            event_type: &event.event_type,
            schema_version: event.schema_version,
            la: &event.la,
            occurred_at: event.occurred_at,
            recorded_at: event.recorded_at,
            actor_id: &event.actor.id,
            actor_role: event.actor.role.as_str(),
            correlation_id: event.correlation_id,
            causation_id: event.causation_id,
            source: &event.source,
            payload_json: &payload_json,
        };
        let recomputed = link_hash(&event.prev_hash, &canonical_bytes(&fields));
        assert_eq!(recomputed, event.hash, "position {}", event.global_position);
    }

    let last: serde_json::Value = serde_json::from_str(last).unwrap();
    let line = &last["audit_export"];
    assert_eq!(line["format"], "pep-ledger-audit-export-v1");
    assert_eq!(line["child_id"], child_id.to_string());
    assert_eq!(line["events"], exported.len());
    assert_eq!(line["first_position"], positions[0]);
    assert_eq!(line["last_position"], *positions.last().unwrap());
    assert_eq!(line["streams"], serde_json::json!(streams));
    let mut digest = Sha256::new();
    for event_line in event_lines {
        digest.update(event_line.as_bytes());
        digest.update(b"\n");
    }
    assert_eq!(line["events_sha256"], hex::encode(digest.finalize()));
    let written: Verification = serde_json::from_value(line["verification"].clone()).unwrap();
    assert_eq!(written, verification);
    assert_eq!(summary.events, exported.len() as u64);

    // A read-model row changed behind the projector's back no longer matches the log.
    sqlx::query("UPDATE compliance_children SET school_name = 'edited' WHERE la_child_id = 'LC-F'")
        .execute(env.read.pool())
        .await
        .unwrap();
    let verification = verify(&env.read, &projectors, &env.log, || chain_check(&env))
        .await
        .unwrap();
    assert!(verification.chain.intact);
    assert!(!verification.read_models[0].matched);
    assert!(!verification.verified);
}
