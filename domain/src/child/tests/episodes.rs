//! Care-episode scenarios, apart because SSDA903 rows arrive repeated, corrected and out of order,
//! and must still fold to one record whose data-quality problems are flagged rather than refused.

use super::*;

#[test]
fn an_s_episode_starts_care_and_the_child_is_looked_after() {
    let state = given::<ChildDecider>([registered()])
        .when(ChildCommand::RecordEpisode {
            episode: episode(date(2024, 11, 1), "S"),
        })
        .then([ChildEvent::CareEpisodeStarted {
            episode: episode(date(2024, 11, 1), "S"),
        }]);
    assert!(state.in_care());
}

#[test]
fn placement_codes_record_a_placement_change() {
    for rne in ["P", "T", "B", "U"] {
        let mut row = episode(date(2025, 2, 3), rne);
        row.reason_place_change = Some("CARPL".to_owned());
        given::<ChildDecider>(in_care())
            .when(ChildCommand::RecordEpisode {
                episode: row.clone(),
            })
            .then([ChildEvent::PlacementChanged { episode: row }]);
    }
}

#[test]
fn an_l_episode_records_a_legal_status_change() {
    given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordEpisode {
            episode: episode(date(2025, 2, 3), "L"),
        })
        .then([ChildEvent::LegalStatusChanged {
            episode: episode(date(2025, 2, 3), "L"),
        }]);
}

#[test]
fn the_same_row_sent_again_records_nothing() {
    given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordEpisode {
            episode: episode(date(2024, 11, 1), "S"),
        })
        .then([]);
}

#[test]
fn closing_an_open_episode_records_its_end() {
    let state = given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordEpisode {
            episode: closed(episode(date(2024, 11, 1), "S"), date(2025, 6, 30), "E4A"),
        })
        .then([ChildEvent::CareEpisodeEnded {
            start_date: date(2024, 11, 1),
            end_date: date(2025, 6, 30),
            reason_ceased: "E4A".to_owned(),
        }]);
    assert!(!state.in_care(), "E4A means the child went home");
}

#[test]
fn an_episode_closed_with_x1_keeps_the_child_in_care() {
    let state = given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordEpisode {
            episode: closed(episode(date(2024, 11, 1), "S"), date(2025, 2, 3), "X1"),
        })
        .then([ChildEvent::CareEpisodeEnded {
            start_date: date(2024, 11, 1),
            end_date: date(2025, 2, 3),
            reason_ceased: "X1".to_owned(),
        }]);
    assert!(state.in_care());
}

#[test]
fn a_changed_code_on_a_known_row_is_a_correction() {
    let mut corrected = episode(date(2024, 11, 1), "S");
    corrected.legal_status = "C1".to_owned();
    given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordEpisode {
            episode: corrected.clone(),
        })
        .then([ChildEvent::CareEpisodeCorrected { episode: corrected }]);
}

#[test]
fn an_episode_ending_before_it_starts_is_refused() {
    given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordEpisode {
            episode: closed(episode(date(2024, 11, 1), "S"), date(2024, 10, 1), "E4A"),
        })
        .then_error(ChildError::InvalidEpisode(EpisodeError::EndsBeforeStart {
            start_date: date(2024, 11, 1),
            end_date: date(2024, 10, 1),
        }));
}

#[test]
fn an_end_date_without_a_reason_is_refused() {
    let mut row = episode(date(2024, 11, 1), "S");
    row.end_date = Some(date(2025, 1, 1));
    given::<ChildDecider>(in_care())
        .when(ChildCommand::RecordEpisode { episode: row })
        .then_error(ChildError::InvalidEpisode(EpisodeError::EndWithoutReason));
}

#[test]
fn episodes_arriving_out_of_order_fold_to_the_same_record() {
    let first = closed(episode(date(2024, 11, 1), "S"), date(2025, 2, 3), "X1");
    let second = episode(date(2025, 2, 3), "P");
    let in_order = [
        registered(),
        ChildEvent::CareEpisodeStarted {
            episode: first.clone(),
        },
        ChildEvent::PlacementChanged {
            episode: second.clone(),
        },
    ];
    let backwards = [
        registered(),
        ChildEvent::PlacementChanged { episode: second },
        ChildEvent::CareEpisodeStarted { episode: first },
    ];
    use crate::event::Decider;
    assert_eq!(
        ChildDecider::replay(&in_order),
        ChildDecider::replay(&backwards)
    );
}

#[test]
fn data_quality_problems_are_flagged_not_refused() {
    use crate::event::Decider;
    let tail = "831200101001";
    let right = Upn::check_letter_for(tail).unwrap();
    let wrong = if right == 'A' { 'B' } else { 'A' };
    let mut bad_upn = details();
    bad_upn.upn = Some(format!("{wrong}{tail}"));
    given::<ChildDecider>([registered()])
        .when(ChildCommand::UpdateDetails {
            details: bad_upn.clone(),
        })
        .then([ChildEvent::DetailsUpdated {
            details: bad_upn.clone(),
        }]);
    let history = [
        registered(),
        ChildEvent::DetailsUpdated { details: bad_upn },
        ChildEvent::PlacementChanged {
            episode: episode(date(2024, 11, 1), "P"),
        },
        ChildEvent::PlacementChanged {
            episode: episode(date(2024, 12, 1), "P"),
        },
    ];
    let kinds: Vec<&str> = ChildDecider::replay(&history)
        .data_quality_issues()
        .iter()
        .map(|issue| match issue {
            DataQualityIssue::InvalidUpn { .. } => "invalid_upn",
            DataQualityIssue::FirstEpisodeNotStart { .. } => "first_not_s",
            DataQualityIssue::OverlappingEpisodes { .. } => "overlap",
        })
        .collect();
    assert_eq!(kinds, ["invalid_upn", "first_not_s", "overlap"]);
}

#[test]
fn a_clean_record_has_no_data_quality_issues() {
    use crate::event::Decider;
    let mut history = in_care();
    history.push(ChildEvent::CareEpisodeEnded {
        start_date: date(2024, 11, 1),
        end_date: date(2025, 2, 3),
        reason_ceased: "X1".to_owned(),
    });
    history.push(ChildEvent::PlacementChanged {
        episode: episode(date(2025, 2, 3), "P"),
    });
    assert_eq!(ChildDecider::replay(&history).data_quality_issues(), vec![]);
}
