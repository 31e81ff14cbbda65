//! Commands that span streams: opening and closing a PEP, and PP+ requests against a PEP.

use super::fixtures::*;
use crate::support::TestStore;
use crate::support::on_both_back_ends;
use commands::handlers::{FundingRequest, HandleError};
use commands::store::ReadStreamOptions;
use domain::DomainError;
use domain::Role;
use domain::child::{ChildError, ChildEvent};
use domain::event::DomainEvent;
use domain::funding::{FinancialYear, FundingCommand, FundingError, ReleaseCondition};
use domain::ids::{ChildId, FundingRequestId, PepId};
use domain::pep::{PepCommand, PepKind, PepStatus, PepTrigger, QaRating};
use domain::values::Money;
use uuid::Uuid;

on_both_back_ends!(
    opening_a_pep_writes_the_child_and_the_pep_in_one_append,
    concurrent_openings_leave_exactly_one_pep_open,
    a_refused_opening_writes_nothing_anywhere,
    signing_off_closes_the_pep_on_the_child_and_carries_targets_forward,
    pp_plus_is_requested_only_against_an_eligible_pep,
);

async fn child_events(store: &TestStore, child_id: ChildId) -> Vec<ChildEvent> {
    store
        .store
        .read_stream(&child_id.stream_id(), ReadStreamOptions::all())
        .await
        .unwrap()
        .iter()
        .map(|event| {
            ChildEvent::decode(&event.event_type, event.schema_version, &event.payload).unwrap()
        })
        .collect()
}

async fn initiate(
    handler: &commands::handlers::CommandHandler,
    child_id: ChildId,
    pep_id: PepId,
) -> Result<commands::handlers::CommandOutcome, HandleError> {
    handler
        .initiate_pep(
            child_id,
            pep_id,
            PepKind::Review,
            PepTrigger::Requested,
            date(2025, 3, 10),
            &as_role(Role::SocialWorker),
        )
        .await
}

async fn opening_a_pep_writes_the_child_and_the_pep_in_one_append(store: TestStore) {
    let handler = handler(&store);
    let child_id = child_in_care(&handler).await;
    let pep_id = PepId::from_uuid(Uuid::now_v7());
    let outcome = initiate(&handler, child_id, pep_id).await.unwrap();
    assert_eq!(outcome.events_written, 2);
    assert_eq!(outcome.version_of(&pep_id.stream_id()), Some(1));
    let child_last = store
        .store
        .read_stream(&child_id.stream_id(), ReadStreamOptions::all())
        .await
        .unwrap()
        .pop()
        .unwrap();
    let pep_first = store
        .store
        .read_stream(&pep_id.stream_id(), ReadStreamOptions::all())
        .await
        .unwrap()
        .remove(0);
    assert_eq!(child_last.event_type, "PepOpened");
    assert_eq!(pep_first.event_type, "PepInitiated");
    // One append: adjacent positions, the same command's correlation.
    assert_eq!(child_last.global_position + 1, pep_first.global_position);
    assert_eq!(child_last.correlation_id, pep_first.correlation_id);
}

async fn concurrent_openings_leave_exactly_one_pep_open(store: TestStore) {
    let handler = handler(&store);
    let child_id = child_in_care(&handler).await;
    let attempts: Vec<_> = (0..8)
        .map(|_| {
            let handler = handler.clone();
            tokio::spawn(async move {
                initiate(&handler, child_id, PepId::from_uuid(Uuid::now_v7())).await
            })
        })
        .collect();
    let mut opened = 0;
    for attempt in attempts {
        match attempt.await.unwrap() {
            Ok(_) => opened += 1,
            Err(HandleError::Rejected(DomainError::Child(ChildError::PepAlreadyOpen {
                ..
            }))) => {}
            Err(other) => panic!("unexpected outcome {other}"),
        }
    }
    assert_eq!(opened, 1);
    let openings = child_events(&store, child_id)
        .await
        .iter()
        .filter(|event| matches!(event, ChildEvent::PepOpened { .. }))
        .count();
    assert_eq!(openings, 1);
}

async fn a_refused_opening_writes_nothing_anywhere(store: TestStore) {
    let handler = handler(&store);
    let child_id = new_child();
    handler
        .child(child_id, register(child_id), &as_role(Role::SocialWorker))
        .await
        .unwrap();
    let head = store.store.head_position().await.unwrap();
    let pep_id = PepId::from_uuid(Uuid::now_v7());
    let error = initiate(&handler, child_id, pep_id).await.unwrap_err();
    assert_eq!(
        error,
        HandleError::Rejected(DomainError::Child(ChildError::NotInCare))
    );
    assert_eq!(store.store.head_position().await.unwrap(), head);
    assert_eq!(
        store
            .store
            .stream_version(&pep_id.stream_id())
            .await
            .unwrap(),
        0
    );
}

async fn take_through_quality_assurance(
    handler: &commands::handlers::CommandHandler,
    pep_id: PepId,
) {
    handler
        .pep(
            pep_id,
            PepCommand::Submit {
                by: actor(Role::DesignatedTeacher),
                submitted_on: date(2025, 1, 21),
            },
            &as_role(Role::DesignatedTeacher),
        )
        .await
        .unwrap();
    handler
        .pep(
            pep_id,
            PepCommand::QualityAssure {
                by: actor(Role::VirtualSchool),
                assured_on: date(2025, 1, 28),
                rating: QaRating::Green,
                comments: None,
            },
            &as_role(Role::VirtualSchool),
        )
        .await
        .unwrap();
}

async fn signing_off_closes_the_pep_on_the_child_and_carries_targets_forward(store: TestStore) {
    let handler = handler(&store);
    let child_id = child_in_care(&handler).await;
    let (pep_id, target_id) = ready_pep(&handler, child_id).await;
    take_through_quality_assurance(&handler, pep_id).await;
    let outcome = handler
        .pep(
            pep_id,
            PepCommand::SignOff {
                by: actor(Role::VirtualSchool),
                by_name: "Dr Adeyemi".to_owned(),
                signed_off_on: date(2025, 1, 29),
            },
            &as_role(Role::VirtualSchool),
        )
        .await
        .unwrap();
    assert_eq!(outcome.events_written, 2);
    assert!(matches!(
        child_events(&store, child_id).await.last(),
        Some(ChildEvent::PepClosed {
            completed: true,
            ..
        })
    ));
    // The next PEP opens, and the unreviewed target of the last one comes with it.
    let next = PepId::from_uuid(Uuid::now_v7());
    initiate(&handler, child_id, next).await.unwrap();
    let initiated = store
        .store
        .read_stream(&next.stream_id(), ReadStreamOptions::all())
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        initiated.payload["previous_pep_id"],
        serde_json::json!(pep_id)
    );
    assert_eq!(
        initiated.payload["targets_to_review"][0]["target_id"],
        serde_json::json!(target_id)
    );
}

async fn pp_plus_is_requested_only_against_an_eligible_pep(store: TestStore) {
    let handler = handler(&store);
    let year = "2024-25".parse::<FinancialYear>().unwrap();
    handler
        .funding(
            &la(),
            year,
            FundingCommand::SetBudget {
                la: la(),
                financial_year: year,
                budget: Money::from_pence(10_000_000),
                per_child_cap: Money::from_pence(190_000),
                release_condition: ReleaseCondition::QualityAssured,
                impact_required_before_further_funding: false,
            },
            &as_role(Role::VirtualSchool),
        )
        .await
        .unwrap();
    let child_id = child_in_care(&handler).await;
    let (pep_id, target_id) = ready_pep(&handler, child_id).await;
    let request = FundingRequest {
        request_id: FundingRequestId::from_uuid(Uuid::now_v7()),
        pep_id,
        school_urn: None,
        target_ids: vec![target_id],
        amount: Money::from_pence(45_000),
        purpose: "reading mentor".to_owned(),
        intended_outcome: "reading target met".to_owned(),
        requested_on: date(2025, 1, 30),
    };
    let error = handler
        .request_funding(
            &la(),
            year,
            request.clone(),
            &as_role(Role::DesignatedTeacher),
        )
        .await
        .unwrap_err();
    assert_eq!(
        error,
        HandleError::Rejected(DomainError::Funding(FundingError::PepNotEligible {
            status: PepStatus::Ready,
            required: ReleaseCondition::QualityAssured,
        }))
    );
    take_through_quality_assurance(&handler, pep_id).await;
    let pep_version = store
        .store
        .stream_version(&pep_id.stream_id())
        .await
        .unwrap();
    let outcome = handler
        .request_funding(&la(), year, request, &as_role(Role::DesignatedTeacher))
        .await
        .unwrap();
    assert_eq!(outcome.events_written, 1);
    assert_eq!(
        store
            .store
            .stream_version(&pep_id.stream_id())
            .await
            .unwrap(),
        pep_version,
        "the PEP is only checked, never written"
    );
}
