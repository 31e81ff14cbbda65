//! The funding model: totals by child, school and LA, the budget position, requests with their
//! targets and impact; refused commands change nothing.

use crate::fixtures::{
    allocate, child_in_care, funding_command, la, mixed_history, quality_assured_pep,
    request_funding, year,
};
use crate::support::{TestEnv, as_role, date, on_both_back_ends};
use domain::Role;
use domain::funding::FundingCommand;
use domain::ids::FundingRequestId;
use domain::values::Money;
use projections::funding::{
    BudgetSummary, FundingGrouping, FundingProjector, FundingRequestFilter, FundingTotals,
    budget_summary, child_funding, funding_requests, funding_totals,
};
use std::sync::Arc;
use uuid::Uuid;

async fn funding_is_totalled_by_child_school_and_la(env: TestEnv) {
    // Child A: asked £500, given £400, impact recorded (mixed_history); then asked £300 more,
    // turned down.
    let child_a = mixed_history(&env).await;
    let events = env.all_events().await;
    let a_pep = events
        .iter()
        .find(|event| event.event_type == "PupilPremiumPlusRequested")
        .map(|event| event.payload["pep_id"].as_str().unwrap().parse().unwrap())
        .unwrap();
    let a_target = events
        .iter()
        .find(|event| event.event_type == "SmartTargetSet")
        .map(|event| {
            event.payload["target_id"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap()
        })
        .unwrap();
    let a_second = request_funding(&env, a_pep, a_target, 30_000).await;
    funding_command(
        &env,
        FundingCommand::Reject {
            request_id: a_second,
            reason: "covered by the first request".to_owned(),
            rejected_on: date(2025, 3, 4),
        },
    )
    .await;

    // Child B: asked £1,500, given £1,500 after a refused over-allocation; a further request
    // is refused because the first one's impact is not recorded.
    let child_b = child_in_care(&env).await;
    let (b_pep, b_target) = quality_assured_pep(&env, child_b).await;
    let b_first = request_funding(&env, b_pep, b_target, 150_000).await;
    let head = env.store.head_position().await.unwrap();
    let refused = env
        .handler
        .allocate_funding(
            &la(),
            year(),
            commands::handlers::FundingAllocation {
                request_id: b_first,
                amount: Money::from_pence(200_000),
                allocated_on: date(2025, 2, 3),
            },
            &as_role(Role::VirtualSchool),
        )
        .await;
    assert!(refused.is_err());
    allocate(&env, b_first, 150_000, date(2025, 2, 3)).await;
    let refused = env
        .handler
        .request_funding(
            &la(),
            year(),
            commands::handlers::FundingRequest {
                request_id: FundingRequestId::from_uuid(Uuid::now_v7()),
                pep_id: b_pep,
                school_urn: None,
                target_ids: vec![b_target],
                amount: Money::from_pence(10_000),
                purpose: "more".to_owned(),
                intended_outcome: "more".to_owned(),
                requested_on: date(2025, 2, 10),
            },
            &as_role(Role::DesignatedTeacher),
        )
        .await;
    assert!(refused.is_err());
    assert_eq!(env.store.head_position().await.unwrap(), head + 1);

    // Child C: asked £300 with no school named; not decided yet.
    let child_c = child_in_care(&env).await;
    let (c_pep, c_target) = quality_assured_pep(&env, child_c).await;
    let c_request = FundingRequestId::from_uuid(Uuid::now_v7());
    env.handler
        .request_funding(
            &la(),
            year(),
            commands::handlers::FundingRequest {
                request_id: c_request,
                pep_id: c_pep,
                school_urn: None,
                target_ids: vec![c_target],
                amount: Money::from_pence(30_000),
                purpose: "music lessons".to_owned(),
                intended_outcome: "grade 1 piano".to_owned(),
                requested_on: date(2025, 2, 12),
            },
            &as_role(Role::DesignatedTeacher),
        )
        .await
        .unwrap();

    let runner = env.runner(Arc::new(FundingProjector)).await;
    runner.catch_up(&env.log).await.unwrap();

    let totals = |key: String,
                  requests: u64,
                  requested: i64,
                  pending: i64,
                  allocated: i64,
                  rejected: u64,
                  impact: (u64, u64),
                  remaining: Option<i64>| FundingTotals {
        key,
        requests,
        requested_pence: requested,
        pending_pence: pending,
        allocated_pence: allocated,
        rejected_requests: rejected,
        impact_recorded: impact.0,
        impact_missing: impact.1,
        remaining_against_cap_pence: remaining,
    };
    assert_eq!(
        funding_totals(&env.read, "831", year(), FundingGrouping::Child)
            .await
            .unwrap(),
        vec![
            totals(
                child_a.to_string(),
                2,
                80_000,
                0,
                40_000,
                1,
                (1, 0),
                Some(150_000)
            ),
            totals(
                child_b.to_string(),
                1,
                150_000,
                0,
                150_000,
                0,
                (0, 1),
                Some(40_000)
            ),
            totals(
                child_c.to_string(),
                1,
                30_000,
                30_000,
                0,
                0,
                (0, 0),
                Some(190_000)
            ),
        ]
    );
    assert_eq!(
        funding_totals(&env.read, "831", year(), FundingGrouping::School)
            .await
            .unwrap(),
        vec![
            totals(String::new(), 1, 30_000, 30_000, 0, 0, (0, 0), None),
            totals("100001".to_owned(), 3, 230_000, 0, 190_000, 1, (1, 1), None),
        ]
    );
    assert_eq!(
        funding_totals(&env.read, "831", year(), FundingGrouping::La)
            .await
            .unwrap(),
        vec![totals(
            "831".to_owned(),
            4,
            260_000,
            30_000,
            190_000,
            1,
            (1, 1),
            None
        )]
    );
    assert!(
        funding_totals(
            &env.read,
            "831",
            domain::funding::FinancialYear::starting_in(2025),
            FundingGrouping::La
        )
        .await
        .unwrap()
        .is_empty()
    );

    assert_eq!(
        budget_summary(&env.read, "831", year()).await.unwrap(),
        Some(BudgetSummary {
            la: "831".to_owned(),
            financial_year: "2024-25".to_owned(),
            budget_pence: 10_000_000,
            per_child_cap_pence: 190_000,
            release_condition: "quality_assured".to_owned(),
            impact_required_before_further_funding: true,
            allocated_pence: 190_000,
            remaining_budget_pence: 9_810_000,
            pending_pence: 30_000,
            paid_pence: 0,
            committed_pence: 190_000,
        })
    );
    assert_eq!(
        budget_summary(&env.read, "999", year()).await.unwrap(),
        None
    );

    // One child's PP+: their requests, oldest first, and the same totals as the by-child row.
    let by_child = funding_totals(&env.read, "831", year(), FundingGrouping::Child)
        .await
        .unwrap();
    let a_funding = child_funding(&env.read, "831", &child_a.to_string(), year())
        .await
        .unwrap();
    assert_eq!(a_funding.per_child_cap_pence, Some(190_000));
    assert_eq!(a_funding.totals.as_ref(), by_child.first());
    assert_eq!(
        a_funding
            .requests
            .iter()
            .map(|request| (request.status.as_str(), request.requested_pence))
            .collect::<Vec<_>>(),
        [("allocated", 50_000), ("rejected", 30_000)]
    );
    assert!(
        a_funding
            .requests
            .iter()
            .all(|request| request.child_id == child_a.to_string())
    );
    let c_funding = child_funding(&env.read, "831", &child_c.to_string(), year())
        .await
        .unwrap();
    assert_eq!(c_funding.totals.as_ref(), by_child.get(2));
    assert_eq!(c_funding.requests.len(), 1);
    // Another year, or another LA's budget: nothing asked, and no cap without a budget.
    let next_year = child_funding(
        &env.read,
        "831",
        &child_a.to_string(),
        domain::funding::FinancialYear::starting_in(2025),
    )
    .await
    .unwrap();
    assert_eq!(
        (
            next_year.totals,
            next_year.requests.len(),
            next_year.per_child_cap_pence
        ),
        (None, 0, None)
    );

    let all = funding_requests(
        &env.read,
        &FundingRequestFilter {
            la: "831".to_owned(),
            financial_year: Some(year()),
            ..FundingRequestFilter::default()
        },
    )
    .await
    .unwrap();
    let statuses: Vec<_> = all
        .iter()
        .map(|request| {
            (
                request.status.as_str(),
                request.allocated_pence,
                request.impact_missing,
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("allocated", 40_000, false),
            ("rejected", 0, false),
            ("allocated", 150_000, true),
            ("requested", 0, false),
        ]
    );
    let first = &all[0];
    assert_eq!(first.child_id, child_a.to_string());
    assert_eq!(first.target_ids, vec![a_target.to_string()]);
    assert_eq!(first.requested_pence, 50_000);
    assert_eq!(first.requested_on, date(2025, 1, 27));
    assert_eq!(first.allocated_on, Some(date(2025, 2, 3)));
    assert_eq!(first.impact.as_deref(), Some("reading age up 8 months"));
    assert_eq!(first.impact_recorded_on, Some(date(2025, 3, 3)));
    assert_eq!(
        all[1].rejected_reason.as_deref(),
        Some("covered by the first request")
    );
    assert_eq!(all[1].rejected_on, Some(date(2025, 3, 4)));
    assert_eq!(all[3].school_urn, None);
    assert_eq!(all[3].pep_id, c_pep.to_string());

    let missing = funding_requests(
        &env.read,
        &FundingRequestFilter {
            la: "831".to_owned(),
            impact_missing_only: true,
            ..FundingRequestFilter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].request_id, b_first.to_string());
    assert_eq!(missing[0].target_ids, vec![b_target.to_string()]);
    let at_school = funding_requests(
        &env.read,
        &FundingRequestFilter {
            la: "831".to_owned(),
            school_urn: Some("100001".to_owned()),
            child_id: Some(child_a.to_string()),
            ..FundingRequestFilter::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(at_school.len(), 2);
}

on_both_back_ends!(funding_is_totalled_by_child_school_and_la);
