//! The authorisation table's rules, checked one by one against hand-made child facts.

use super::*;
use crate::claims::Claims;
use std::collections::BTreeSet;
use uuid::Uuid;

fn child(number: u128) -> ChildId {
    ChildId::from_uuid(Uuid::from_u128(number))
}

fn principal(role: &str) -> Principal {
    Principal::from_claims(&Claims {
        sub: "person-1".to_owned(),
        role: role.to_owned(),
        la: "831".to_owned(),
        school_urn: Some("100001".to_owned()),
        child_ids: vec![child(1).to_string()],
        caseload: vec![child(1).to_string()],
        iro_id: None,
        exp: 0,
        iat: None,
    })
    .unwrap()
}

fn facts(child_id: ChildId, la: &str) -> ChildFacts {
    ChildFacts {
        child_id,
        la: LaCode::parse(la).unwrap(),
        current_school_urn: Some(SchoolUrn::parse("100001").unwrap()),
        social_worker_id: None,
        iro_id: Some("person-1".to_owned()),
        shared_with: BTreeSet::new(),
    }
}

/// A child of LA 832, placed in the caller's LA 831 and on roll at the caller's school, whose
/// record 832 shares with 831.
fn shared_with_831(child_id: ChildId) -> ChildFacts {
    let mut shared = facts(child_id, "832");
    shared.shared_with.insert(LaCode::parse("831").unwrap());
    shared
}

#[test]
fn every_operation_has_exactly_one_row_and_every_route_one_operation() {
    let operations: BTreeSet<Operation> = RULES.iter().map(|rule| rule.operation).collect();
    assert_eq!(operations.len(), RULES.len());
    for operation in Operation::ALL {
        assert!(rule(operation).is_some(), "{operation:?} has no row");
    }
    let routes: Vec<_> = RULES.iter().flat_map(|rule| rule.routes.iter()).collect();
    let distinct: BTreeSet<_> = routes.iter().collect();
    assert_eq!(distinct.len(), routes.len());
}

#[test]
fn auditors_iros_and_integrations_write_nothing() {
    for rule in RULES {
        let writes = !rule.operation.only_reads()
            && !matches!(
                rule.operation,
                Operation::PostFeed
                    | Operation::ReadDataQuality
                    // A read receipt records the reader's own reading, not a change to a record.
                    | Operation::ReadInbox
            );
        for role in [Role::Auditor, Role::Iro, Role::Integration] {
            let granted = rule.grants.iter().any(|grant| grant.role == role);
            assert!(!(writes && granted), "{role} may {:?}", rule.operation);
        }
    }
}

#[test]
fn a_role_without_a_grant_is_refused_whatever_the_child() {
    let auditor = principal("auditor");
    assert_eq!(
        authorize_child(&auditor, Operation::RecordAttendance, None),
        Err(Denial::WrongRole)
    );
    assert_eq!(
        authorize_child(
            &auditor,
            Operation::RecordAttendance,
            Some(&facts(child(1), "831"))
        ),
        Err(Denial::WrongRole)
    );
}

#[test]
fn another_las_child_is_hidden_even_from_la_wide_roles() {
    let virtual_school = principal("virtual_school");
    assert_eq!(
        authorize_child(
            &virtual_school,
            Operation::RecordEpisode,
            Some(&facts(child(1), "831"))
        ),
        Ok(())
    );
    assert_eq!(
        authorize_child(
            &virtual_school,
            Operation::RecordEpisode,
            Some(&facts(child(1), "832"))
        ),
        Err(Denial::Hidden)
    );
    assert_eq!(
        authorize_child(&virtual_school, Operation::RecordEpisode, None),
        Err(Denial::Hidden)
    );
}

#[test]
fn a_designated_teacher_reaches_only_children_on_roll_at_their_school() {
    let teacher = principal("designated_teacher");
    let mut elsewhere = facts(child(1), "831");
    assert_eq!(
        authorize_child(&teacher, Operation::RecordAttendance, Some(&elsewhere)),
        Ok(())
    );
    elsewhere.current_school_urn = Some(SchoolUrn::parse("100002").unwrap());
    assert_eq!(
        authorize_child(&teacher, Operation::RecordAttendance, Some(&elsewhere)),
        Err(Denial::Hidden)
    );
    elsewhere.current_school_urn = None;
    assert_eq!(
        authorize_child(&teacher, Operation::RecordAttendance, Some(&elsewhere)),
        Err(Denial::Hidden)
    );
}

#[test]
fn carers_young_people_and_social_workers_reach_only_their_own_children() {
    for role in ["carer", "young_person", "social_worker"] {
        let caller = principal(role);
        assert_eq!(
            authorize_child(
                &caller,
                Operation::DraftSection,
                Some(&facts(child(1), "831"))
            ),
            Ok(()),
            "{role} on their own child"
        );
        assert_eq!(
            authorize_child(
                &caller,
                Operation::DraftSection,
                Some(&facts(child(2), "831"))
            ),
            Err(Denial::Hidden),
            "{role} on another child"
        );
    }
}

#[test]
fn the_assigned_social_worker_reaches_a_child_off_their_caseload_claim() {
    let social_worker = principal("social_worker");
    let mut assigned = facts(child(2), "831");
    assigned.social_worker_id = Some("person-1".to_owned());
    assert_eq!(
        authorize_child(&social_worker, Operation::RecordEpisode, Some(&assigned)),
        Ok(())
    );
}

#[test]
fn an_iro_reads_the_children_they_review_and_nothing_else() {
    let iro = principal("iro");
    let mut reviewed = facts(child(2), "831");
    assert_eq!(
        authorize_child(&iro, Operation::ReadChildRecord, Some(&reviewed)),
        Ok(())
    );
    reviewed.iro_id = Some("someone-else".to_owned());
    assert_eq!(
        authorize_child(&iro, Operation::ReadChildRecord, Some(&reviewed)),
        Err(Denial::Hidden)
    );
}

#[test]
fn la_wide_operations_need_an_la_wide_grant_in_the_same_la() {
    let virtual_school = principal("virtual_school");
    let own = LaCode::parse("831").unwrap();
    let other = LaCode::parse("832").unwrap();
    assert_eq!(
        authorize_local_authority(&virtual_school, Operation::SetFundingBudget, &own),
        Ok(())
    );
    assert_eq!(
        authorize_local_authority(&virtual_school, Operation::SetFundingBudget, &other),
        Err(Denial::Hidden)
    );
    let teacher = principal("designated_teacher");
    assert_eq!(
        authorize_local_authority(&teacher, Operation::SetFundingBudget, &own),
        Err(Denial::WrongRole)
    );
}

#[test]
fn a_shared_record_is_read_with_each_roles_usual_reach() {
    for role in [
        "virtual_school",
        "designated_teacher",
        "social_worker",
        "carer",
        "young_person",
        "iro",
        "auditor",
        "admin",
    ] {
        let caller = principal(role);
        assert_eq!(
            authorize_child(
                &caller,
                Operation::ReadChildRecord,
                Some(&shared_with_831(child(1)))
            ),
            Ok(()),
            "{role} reads a record shared with their LA"
        );
        assert_eq!(
            authorize_child(
                &caller,
                Operation::ReadChildRecord,
                Some(&facts(child(1), "832"))
            ),
            Err(Denial::Hidden),
            "{role} does not read it unshared"
        );
    }
    // The usual reach still applies: a teacher of another school does not read it.
    let mut elsewhere = shared_with_831(child(1));
    elsewhere.current_school_urn = Some(SchoolUrn::parse("100002").unwrap());
    assert_eq!(
        authorize_child(
            &principal("designated_teacher"),
            Operation::ReadChildRecord,
            Some(&elsewhere)
        ),
        Err(Denial::Hidden)
    );
}

#[test]
fn only_writes_whose_reach_names_the_child_carry_over_to_a_shared_record() {
    let shared = shared_with_831(child(1));
    let teacher = principal("designated_teacher");
    for operation in [
        Operation::RecordAttendance,
        Operation::DraftSection,
        Operation::RequestFunding,
    ] {
        assert_eq!(
            authorize_child(&teacher, operation, Some(&shared)),
            Ok(()),
            "{operation:?}"
        );
    }
    for role in ["carer", "young_person", "social_worker"] {
        assert_eq!(
            authorize_child(&principal(role), Operation::DraftSection, Some(&shared)),
            Ok(()),
            "{role}"
        );
    }
    for role in ["virtual_school", "admin"] {
        for operation in [
            Operation::RecordEpisode,
            Operation::AssignPerson,
            Operation::ShareChildRecord,
            Operation::WithdrawPep,
        ] {
            assert_eq!(
                authorize_child(&principal(role), operation, Some(&shared)),
                Err(Denial::Hidden),
                "{role} {operation:?} stays with the placing LA"
            );
        }
    }
}

#[test]
fn a_record_shared_with_a_third_la_stays_hidden() {
    let mut elsewhere = facts(child(1), "832");
    elsewhere.shared_with.insert(LaCode::parse("830").unwrap());
    for role in ["virtual_school", "designated_teacher", "auditor"] {
        assert_eq!(
            authorize_child(
                &principal(role),
                Operation::ReadChildRecord,
                Some(&elsewhere)
            ),
            Err(Denial::Hidden),
            "{role}"
        );
    }
}
