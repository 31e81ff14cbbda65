//! The cohort summary's tests, and the child every compliance unit test starts from.

use super::*;
use crate::compliance::child_record::QualityAssurance;
use crate::compliance::stored_pep::TargetProgress;
use domain::ids::{ChildId, PepId};

/// A child of LA 831 in care since 1 Sep 2024 with nothing else recorded: what each test
/// needs it sets on top.
pub(in crate::compliance) fn child() -> ChildCompliance {
    ChildCompliance {
        child_id: ChildId::from_uuid(uuid::Uuid::now_v7()),
        la: "831".to_owned(),
        la_child_id: "LC-1".to_owned(),
        date_of_birth: None,
        year_group: None,
        key_stage: None,
        in_care: true,
        care_started_on: NaiveDate::from_ymd_opt(2024, 9, 1),
        school_urn: None,
        school_name: None,
        social_worker_id: None,
        social_worker_name: None,
        status: None,
        counts: StatusCounts::default(),
        next_due: None,
        has_in_date_pep: false,
        current_pep_id: None,
        open_pep_id: None,
        current_pep_status: None,
        missing_sections: BTreeMap::new(),
        missing_for_submission: Vec::new(),
        smart_targets: TargetProgress::default(),
        smart_targets_complete: false,
        last_quality_assurance: None,
        pp_plus_linked: false,
        data_quality: serde_json::Value::Array(Vec::new()),
        schedule_problems: Vec::new(),
        items: Vec::new(),
    }
}

fn with_pep(status: PepStatus) -> ChildCompliance {
    ChildCompliance {
        current_pep_id: Some(PepId::from_uuid(uuid::Uuid::now_v7())),
        current_pep_status: Some(status),
        ..child()
    }
}

fn rated(rating: QaRating) -> ChildCompliance {
    let mut rated = with_pep(PepStatus::QualityAssured);
    rated.last_quality_assurance = Some(QualityAssurance {
        pep_id: rated.current_pep_id.unwrap(),
        rating,
        assured_on: NaiveDate::from_ymd_opt(2024, 10, 1).unwrap(),
    });
    rated
}

fn counts(map: &BTreeMap<String, u64>) -> Vec<(&str, u64)> {
    map.iter()
        .map(|(key, count)| (key.as_str(), *count))
        .collect()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 20).unwrap()
}

#[test]
fn a_group_has_its_own_percentage_and_a_group_of_no_school_is_not_recorded() {
    let at = |school: Option<&str>, in_date: bool| ChildCompliance {
        school_urn: school.map(str::to_owned),
        has_in_date_pep: in_date,
        ..child()
    };
    let children = [
        at(Some("100001"), true),
        at(Some("100001"), false),
        at(Some("100001"), false),
        at(Some("100002"), true),
        at(None, false),
    ];
    let summary = summarise(&children, today());
    let figures = |key: &str| {
        let group = &summary.by_school[key];
        (
            group.children,
            group.with_in_date_pep,
            group.percent_with_in_date_pep,
        )
    };
    assert_eq!(figures("100001"), (3, 1, Some(33.3)));
    assert_eq!(figures("100002"), (1, 1, Some(100.0)));
    assert_eq!(figures(NOT_RECORDED), (1, 0, Some(0.0)));
    assert_eq!(summary.percent_with_in_date_pep, Some(40.0));
}

#[test]
fn children_are_counted_by_their_current_peps_status_and_missing_without_one() {
    let children = [
        with_pep(PepStatus::InProgress),
        with_pep(PepStatus::Submitted),
        with_pep(PepStatus::Submitted),
        with_pep(PepStatus::Returned),
        child(),
    ];
    let summary = summarise(&children, today());
    assert_eq!(
        counts(&summary.children_by_pep_status),
        [
            ("in_progress", 1),
            ("missing", 1),
            ("returned", 1),
            ("submitted", 2)
        ]
    );
    let total: u64 = summary.children_by_pep_status.values().sum();
    assert_eq!(total, summary.children, "every child is counted once");
}

#[test]
fn children_are_counted_by_their_latest_qa_rating_and_not_rated_without_one() {
    let children = [
        rated(QaRating::Green),
        rated(QaRating::Green),
        rated(QaRating::Red),
        with_pep(PepStatus::Submitted),
        child(),
    ];
    let summary = summarise(&children, today());
    assert_eq!(
        counts(&summary.by_qa_rating),
        [("green", 2), ("not_rated", 2), ("red", 1)]
    );
    assert!(
        summarise(&Vec::<ChildCompliance>::new(), today())
            .by_qa_rating
            .is_empty()
    );
}

#[test]
fn pep_status_and_qa_rating_keys_are_the_wire_names_and_the_key_lists_are_complete() {
    // The match makes a new PepStatus a compile error here until the list is updated.
    let position = |status: PepStatus| match status {
        PepStatus::NotStarted => 0,
        PepStatus::InProgress => 1,
        PepStatus::Ready => 2,
        PepStatus::Submitted => 3,
        PepStatus::Returned => 4,
        PepStatus::QualityAssured => 5,
        PepStatus::SignedOff => 6,
        PepStatus::Withdrawn => 7,
    };
    for (index, key) in PEP_STATUS_KEYS[..8].iter().enumerate() {
        let status: PepStatus = serde_json::from_value(serde_json::json!(key)).unwrap();
        assert_eq!(pep_status_key(status), *key);
        assert_eq!(position(status), index);
    }
    assert_eq!(PEP_STATUS_KEYS[8], MISSING_PEP);
    let position = |rating: QaRating| match rating {
        QaRating::Green => 0,
        QaRating::Amber => 1,
        QaRating::Red => 2,
    };
    for (index, key) in QA_RATING_KEYS[..3].iter().enumerate() {
        let rating: QaRating = serde_json::from_value(serde_json::json!(key)).unwrap();
        assert_eq!(qa_rating_key(rating), *key);
        assert_eq!(position(rating), index);
    }
    assert_eq!(QA_RATING_KEYS[3], NOT_RATED);
}

#[test]
fn percentages_round_to_one_decimal_place_and_are_absent_for_nothing() {
    assert_eq!(percent(1, 3), Some(33.3));
    assert_eq!(percent(2, 3), Some(66.7));
    assert_eq!(percent(0, 5), Some(0.0));
    assert_eq!(percent(0, 0), None);
}

#[test]
fn status_keys_are_the_wire_names() {
    for status in [
        DueStatus::OnTime,
        DueStatus::MetLate,
        DueStatus::Upcoming,
        DueStatus::DueSoon,
        DueStatus::Overdue,
    ] {
        let wire = serde_json::to_value(status).unwrap();
        assert_eq!(wire.as_str(), Some(status_key(status).as_str()));
    }
}
