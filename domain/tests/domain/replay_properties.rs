//! Property tests over random command sequences: replaying the accepted events always rebuilds
//! exactly the state the decider saw (also after a trip through the stored encoding), episode
//! rows fold the same in any arrival order, and no sequence of PP+ commands can break the cap
//! or the budget.

use chrono::{Days, NaiveDate};
use domain::actor::{Actor, PersonRef, Role};
use domain::child::{ChildDecider, ChildEvent, ChildState, Ssda903Episode};
use domain::event::{Decider, DomainEvent};
use domain::funding::{
    FinancialYear, FundingCommand, FundingDecider, FundingPolicy, PepSnapshot, ReleaseCondition,
};
use domain::ids::*;
use domain::pep::*;
use domain::values::{LaCode, Money};
use proptest::prelude::*;
use uuid::Uuid;

fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 6).unwrap() + Days::new(offset)
}

fn person(n: u8) -> PersonRef {
    PersonRef {
        id: format!("p{n}"),
        name: format!("Person {n}"),
    }
}

/// Runs commands through a decider, keeping the accepted events and the state it folded.
fn run<D: Decider>(commands: Vec<D::Command>) -> (Vec<D::Event>, D::State) {
    let mut state = D::State::default();
    let mut events = Vec::new();
    for command in commands {
        if let Ok(new_events) = D::decide(&state, command) {
            for event in new_events {
                state = D::evolve(state, &event);
                events.push(event);
            }
        }
    }
    (events, state)
}

fn through_the_store<E: DomainEvent>(events: &[E]) -> Vec<E> {
    events
        .iter()
        .map(|event| {
            let encoded = event.encode();
            let text = serde_json::to_vec(&encoded.payload).unwrap();
            let payload = serde_json::from_slice(&text).unwrap();
            E::decode(&encoded.event_type, encoded.schema_version, &payload).unwrap()
        })
        .collect()
}

fn pep_command() -> impl Strategy<Value = PepCommand> {
    let section = prop::sample::select(PepSection::ALL.to_vec());
    let role = prop::sample::select(Role::ALL.to_vec());
    prop_oneof![
        (section.clone(), role.clone(), "[a-z ]{0,12}").prop_map(|(section, role, content)| {
            PepCommand::DraftSection {
                based_on: None,
                section,
                content,
                by: Actor::new("someone", role),
            }
        }),
        (section, role.clone(), 0u64..40).prop_map(|(section, role, offset)| {
            PepCommand::CompleteSection {
                section,
                by: Actor::new("someone", role),
                completed_on: day(offset),
            }
        }),
        (0u128..3, 0u64..40).prop_map(|(n, offset)| PepCommand::ScheduleMeeting {
            meeting_id: MeetingId::from_uuid(Uuid::from_u128(n)),
            scheduled_for: day(offset),
            invitees: vec![person(1)],
        }),
        (0u128..3, any::<bool>(), prop::option::of("[a-z]{0,5}")).prop_map(
            |(n, child_attended, reason)| PepCommand::HoldMeeting {
                meeting_id: MeetingId::from_uuid(Uuid::from_u128(n)),
                held_on: day(10),
                attendees: vec![Attendee {
                    person: person(2),
                    capacity: "carer".to_owned(),
                }],
                child_attended,
                child_absence_reason: reason,
            }
        ),
        ("[a-z ]{0,8}", role.clone()).prop_map(|(views, role)| PepCommand::RecordChildViews {
            views,
            attachments: vec![],
            in_own_words: true,
            by: Actor::new("someone", role),
            recorded_on: day(3),
        }),
        (0u128..4, 0u64..20, 0u64..60, "[a-z]{0,4}").prop_map(|(n, set, due, criterion)| {
            PepCommand::SetTarget {
                target_id: TargetId::from_uuid(Uuid::from_u128(n)),
                area: "maths".to_owned(),
                description: "improve".to_owned(),
                success_criterion: criterion,
                owner: person(3),
                set_on: day(set),
                due_on: day(due),
                horizon: TargetHorizon::ShortTerm,
                carried_from: None,
            }
        }),
        (
            0u128..4,
            prop::sample::select(vec![
                TargetOutcome::Met,
                TargetOutcome::PartlyMet,
                TargetOutcome::NotMet,
                TargetOutcome::CarriedForward
            ])
        )
            .prop_map(|(n, outcome)| PepCommand::ReviewTarget {
                target_id: TargetId::from_uuid(Uuid::from_u128(n)),
                outcome,
                comment: None,
                reviewed_on: day(30),
            }),
        (0u128..3, 0u64..40).prop_map(|(n, due)| PepCommand::AgreeAction {
            action_id: ActionId::from_uuid(Uuid::from_u128(n)),
            description: "do it".to_owned(),
            owner: person(4),
            agreed_on: day(10),
            due_on: day(due),
            target_id: None,
        }),
        (0u128..3).prop_map(|n| PepCommand::CompleteAction {
            action_id: ActionId::from_uuid(Uuid::from_u128(n)),
            completed_on: day(20),
        }),
        role.clone().prop_map(|role| PepCommand::Submit {
            by: Actor::new("someone", role),
            submitted_on: day(21),
        }),
        (role.clone(), "[a-z]{0,3}").prop_map(|(role, reason)| PepCommand::Return {
            by: Actor::new("someone", role),
            returned_on: day(22),
            reason,
        }),
        role.clone().prop_map(|role| PepCommand::QualityAssure {
            by: Actor::new("someone", role),
            assured_on: day(23),
            rating: QaRating::Green,
            comments: None,
        }),
        role.prop_map(|role| PepCommand::SignOff {
            by: Actor::new("someone", role),
            by_name: "Someone".to_owned(),
            signed_off_on: day(24),
        }),
    ]
}

fn initiate() -> PepCommand {
    PepCommand::Initiate {
        pep_id: PepId::from_uuid(Uuid::from_u128(1)),
        child_id: ChildId::from_uuid(Uuid::from_u128(2)),
        la: LaCode::parse("831").unwrap(),
        kind: PepKind::Review,
        trigger: PepTrigger::TermlyReview,
        initiated_on: day(0),
        previous_pep_id: None,
        targets_to_review: vec![],
    }
}

fn episode(start: u64, rne: &str, end: Option<u64>) -> Ssda903Episode {
    Ssda903Episode {
        start_date: day(start),
        reason_new_episode: rne.to_owned(),
        legal_status: "C2".to_owned(),
        placement_type: "U4".to_owned(),
        placement_provider: "PR1".to_owned(),
        reason_place_change: None,
        end_date: end.map(day),
        reason_ceased: end.map(|_| "X1".to_owned()),
        placement_postcode: None,
        setting_urn: None,
    }
}

/// The policy's PP+ rules with the cap the property checks.
fn policy(cap: Money) -> FundingPolicy {
    FundingPolicy {
        policy_name: "property".to_owned(),
        per_child_cap: cap,
        release_condition: ReleaseCondition::Submitted,
        impact_required_before_further_funding: false,
        termly_instalments: 3,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn replaying_a_pep_history_rebuilds_the_state_the_decider_saw(
        commands in prop::collection::vec(pep_command(), 0..60)
    ) {
        let mut all = vec![initiate()];
        all.extend(commands);
        let (events, state) = run::<PepDecider>(all);
        prop_assert_eq!(&PepDecider::replay(&events), &state);
        prop_assert_eq!(&PepDecider::replay(&events), &PepDecider::replay(&events));
        prop_assert_eq!(&PepDecider::replay(&through_the_store(&events)), &state);
        // Whatever happened, a signed-off PEP accepted nothing afterwards.
        if let Some(signed) = events.iter().position(|event| matches!(event, PepEvent::SignedOff { .. })) {
            prop_assert_eq!(signed, events.len() - 1);
        }
    }

    #[test]
    fn episode_rows_fold_to_the_same_record_in_any_arrival_order(
        rows in prop::collection::btree_map(0u64..400, (prop::sample::select(vec!["S", "P", "L", "T"]), prop::option::of(1u64..50)), 1..12),
        seed in any::<u64>(),
    ) {
        let mut events: Vec<ChildEvent> = rows
            .iter()
            .map(|(start, (rne, length))| ChildEvent::PlacementChanged {
                episode: episode(*start, rne, length.map(|length| start + length)),
            })
            .collect();
        let in_order: ChildState = ChildDecider::replay(&events);
        // A deterministic shuffle driven by the seed.
        let count = events.len();
        let mut state = seed;
        for index in (1..count).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let other = usize::try_from(state >> 33).unwrap() % (index + 1);
            events.swap(index, other);
        }
        let shuffled: ChildState = ChildDecider::replay(&events);
        prop_assert_eq!(&in_order.episodes, &shuffled.episodes);
        prop_assert_eq!(in_order.data_quality_issues(), shuffled.data_quality_issues());
    }

    #[test]
    fn no_sequence_of_pp_plus_commands_breaks_the_cap_or_the_budget(
        steps in prop::collection::vec((0u128..6, 0u128..3, 1i64..120_000, 0u8..3), 0..80)
    ) {
        let cap = Money::from_pence(190_000);
        let budget = Money::from_pence(400_000);
        let mut commands = vec![FundingCommand::SetBudget {
            la: LaCode::parse("831").unwrap(),
            financial_year: "2024-25".parse::<FinancialYear>().unwrap(),
            budget,
            per_child_cap: cap,
            release_condition: ReleaseCondition::Submitted,
            impact_required_before_further_funding: false,
        }];
        for (request, child, pence, kind) in steps {
            let request_id = FundingRequestId::from_uuid(Uuid::from_u128(request));
            let child_id = ChildId::from_uuid(Uuid::from_u128(child));
            let target = TargetId::from_uuid(Uuid::from_u128(99));
            commands.push(match kind {
                0 => FundingCommand::Request {
                    request_id,
                    child_id,
                    pep: PepSnapshot {
                        pep_id: PepId::from_uuid(Uuid::from_u128(child)),
                        child_id,
                        status: PepStatus::SignedOff,
                        rating: None,
                        target_ids: vec![target],
                    },
                    school_urn: None,
                    target_ids: vec![target],
                    amount: Money::from_pence(pence),
                    purpose: "tuition".to_owned(),
                    intended_outcome: "progress".to_owned(),
                    requested_on: day(1),
                    policy: policy(cap),
                },
                1 => FundingCommand::Allocate {
                    request_id,
                    amount: Money::from_pence(pence),
                    allocated_on: day(2),
                    pep: PepSnapshot {
                        pep_id: PepId::from_uuid(Uuid::from_u128(child)),
                        child_id,
                        status: PepStatus::SignedOff,
                        rating: None,
                        target_ids: vec![target],
                    },
                    policy: policy(cap),
                },
                _ => FundingCommand::RecordImpact {
                    request_id,
                    impact: "better".to_owned(),
                    recorded_on: day(3),
                },
            });
        }
        let (events, state) = run::<FundingDecider>(commands);
        prop_assert!(state.total_allocated() <= budget);
        for child in 0..3 {
            prop_assert!(state.allocated_to(ChildId::from_uuid(Uuid::from_u128(child))) <= cap);
        }
        prop_assert_eq!(&FundingDecider::replay(&through_the_store(&events)), &state);
    }
}
