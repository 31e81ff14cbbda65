//! The compliance read model's rows for a given history, exactly, and a refused command changes
//! nothing.

use super::history::*;
use crate::support::{TestEnv, as_role, date, on_both_back_ends, text_rows};
use domain::Role;
use domain::compliance::{
    CarePeriod, ComplianceFacts, PepFact, PepKind, ReportedChange, due_dates,
};
use domain::ids::{ChildId, FundingRequestId, PepId};
use domain::pep::{PepSection, PepTrigger, QaRating};
use domain::policy::LaPolicy;
use domain::values::{Money, SchoolUrn};
use uuid::Uuid;

on_both_back_ends!(rows_are_exactly_right_for_a_history);

/// Three children, as the tests below use them.
pub struct Cohort {
    /// In care since 1 Nov 2024; PEP met on time, quality-assured green, PP+ requested.
    pub a: ChildId,
    pub a_pep: PepId,
    pub a_target: domain::ids::TargetId,
    pub a_request: FundingRequestId,
    /// In care since 3 Feb 2025; PEP in progress; placement moved 10 Mar, reported 12 Mar.
    pub b: ChildId,
    pub b_pep: PepId,
    /// Registered, never looked after.
    pub c: ChildId,
}

pub async fn make_cohort(env: &TestEnv) -> Cohort {
    recording_on(env, date(2024, 11, 1));
    let a = register(env, "LC-A", date(2014, 5, 10), None).await;
    enter_care(env, a, date(2024, 11, 1)).await;
    assign_social_worker(env, a, person("sw-1", "Sam Social")).await;
    start_school(env, a, "100001", "Oak Primary", date(2022, 9, 5), None).await;
    recording_on(env, date(2024, 11, 4));
    let a_pep = open_pep(env, a, date(2024, 11, 4), PepTrigger::EnteredCare).await;
    recording_on(env, date(2024, 11, 12));
    let target = make_ready(env, a_pep, date(2024, 11, 12)).await;
    recording_on(env, date(2024, 11, 14));
    submit(env, a_pep, date(2024, 11, 14)).await;
    recording_on(env, date(2024, 11, 20));
    quality_assure(env, a_pep, date(2024, 11, 20), QaRating::Green).await;
    recording_on(env, date(2024, 11, 25));
    set_budget(env).await;
    let a_request = request_funding(env, a_pep, target).await;

    recording_on(env, date(2025, 2, 3));
    let b = register(env, "LC-B", date(2010, 1, 15), Some("A123")).await;
    enter_care(env, b, date(2025, 2, 3)).await;
    assign_social_worker(env, b, person("sw-2", "Alex Worker")).await;
    recording_on(env, date(2025, 2, 5));
    let b_pep = open_pep(env, b, date(2025, 2, 5), PepTrigger::EnteredCare).await;
    let teacher_sections = [
        PepSection::EducationHistory,
        PepSection::CurrentArrangements,
        PepSection::AttendanceAndConduct,
        PepSection::AttainmentAndProgress,
    ];
    complete_sections(env, b_pep, &teacher_sections, date(2025, 2, 5)).await;
    recording_on(env, date(2025, 3, 12));
    change_placement(env, b, date(2025, 2, 3), "S", date(2025, 3, 10)).await;
    let c = register(env, "LC-C", date(2012, 6, 1), None).await;
    Cohort {
        a,
        a_pep,
        a_target: target,
        a_request,
        b,
        b_pep,
        c,
    }
}

async fn set_budget(env: &TestEnv) {
    let year = domain::funding::FinancialYear::starting_in(2024);
    let command = domain::funding::FundingCommand::SetBudget {
        la: la(),
        financial_year: year,
        budget: Money::from_pence(10_000_000),
        per_child_cap: Money::from_pence(190_000),
        release_condition: domain::funding::ReleaseCondition::QualityAssured,
        impact_required_before_further_funding: false,
    };
    env.handler
        .funding(&la(), year, command, &as_role(Role::VirtualSchool))
        .await
        .unwrap();
}

/// Requests PP+ for `pep_id`'s `target` as the designated teacher; the request's id.
pub async fn request_funding(
    env: &TestEnv,
    pep_id: PepId,
    target: domain::ids::TargetId,
) -> FundingRequestId {
    let request_id = FundingRequestId::from_uuid(Uuid::now_v7());
    let request = commands::handlers::FundingRequest {
        request_id,
        pep_id,
        school_urn: Some(SchoolUrn::parse("100001").unwrap()),
        target_ids: vec![target],
        amount: Money::from_pence(45_000),
        purpose: "reading tutor".to_owned(),
        intended_outcome: "reading age up a year".to_owned(),
        requested_on: date(2024, 11, 25),
    };
    let year = domain::funding::FinancialYear::starting_in(2024);
    env.handler
        .request_funding(&la(), year, request, &as_role(Role::DesignatedTeacher))
        .await
        .unwrap();
    request_id
}

/// Rejects a PP+ request as the Virtual School.
pub async fn reject_funding(env: &TestEnv, request_id: FundingRequestId) {
    let year = domain::funding::FinancialYear::starting_in(2024);
    let command = domain::funding::FundingCommand::Reject {
        request_id,
        reason: "not linked to a target".to_owned(),
        rejected_on: date(2024, 11, 26),
    };
    env.handler
        .funding(&la(), year, command, &as_role(Role::VirtualSchool))
        .await
        .unwrap();
}

const CHILD_COLUMNS: &str = "la, la_child_id, date_of_birth, in_care, care_started_on, \
     school_urn, school_name, social_worker_id, social_worker_name, current_pep_id, open_pep_id, \
     current_pep_status, missing_sections, missing_for_submission, smart_targets_set, \
     targets_to_review, targets_reviewed, smart_targets_complete, last_qa_rating, last_qa_on, \
     last_qa_pep_id, schedule_problems";

async fn child_row(env: &TestEnv, child_id: ChildId) -> Vec<String> {
    let sql =
        format!("SELECT {CHILD_COLUMNS} FROM compliance_children WHERE child_id = '{child_id}'");
    let mut rows = text_rows(&env.read, &sql).await;
    assert_eq!(rows.len(), 1, "one row for {child_id}");
    rows.remove(0)
}

pub async fn item_rows(env: &TestEnv, child_id: ChildId) -> Vec<Vec<String>> {
    let sql = format!(
        "SELECT child_id, item_number, kind, kind_detail, label, care_period_started_on, \
         trigger_date, due_date, due_date_is_provisional, met_on, basis \
         FROM compliance_due_items WHERE child_id = '{child_id}' ORDER BY item_number"
    );
    text_rows(&env.read, &sql).await
}

/// The rows the domain's schedule gives for `facts`, as the table should hold them.
fn expected_item_rows(child_id: ChildId, facts: &ComplianceFacts) -> Vec<Vec<String>> {
    let due = due_dates(facts, &LaPolicy::default(), &calendar());
    due.items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            let detail = serde_json::to_value(item.kind).unwrap();
            vec![
                child_id.to_string(),
                (index + 1).to_string(),
                detail["kind"].as_str().unwrap().to_owned(),
                detail.to_string(),
                item.kind.to_string(),
                item.care_period_started_on.to_string(),
                item.trigger_date.to_string(),
                item.due_date.to_string(),
                u8::from(item.due_date_is_provisional).to_string(),
                item.met_on.map_or("NULL".to_owned(), |met| met.to_string()),
                item.basis.clone(),
            ]
        })
        .collect()
}

fn strings(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}

fn find<'a>(rows: &'a [Vec<String>], kind: &str) -> &'a Vec<String> {
    rows.iter()
        .find(|row| row[2] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {rows:#?}"))
}

async fn rows_are_exactly_right_for_a_history(env: TestEnv) {
    let cohort = make_cohort(&env).await;
    let projector = projector();
    let runner = caught_up(&env, &projector).await;
    let (a, b, c) = (cohort.a, cohort.b, cohort.c);
    let (a_pep, b_pep) = (cohort.a_pep.to_string(), cohort.b_pep.to_string());

    assert_eq!(
        child_row(&env, a).await,
        strings(&[
            "831",
            "LC-A",
            "2014-05-10",
            "1",
            "2024-11-01",
            "100001",
            "Oak Primary",
            "sw-1",
            "Sam Social",
            &a_pep,
            &a_pep,
            "quality_assured",
            "{}",
            "[]",
            "1",
            "0",
            "0",
            "1",
            "green",
            "2024-11-20",
            &a_pep,
            "[]",
        ])
    );
    assert_eq!(
        child_row(&env, b).await,
        strings(&[
            "831",
            "LC-B",
            "2010-01-15",
            "1",
            "2025-02-03",
            "NULL",
            "NULL",
            "sw-2",
            "Alex Worker",
            &b_pep,
            &b_pep,
            "in_progress",
            r#"{"social_worker":["care_context"]}"#,
            r#"["section care_context is not complete","no PEP meeting has been held","no SMART target has been set","the child's views have not been recorded"]"#,
            "0",
            "0",
            "0",
            "0",
            "NULL",
            "NULL",
            "NULL",
            "[]",
        ])
    );
    assert_eq!(
        child_row(&env, c).await,
        strings(&[
            "831",
            "LC-C",
            "2012-06-01",
            "0",
            "NULL",
            "NULL",
            "NULL",
            "NULL",
            "NULL",
            "NULL",
            "NULL",
            "NULL",
            "{}",
            "[]",
            "0",
            "0",
            "0",
            "0",
            "NULL",
            "NULL",
            "NULL",
            "[]",
        ])
    );
    let flags = text_rows(
        &env.read,
        "SELECT la_child_id, data_quality FROM compliance_children ORDER BY la_child_id",
    )
    .await;
    assert_eq!(flags[0], strings(&["LC-A", "[]"]));
    let b_flags: serde_json::Value = serde_json::from_str(&flags[1][1]).unwrap();
    assert_eq!(b_flags.as_array().unwrap().len(), 1, "{b_flags}");
    assert_eq!(b_flags[0]["kind"], "invalid_upn");
    assert_eq!(b_flags[0]["upn"], "A123");
    assert_eq!(flags[2], strings(&["LC-C", "[]"]));

    // The due items are exactly the domain's schedule for the facts the history states.
    let a_facts = ComplianceFacts {
        date_of_birth: date(2014, 5, 10),
        care_periods: vec![CarePeriod {
            started_on: date(2024, 11, 1),
            ended_on: None,
        }],
        peps: vec![PepFact {
            kind: PepKind::Initial,
            meeting_held_on: Some(date(2024, 11, 12)),
            completed_on: Some(date(2024, 11, 14)),
        }],
        ..ComplianceFacts::default()
    };
    let a_items = item_rows(&env, a).await;
    assert_eq!(a_items, expected_item_rows(a, &a_facts));
    // Checked by hand: 10 working days after Fri 1 Nov 2024 is Fri 15 Nov; care review 1 is
    // due 20 working days after, Fri 29 Nov, so its PEP by Tue 26 Nov; the PEP submitted on
    // 14 Nov meets both. The spring term ends Fri 4 April 2025.
    let initial = find(&a_items, "initial_pep");
    assert_eq!(initial[7..10], strings(&["2024-11-15", "0", "2024-11-14"]));
    let before_review = find(&a_items, "review_before_care_review");
    assert_eq!(
        before_review[7..10],
        strings(&["2024-11-26", "0", "2024-11-14"])
    );
    let spring = a_items
        .iter()
        .find(|row| row[4] == "Termly review (spring 2024-25)")
        .unwrap();
    assert_eq!(
        spring[6..10],
        strings(&["2025-01-06", "2025-04-04", "0", "NULL"])
    );

    let b_facts = ComplianceFacts {
        date_of_birth: date(2010, 1, 15),
        care_periods: vec![CarePeriod {
            started_on: date(2025, 2, 3),
            ended_on: None,
        }],
        placement_changes: vec![ReportedChange {
            occurred_on: date(2025, 3, 10),
            recorded_on: Some(date(2025, 3, 12)),
        }],
        peps: vec![PepFact {
            kind: PepKind::Initial,
            meeting_held_on: None,
            completed_on: None,
        }],
        ..ComplianceFacts::default()
    };
    let b_items = item_rows(&env, b).await;
    assert_eq!(b_items, expected_item_rows(b, &b_facts));
    // 10 working days after Mon 3 Feb 2025 is Mon 17 Feb; after Mon 10 March, Mon 24 March.
    assert_eq!(find(&b_items, "initial_pep")[7], "2025-02-17");
    let placement = find(&b_items, "placement_change_review");
    assert_eq!(
        placement[6..10],
        strings(&["2025-03-10", "2025-03-24", "0", "NULL"])
    );
    assert_eq!(
        placement[10],
        "10 working days after the placement change on 10 Mar 2025 (recorded 12 Mar 2025)"
    );
    assert!(item_rows(&env, c).await.is_empty());

    let requests = text_rows(
        &env.read,
        "SELECT child_id, pep_id, state, requested_pence, allocated_pence \
         FROM compliance_funding_requests",
    )
    .await;
    assert_eq!(
        requests,
        [strings(&[
            &a.to_string(),
            &a_pep,
            "requested",
            "45000",
            "NULL"
        ])]
    );

    // A refused command writes no event, so it changes no row.
    let before = all_rows(&env).await;
    let refused = env
        .handler
        .initiate_pep(
            b,
            PepId::from_uuid(Uuid::now_v7()),
            domain::pep::PepKind::Review,
            PepTrigger::Requested,
            date(2025, 3, 12),
            &as_role(Role::SocialWorker),
        )
        .await;
    assert!(refused.is_err(), "a second open PEP is refused");
    let report = runner.catch_up(&env.log).await.unwrap();
    assert_eq!(report.applied, 0);
    assert_eq!(all_rows(&env).await, before);
}

async fn all_rows(env: &TestEnv) -> Vec<Vec<Vec<String>>> {
    let mut tables = Vec::new();
    for sql in [
        "SELECT * FROM compliance_children ORDER BY child_id",
        "SELECT * FROM compliance_due_items ORDER BY child_id, item_number",
        "SELECT * FROM compliance_peps ORDER BY pep_id",
        "SELECT * FROM compliance_funding_requests ORDER BY request_id",
    ] {
        tables.push(text_rows(&env.read, sql).await);
    }
    tables
}
