//! What an event on a child record calls for elsewhere: entering care opens the initial PEP; a
//! placement or school change opens a review PEP (when none is open) and asks for the IRO to be
//! told; an exclusion asks for the IRO to be told.
//!
//! These are business rules about a child, so they live here, pure, and are tested without a
//! database, a clock or a checkpoint. The process manager in `commands` follows the log, asks
//! this module what each event calls for, and carries the answer out as idempotent commands.

use super::{ChildEvent, ChildState, ExclusionKind, LeavingReason, NoticeReason};
use crate::calendar::{KeyStage, YearGroup};
use crate::event::DomainEvent;
use crate::pep::{PepKind, PepTrigger};

/// Something an event calls for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reaction {
    /// Open a PEP (only when none is open).
    OpenPep {
        /// Kind of PEP.
        kind: PepKind,
        /// Why.
        trigger: PepTrigger,
    },
    /// Tell the IRO.
    NotifyIro {
        /// Why.
        reason: NoticeReason,
        /// One line for the IRO.
        summary: String,
    },
}

/// What `event` calls for, given the child record as it stands now. Pure, so the rules are
/// tested without a database.
///
/// Episode rows that arrive already closed are history (a backfilled extract), not news: they
/// open nothing and notify no one.
pub fn reactions_to(event: &ChildEvent, child: &ChildState) -> Vec<Reaction> {
    let mut reactions = Vec::new();
    let may_open_pep = child.in_care() && child.open_pep.is_none();
    let pep_kind = |default: PepKind| pep_kind_for(child, event.occurred_on(), default);
    match event {
        ChildEvent::CareEpisodeStarted { episode }
            if episode.end_date.is_none() && may_open_pep =>
        {
            reactions.push(Reaction::OpenPep {
                kind: pep_kind(PepKind::Initial),
                trigger: PepTrigger::EnteredCare,
            });
        }
        ChildEvent::PlacementChanged { episode } if episode.end_date.is_none() => {
            if may_open_pep {
                reactions.push(Reaction::OpenPep {
                    kind: pep_kind(PepKind::Review),
                    trigger: PepTrigger::PlacementChange,
                });
            }
            reactions.push(Reaction::NotifyIro {
                reason: NoticeReason::PlacementChange,
                summary: format!(
                    "placement changed on {} (placement type {}, reason {})",
                    episode.start_date,
                    episode.placement_type,
                    episode
                        .reason_place_change
                        .as_deref()
                        .unwrap_or("not given"),
                ),
            });
        }
        ChildEvent::EducationSettingChanged {
            setting,
            started_on,
            previous: Some(previous),
            leaving_reason,
            ..
        } => {
            if may_open_pep {
                reactions.push(Reaction::OpenPep {
                    kind: pep_kind(PepKind::Review),
                    trigger: PepTrigger::SchoolChange,
                });
            }
            let breakdown = matches!(
                leaving_reason,
                Some(LeavingReason::Breakdown | LeavingReason::PermanentExclusion)
            );
            reactions.push(Reaction::NotifyIro {
                reason: if breakdown {
                    NoticeReason::EducationBreakdown
                } else {
                    NoticeReason::SchoolChange
                },
                summary: format!(
                    "moved from {} to {} on {started_on}{}",
                    previous.name,
                    setting.name,
                    if breakdown {
                        " after the education placement broke down"
                    } else {
                        ""
                    },
                ),
            });
        }
        ChildEvent::ExclusionRecorded {
            kind,
            start_date,
            days,
            ..
        } => reactions.push(Reaction::NotifyIro {
            reason: NoticeReason::Exclusion,
            summary: match kind {
                ExclusionKind::Suspension => format!(
                    "suspended for {} school day(s) from {start_date}",
                    days.unwrap_or(0)
                ),
                ExclusionKind::PermanentExclusion => {
                    format!("permanently excluded from {start_date}")
                }
            },
        }),
        _ => {}
    }
    reactions
}

/// Early years and post-16 children get PEPs of those kinds whatever triggered them.
fn pep_kind_for(child: &ChildState, on: Option<chrono::NaiveDate>, default: PepKind) -> PepKind {
    let (Some(details), Some(on)) = (&child.details, on) else {
        return default;
    };
    match YearGroup::on(details.date_of_birth, on).key_stage() {
        Some(KeyStage::EarlyYearsFoundationStage) => PepKind::EarlyYears,
        Some(KeyStage::SixteenToNineteen) => PepKind::Post16,
        _ => default,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::child::{ChildDecider, ChildDetails, EducationSetting, Sex, Ssda903Episode};
    use crate::event::Decider;
    use crate::ids::{ChildId, PepId};
    use chrono::NaiveDate;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn episode(start: NaiveDate, rne: &str, end: Option<NaiveDate>) -> Ssda903Episode {
        Ssda903Episode {
            start_date: start,
            reason_new_episode: rne.to_owned(),
            legal_status: "C2".to_owned(),
            placement_type: "U4".to_owned(),
            placement_provider: "PR1".to_owned(),
            reason_place_change: Some("CARPL".to_owned()),
            end_date: end,
            reason_ceased: end.map(|_| "X1".to_owned()),
            placement_postcode: None,
            setting_urn: None,
        }
    }

    fn child(date_of_birth: NaiveDate, open_pep: bool) -> ChildState {
        let mut history = vec![
            ChildEvent::Registered {
                child_id: ChildId::from_uuid(uuid::Uuid::from_u128(1)),
                la: crate::values::LaCode::parse("831").unwrap(),
                la_child_id: "1".to_owned(),
                details: ChildDetails {
                    date_of_birth,
                    sex: Sex::Female,
                    upn: None,
                    given_name: None,
                    family_name: None,
                },
            },
            ChildEvent::CareEpisodeStarted {
                episode: episode(date(2024, 11, 1), "S", None),
            },
        ];
        if open_pep {
            history.push(ChildEvent::PepOpened {
                pep_id: PepId::from_uuid(uuid::Uuid::from_u128(9)),
                kind: PepKind::Initial,
                trigger: PepTrigger::EnteredCare,
                opened_on: date(2024, 11, 4),
            });
        }
        ChildDecider::replay(&history)
    }

    fn setting(name: &str) -> EducationSetting {
        EducationSetting {
            urn: None,
            name: name.to_owned(),
        }
    }

    #[test]
    fn entering_care_opens_the_initial_pep_unless_one_is_open() {
        let started = ChildEvent::CareEpisodeStarted {
            episode: episode(date(2024, 11, 1), "S", None),
        };
        assert_eq!(
            reactions_to(&started, &child(date(2014, 5, 1), false)),
            vec![Reaction::OpenPep {
                kind: PepKind::Initial,
                trigger: PepTrigger::EnteredCare
            }]
        );
        assert_eq!(
            reactions_to(&started, &child(date(2014, 5, 1), true)),
            vec![]
        );
    }

    #[test]
    fn a_current_placement_change_opens_a_review_and_notifies_the_iro() {
        let moved = ChildEvent::PlacementChanged {
            episode: episode(date(2025, 2, 3), "P", None),
        };
        let reactions = reactions_to(&moved, &child(date(2014, 5, 1), false));
        assert_eq!(reactions.len(), 2);
        assert_eq!(
            reactions[0],
            Reaction::OpenPep {
                kind: PepKind::Review,
                trigger: PepTrigger::PlacementChange
            }
        );
        assert!(matches!(
            &reactions[1],
            Reaction::NotifyIro { reason: NoticeReason::PlacementChange, summary }
                if summary.contains("2025-02-03") && summary.contains("CARPL")
        ));
    }

    #[test]
    fn a_closed_historic_episode_calls_for_nothing() {
        let history = ChildEvent::PlacementChanged {
            episode: episode(date(2019, 2, 3), "P", Some(date(2019, 9, 1))),
        };
        assert_eq!(
            reactions_to(&history, &child(date(2014, 5, 1), false)),
            vec![]
        );
    }

    #[test]
    fn a_post_16_child_gets_a_post_16_pep() {
        let moved = ChildEvent::PlacementChanged {
            episode: episode(date(2025, 2, 3), "P", None),
        };
        // Born in 2008, so in Year 12 in the 2024-25 academic year.
        let reactions = reactions_to(&moved, &child(date(2008, 3, 27), false));
        assert_eq!(
            reactions[0],
            Reaction::OpenPep {
                kind: PepKind::Post16,
                trigger: PepTrigger::PlacementChange
            }
        );
    }

    #[test]
    fn school_changes_notify_and_breakdowns_say_so() {
        let breakdown = ChildEvent::EducationSettingChanged {
            setting: setting("Riverside"),
            started_on: date(2025, 2, 24),
            previous: Some(setting("Oakfield")),
            leaving_reason: Some(LeavingReason::PermanentExclusion),
            leaving_detail: None,
        };
        let reactions = reactions_to(&breakdown, &child(date(2014, 5, 1), true));
        assert!(matches!(
            reactions.as_slice(),
            [Reaction::NotifyIro {
                reason: NoticeReason::EducationBreakdown,
                ..
            }]
        ));
        let first_school = ChildEvent::EducationSettingChanged {
            setting: setting("Oakfield"),
            started_on: date(2024, 11, 4),
            previous: None,
            leaving_reason: None,
            leaving_detail: None,
        };
        assert_eq!(
            reactions_to(&first_school, &child(date(2014, 5, 1), false)),
            vec![]
        );
    }

    #[test]
    fn exclusions_notify_the_iro() {
        let suspended = ChildEvent::ExclusionRecorded {
            kind: ExclusionKind::Suspension,
            start_date: date(2025, 3, 3),
            days: Some(3),
            reason: "disruption".to_owned(),
        };
        assert!(matches!(
            reactions_to(&suspended, &child(date(2014, 5, 1), true)).as_slice(),
            [Reaction::NotifyIro { reason: NoticeReason::Exclusion, summary }] if summary.contains("3 school day")
        ));
    }
}
