//! The fold from events to compliance facts: a worked history checked field by field, and a
//! property that arrival order of episodes, school starts and PEP events does not matter.

use super::*;
use crate::child::{EducationSetting, Sex};
use crate::ids::{ChildId, MeetingId};
use crate::pep::PepKind as DocumentKind;
use crate::values::LaCode;
use proptest::prelude::*;
use uuid::Uuid;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn registered(upn: Option<&str>) -> ChildEvent {
    ChildEvent::Registered {
        child_id: ChildId::from_uuid(Uuid::from_u128(1)),
        la: LaCode::parse("831").unwrap(),
        la_child_id: "566910".to_owned(),
        details: ChildDetails {
            date_of_birth: date(2014, 5, 10),
            sex: Sex::Female,
            upn: upn.map(str::to_owned),
            given_name: None,
            family_name: None,
        },
    }
}

fn episode(start: NaiveDate, rne: &str) -> Ssda903Episode {
    Ssda903Episode {
        start_date: start,
        reason_new_episode: rne.to_owned(),
        legal_status: "C2".to_owned(),
        placement_type: "U4".to_owned(),
        placement_provider: "PR1".to_owned(),
        reason_place_change: None,
        end_date: None,
        reason_ceased: None,
        placement_postcode: None,
        setting_urn: None,
    }
}

fn ended(mut row: Ssda903Episode, end: NaiveDate, reason: &str) -> Ssda903Episode {
    row.end_date = Some(end);
    row.reason_ceased = Some(reason.to_owned());
    row
}

fn row_event(row: Ssda903Episode) -> ChildEvent {
    match row.reason_new_episode.as_str() {
        "S" => ChildEvent::CareEpisodeStarted { episode: row },
        "L" => ChildEvent::LegalStatusChanged { episode: row },
        _ => ChildEvent::PlacementChanged { episode: row },
    }
}

fn school_started(started_on: NaiveDate) -> ChildEvent {
    ChildEvent::EducationSettingChanged {
        setting: EducationSetting {
            urn: None,
            name: format!("School from {started_on}"),
        },
        started_on,
        previous: None,
        leaving_reason: None,
        leaving_detail: None,
    }
}

fn pep(n: u128) -> PepId {
    PepId::from_uuid(Uuid::from_u128(100 + n))
}

fn initiated(pep_id: PepId, trigger: PepTrigger, on: NaiveDate) -> PepEvent {
    PepEvent::Initiated {
        pep_id,
        child_id: ChildId::from_uuid(Uuid::from_u128(1)),
        la: LaCode::parse("831").unwrap(),
        kind: DocumentKind::Review,
        trigger,
        initiated_on: on,
        previous_pep_id: None,
        targets_to_review: Vec::new(),
    }
}

fn meeting_held(n: u128, on: NaiveDate) -> PepEvent {
    PepEvent::MeetingHeld {
        meeting_id: MeetingId::from_uuid(Uuid::from_u128(n)),
        held_on: on,
        attendees: Vec::new(),
        child_attended: true,
        child_absence_reason: None,
    }
}

fn submitted(on: NaiveDate) -> PepEvent {
    PepEvent::Submitted {
        submitted_on: on,
        by_role: crate::Role::DesignatedTeacher,
        resubmission: false,
    }
}

#[test]
fn a_worked_history_gives_exactly_these_facts() {
    let mut fold = ComplianceFold::new();
    let recorded = date(2024, 11, 1);
    assert_eq!(
        fold.facts(),
        None,
        "no facts before the child is registered"
    );
    fold.apply_child_event(&registered(None), recorded);
    // Entered care on 1 Nov 2024; a legal-status-only change on 2 Dec; a placement move on
    // 3 Mar 2025 reported on 20 Mar; the December row corrected to a placement move on 5 Jan.
    fold.apply_child_event(&row_event(episode(date(2024, 11, 1), "S")), recorded);
    fold.apply_child_event(
        &row_event(episode(date(2024, 12, 2), "L")),
        date(2024, 12, 2),
    );
    fold.apply_child_event(
        &row_event(episode(date(2025, 3, 3), "P")),
        date(2025, 3, 20),
    );
    let corrected = ChildEvent::CareEpisodeCorrected {
        episode: episode(date(2024, 12, 2), "P"),
    };
    fold.apply_child_event(&corrected, date(2025, 1, 5));
    // A school attended since 2022 (before care: not a change), then a new school in care.
    fold.apply_child_event(&school_started(date(2022, 9, 5)), recorded);
    fold.apply_child_event(&school_started(date(2025, 1, 6)), date(2025, 1, 8));
    // The first PEP: meetings on 10 and 8 Nov (held order does not matter), submitted twice.
    fold.apply_pep_event(
        pep(1),
        &initiated(pep(1), PepTrigger::EnteredCare, recorded),
    );
    fold.apply_pep_event(pep(1), &meeting_held(1, date(2024, 11, 10)));
    fold.apply_pep_event(pep(1), &meeting_held(2, date(2024, 11, 8)));
    fold.apply_pep_event(pep(1), &submitted(date(2024, 11, 12)));
    fold.apply_pep_event(pep(1), &submitted(date(2024, 11, 20)));
    // The second PEP held a meeting and was then withdrawn: it never counts.
    let opened = date(2025, 3, 4);
    fold.apply_pep_event(
        pep(2),
        &initiated(pep(2), PepTrigger::PlacementChange, opened),
    );
    fold.apply_pep_event(pep(2), &meeting_held(3, date(2025, 3, 10)));
    let withdrawn = PepEvent::Withdrawn {
        withdrawn_on: date(2025, 3, 11),
        reason: "opened in error".to_owned(),
    };
    assert!(fold.apply_pep_event(pep(2), &withdrawn));

    let facts = fold.facts().unwrap();
    assert_eq!(
        facts,
        ComplianceFacts {
            date_of_birth: date(2014, 5, 10),
            care_periods: vec![CarePeriod {
                started_on: date(2024, 11, 1),
                ended_on: None,
            }],
            placement_changes: vec![
                ReportedChange {
                    occurred_on: date(2024, 12, 2),
                    recorded_on: Some(date(2024, 12, 2)),
                },
                ReportedChange {
                    occurred_on: date(2025, 3, 3),
                    recorded_on: Some(date(2025, 3, 20)),
                },
            ],
            school_changes: vec![ReportedChange {
                occurred_on: date(2025, 1, 6),
                recorded_on: Some(date(2025, 1, 8)),
            }],
            planned_school_moves: Vec::new(),
            care_reviews_held: Vec::new(),
            peps: vec![
                PepFact {
                    kind: PepKind::Initial,
                    meeting_held_on: Some(date(2024, 11, 8)),
                    completed_on: Some(date(2024, 11, 12)),
                },
                PepFact {
                    kind: PepKind::PlacementChange,
                    meeting_held_on: None,
                    completed_on: None,
                },
            ],
        }
    );
    assert!(fold.in_care());
}

#[test]
fn leaving_care_ends_a_period_and_a_new_start_begins_another() {
    let mut fold = ComplianceFold::new();
    let recorded = date(2025, 1, 1);
    fold.apply_child_event(&registered(None), recorded);
    // X1: the episode ends and another begins the same day, so care continues.
    let first = ended(episode(date(2020, 1, 6), "S"), date(2020, 3, 2), "X1");
    fold.apply_child_event(&row_event(first), recorded);
    fold.apply_child_event(&row_event(episode(date(2020, 3, 2), "P")), recorded);
    let end = ChildEvent::CareEpisodeEnded {
        start_date: date(2020, 3, 2),
        end_date: date(2020, 7, 1),
        reason_ceased: "E11".to_owned(),
    };
    fold.apply_child_event(&end, recorded);
    assert!(!fold.in_care());
    fold.apply_child_event(&row_event(episode(date(2021, 2, 1), "S")), recorded);
    assert_eq!(
        fold.care_periods(),
        [
            CarePeriod {
                started_on: date(2020, 1, 6),
                ended_on: Some(date(2020, 7, 1)),
            },
            CarePeriod {
                started_on: date(2021, 2, 1),
                ended_on: None,
            },
        ]
    );
    assert!(fold.in_care());
    // Ending an episode the record never had changes nothing.
    let unknown_end = ChildEvent::CareEpisodeEnded {
        start_date: date(2019, 1, 1),
        end_date: date(2019, 2, 1),
        reason_ceased: "E11".to_owned(),
    };
    assert!(!fold.apply_child_event(&unknown_end, recorded));
}

#[test]
fn data_quality_issues_are_the_child_records_own() {
    let mut fold = ComplianceFold::new();
    let recorded = date(2025, 1, 1);
    fold.apply_child_event(&registered(Some("A123")), recorded);
    let open_first = episode(date(2024, 1, 1), "P");
    fold.apply_child_event(&row_event(open_first), recorded);
    fold.apply_child_event(&row_event(episode(date(2024, 6, 1), "P")), recorded);
    let kinds: Vec<&str> = fold
        .data_quality_issues()
        .iter()
        .map(|issue| match issue {
            DataQualityIssue::InvalidUpn { .. } => "invalid_upn",
            DataQualityIssue::OverlappingEpisodes { .. } => "overlapping_episodes",
            DataQualityIssue::FirstEpisodeNotStart { .. } => "first_episode_not_start",
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "invalid_upn",
            "first_episode_not_start",
            "overlapping_episodes"
        ]
    );
}

/// An event for the property test, with what the fold needs beside it.
#[derive(Debug, Clone)]
enum Folded {
    Child(ChildEvent, NaiveDate),
    Pep(PepId, PepEvent),
}

fn fold_all(events: &[Folded]) -> Option<ComplianceFacts> {
    let mut fold = ComplianceFold::new();
    for event in events {
        match event {
            Folded::Child(event, recorded_on) => {
                fold.apply_child_event(event, *recorded_on);
            }
            Folded::Pep(pep_id, event) => {
                fold.apply_pep_event(*pep_id, event);
            }
        }
    }
    fold.facts()
}

fn day(offset: u16) -> NaiveDate {
    date(2020, 1, 1) + chrono::Days::new(u64::from(offset))
}

/// One episode's events, which keep their order: its row, maybe a correction, maybe its end.
fn episode_group(start: u16) -> impl Strategy<Value = Vec<Folded>> {
    (
        prop::sample::select(vec!["S", "P", "T", "L", "B", "U"]),
        prop::option::of(prop::sample::select(vec!["P", "L"])),
        prop::option::of((1..200u16, prop::sample::select(vec!["X1", "E11", "E4A"]))),
        0..400u16,
    )
        .prop_map(move |(rne, correction, end, recorded_after)| {
            let start_date = day(start);
            let recorded = start + recorded_after;
            let mut events = vec![Folded::Child(
                row_event(episode(start_date, rne)),
                day(recorded),
            )];
            if let Some(corrected_rne) = correction {
                let episode = episode(start_date, corrected_rne);
                let corrected = ChildEvent::CareEpisodeCorrected { episode };
                events.push(Folded::Child(corrected, day(recorded + 3)));
            }
            if let Some((length, reason)) = end {
                let end = ChildEvent::CareEpisodeEnded {
                    start_date,
                    end_date: day(start + length),
                    reason_ceased: reason.to_owned(),
                };
                events.push(Folded::Child(end, day(recorded + 7)));
            }
            events
        })
}

fn pep_events() -> impl Strategy<Value = Vec<Folded>> {
    prop::collection::vec(
        (0..4u128, 0..6u8, 0..1500u16).prop_map(|(n, what, on)| {
            let event = match what {
                0 => initiated(pep(n), PepTrigger::PlacementChange, day(on)),
                1 | 2 => meeting_held(u128::from(on), day(on)),
                3 | 4 => submitted(day(on)),
                _ => PepEvent::Withdrawn {
                    withdrawn_on: day(on),
                    reason: "no longer needed".to_owned(),
                },
            };
            Folded::Pep(pep(n), event)
        }),
        0..12,
    )
}

/// A history in recorded order, as groups whose inner order matters. Episode start dates are
/// distinct, as on a child record.
fn history() -> impl Strategy<Value = Vec<Vec<Folded>>> {
    let episodes = prop::collection::btree_set(0..1500u16, 1..8)
        .prop_flat_map(|starts| starts.into_iter().map(episode_group).collect::<Vec<_>>());
    (
        episodes,
        // Few distinct first days, so two reports of the same school start are common.
        prop::collection::vec(((0..15u16).prop_map(|n| n * 100), 0..100u16), 0..5),
        pep_events(),
    )
        .prop_map(|(episodes, schools, peps)| {
            let mut groups = vec![vec![Folded::Child(registered(None), day(0))]];
            groups.extend(episodes);
            for (started, recorded_after) in schools {
                let event = school_started(day(started));
                groups.push(vec![Folded::Child(event, day(started + recorded_after))]);
            }
            groups.extend(peps.into_iter().map(|event| vec![event]));
            groups
        })
}

/// The history flattened in order, and an interleaving of its groups that keeps each group's
/// inner order (the slots of the shuffled list say whose next event comes).
fn in_order_and_shuffled() -> impl Strategy<Value = (Vec<Folded>, Vec<Folded>)> {
    history().prop_flat_map(|groups| {
        let slots: Vec<usize> = groups
            .iter()
            .enumerate()
            .flat_map(|(index, group)| std::iter::repeat_n(index, group.len()))
            .collect();
        (Just(groups), Just(slots).prop_shuffle()).prop_map(|(groups, slots)| {
            let in_order: Vec<Folded> = groups.iter().flatten().cloned().collect();
            let mut next = vec![0usize; groups.len()];
            let shuffled = slots
                .into_iter()
                .map(|group| {
                    let event = groups[group][next[group]].clone();
                    next[group] += 1;
                    event
                })
                .collect();
            (in_order, shuffled)
        })
    })
}

proptest! {
    #[test]
    fn the_facts_do_not_depend_on_the_order_episodes_arrive_in(
        (in_order, shuffled) in in_order_and_shuffled()
    ) {
        // The registration may land anywhere; the facts exist once it has.
        prop_assert_eq!(fold_all(&in_order), fold_all(&shuffled));
    }
}
