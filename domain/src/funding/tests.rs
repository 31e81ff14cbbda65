//! Given/when/then scenarios for every PP+ command and every way it can be refused.

use super::*;
use crate::calendar::TermName;
use crate::ids::{ChildId, FundingRequestId, PepId, TargetId};
use crate::pep::{PepStatus, QaRating};
use crate::testing::given;
use crate::values::{LaCode, Money, SchoolUrn};
use chrono::NaiveDate;
use uuid::Uuid;

fn date(year: i32, month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap()
}

fn pounds(pounds: i64) -> Money {
    Money::from_pence(pounds * 100)
}

fn la() -> LaCode {
    LaCode::parse("831").unwrap()
}

fn year() -> FinancialYear {
    "2024-25".parse::<FinancialYear>().unwrap()
}

fn child(n: u128) -> ChildId {
    ChildId::from_uuid(Uuid::from_u128(n))
}

fn pep_of(n: u128) -> PepId {
    PepId::from_uuid(Uuid::from_u128(100 + n))
}

fn target(n: u128) -> TargetId {
    TargetId::from_uuid(Uuid::from_u128(300 + n))
}

fn request_id(n: u128) -> FundingRequestId {
    FundingRequestId::from_uuid(Uuid::from_u128(500 + n))
}

fn budget_set(budget: i64, impact_required: bool) -> FundingEvent {
    FundingEvent::BudgetSet {
        la: la(),
        financial_year: year(),
        budget: pounds(budget),
        per_child_cap: pounds(1_900),
        release_condition: ReleaseCondition::QualityAssured,
        impact_required_before_further_funding: impact_required,
    }
}

fn snapshot(child_n: u128, status: PepStatus) -> PepSnapshot {
    PepSnapshot {
        pep_id: pep_of(child_n),
        child_id: child(child_n),
        status,
        rating: Some(QaRating::Green),
        target_ids: vec![target(1), target(2)],
    }
}

/// The LA policy's rules: a £1,900 cap, money on a quality-assured PEP, three instalments.
fn policy(impact_required: bool) -> FundingPolicy {
    FundingPolicy {
        policy_name: "Demoshire 2024".to_owned(),
        per_child_cap: pounds(1_900),
        release_condition: ReleaseCondition::QualityAssured,
        impact_required_before_further_funding: impact_required,
        termly_instalments: 3,
    }
}

/// `command` decided under `rules` instead of [`policy`]`(false)`.
fn under(rules: FundingPolicy, mut command: FundingCommand) -> FundingCommand {
    match &mut command {
        FundingCommand::Request { policy, .. } | FundingCommand::Allocate { policy, .. } => {
            *policy = rules;
        }
        _ => {}
    }
    command
}

fn request(n: u128, child_n: u128, amount: i64) -> FundingCommand {
    FundingCommand::Request {
        request_id: request_id(n),
        child_id: child(child_n),
        pep: snapshot(child_n, PepStatus::QualityAssured),
        school_urn: Some(SchoolUrn::parse("104567").unwrap()),
        target_ids: vec![target(1)],
        amount: pounds(amount),
        purpose: "one-to-one maths tuition, 20 sessions".to_owned(),
        intended_outcome: "times-table fluency target met".to_owned(),
        requested_on: date(2024, 10, 1),
        policy: policy(false),
    }
}

fn requested(n: u128, child_n: u128, amount: i64) -> FundingEvent {
    FundingEvent::Requested {
        request_id: request_id(n),
        child_id: child(child_n),
        pep_id: pep_of(child_n),
        school_urn: Some(SchoolUrn::parse("104567").unwrap()),
        target_ids: vec![target(1)],
        amount: pounds(amount),
        purpose: "one-to-one maths tuition, 20 sessions".to_owned(),
        intended_outcome: "times-table fluency target met".to_owned(),
        requested_on: date(2024, 10, 1),
    }
}

fn allocated(n: u128, amount: i64) -> FundingEvent {
    FundingEvent::Allocated {
        request_id: request_id(n),
        amount: pounds(amount),
        allocated_on: date(2024, 10, 8),
        instalments: schedule(pounds(amount), date(2024, 10, 8), year(), 3),
        policy_name: Some("Demoshire 2024".to_owned()),
    }
}

/// Allocation on request `n` of child `n` (as the request helpers pair them).
fn allocate(n: u128, amount: i64) -> FundingCommand {
    allocate_for(n, 1, amount)
}

fn allocate_for(n: u128, child_n: u128, amount: i64) -> FundingCommand {
    FundingCommand::Allocate {
        request_id: request_id(n),
        amount: pounds(amount),
        allocated_on: date(2024, 10, 8),
        pep: snapshot(child_n, PepStatus::QualityAssured),
        policy: policy(false),
    }
}

#[test]
fn each_la_and_financial_year_has_its_own_budget_stream() {
    assert_eq!(budget_stream_id(&la(), year()), "ppp-831-2024-25");
}

#[test]
fn the_budget_is_set_and_revised_but_never_below_what_is_allocated() {
    given::<FundingDecider>([])
        .when(FundingCommand::SetBudget {
            la: la(),
            financial_year: year(),
            budget: pounds(500_000),
            per_child_cap: pounds(1_900),
            release_condition: ReleaseCondition::QualityAssured,
            impact_required_before_further_funding: false,
        })
        .then([budget_set(500_000, false)]);
    given::<FundingDecider>([
        budget_set(500_000, false),
        requested(1, 1, 1_500),
        allocated(1, 1_500),
    ])
    .when(FundingCommand::SetBudget {
        la: la(),
        financial_year: year(),
        budget: pounds(1_000),
        per_child_cap: pounds(1_900),
        release_condition: ReleaseCondition::QualityAssured,
        impact_required_before_further_funding: false,
    })
    .then_error(FundingError::BudgetBelowAllocated {
        budget: pounds(1_000),
        allocated: pounds(1_500),
    });
}

#[test]
fn a_budget_stream_belongs_to_one_la_and_year_and_needs_a_positive_cap() {
    given::<FundingDecider>([budget_set(500_000, false)])
        .when(FundingCommand::SetBudget {
            la: la(),
            financial_year: "2025-26".parse::<FinancialYear>().unwrap(),
            budget: pounds(1),
            per_child_cap: pounds(1),
            release_condition: ReleaseCondition::Submitted,
            impact_required_before_further_funding: false,
        })
        .then_error(FundingError::WrongBudget {
            la: la(),
            financial_year: year(),
        });
    given::<FundingDecider>([])
        .when(FundingCommand::SetBudget {
            la: la(),
            financial_year: year(),
            budget: pounds(1),
            per_child_cap: Money::ZERO,
            release_condition: ReleaseCondition::Submitted,
            impact_required_before_further_funding: false,
        })
        .then_error(FundingError::NotPositive {
            field: "per_child_cap",
        });
}

#[test]
fn a_request_against_an_eligible_pep_and_its_targets_is_recorded() {
    given::<FundingDecider>([budget_set(500_000, false)])
        .when(request(1, 1, 600))
        .then([requested(1, 1, 600)]);
}

#[test]
fn requests_before_a_budget_exists_are_refused() {
    given::<FundingDecider>([])
        .when(request(1, 1, 600))
        .then_error(FundingError::BudgetNotSet);
}

#[test]
fn a_request_on_a_pep_not_yet_quality_assured_is_refused() {
    let mut command = request(1, 1, 600);
    if let FundingCommand::Request { pep, .. } = &mut command {
        pep.status = PepStatus::Submitted;
    }
    given::<FundingDecider>([budget_set(500_000, false)])
        .when(command)
        .then_error(FundingError::PepNotEligible {
            status: PepStatus::Submitted,
            required: ReleaseCondition::QualityAssured,
        });
}

#[test]
fn a_request_must_link_targets_of_that_childs_pep() {
    let mut no_targets = request(1, 1, 600);
    if let FundingCommand::Request { target_ids, .. } = &mut no_targets {
        target_ids.clear();
    }
    given::<FundingDecider>([budget_set(500_000, false)])
        .when(no_targets)
        .then_error(FundingError::NoTargetsLinked);
    let mut stray = request(1, 1, 600);
    if let FundingCommand::Request { target_ids, .. } = &mut stray {
        target_ids.push(target(9));
    }
    given::<FundingDecider>([budget_set(500_000, false)])
        .when(stray)
        .then_error(FundingError::TargetNotInPep(target(9)));
    let mut other_child = request(1, 1, 600);
    if let FundingCommand::Request { pep, .. } = &mut other_child {
        *pep = snapshot(2, PepStatus::QualityAssured);
    }
    given::<FundingDecider>([budget_set(500_000, false)])
        .when(other_child)
        .then_error(FundingError::PepNotForChild(pep_of(2)));
}

#[test]
fn a_request_needs_a_positive_amount_a_purpose_and_a_fresh_id() {
    given::<FundingDecider>([budget_set(500_000, false)])
        .when(request(1, 1, 0))
        .then_error(FundingError::NotPositive { field: "amount" });
    let mut no_purpose = request(1, 1, 600);
    if let FundingCommand::Request { purpose, .. } = &mut no_purpose {
        purpose.clear();
    }
    given::<FundingDecider>([budget_set(500_000, false)])
        .when(no_purpose)
        .then_error(FundingError::EmptyField { field: "purpose" });
    given::<FundingDecider>([budget_set(500_000, false), requested(1, 1, 600)])
        .when(request(1, 1, 600))
        .then_error(FundingError::DuplicateRequest(request_id(1)));
}

#[test]
fn the_per_child_cap_holds_at_request_and_at_allocation() {
    given::<FundingDecider>([
        budget_set(500_000, false),
        requested(1, 1, 1_500),
        allocated(1, 1_500),
    ])
    .when(request(2, 1, 401))
    .then_error(FundingError::CapExceeded {
        cap: pounds(1_900),
        allocated: pounds(1_500),
        requested: pounds(401),
    });
    given::<FundingDecider>([
        budget_set(500_000, false),
        requested(1, 1, 1_500),
        requested(2, 1, 400),
        allocated(1, 1_500),
    ])
    .when(allocate(2, 400))
    .then([allocated(2, 400)]);
    given::<FundingDecider>([
        budget_set(500_000, false),
        requested(1, 1, 1_500),
        requested(2, 1, 900),
        allocated(1, 1_500),
    ])
    .when(allocate(2, 900))
    .then_error(FundingError::CapExceeded {
        cap: pounds(1_900),
        allocated: pounds(1_500),
        requested: pounds(900),
    });
}

#[test]
fn allocations_stay_within_the_las_budget() {
    given::<FundingDecider>([
        budget_set(2_000, false),
        requested(1, 1, 1_500),
        allocated(1, 1_500),
        requested(2, 2, 800),
    ])
    .when(allocate_for(2, 2, 800))
    .then_error(FundingError::BudgetExceeded {
        remaining: pounds(500),
        requested: pounds(800),
    });
}

#[test]
fn allocation_is_refused_for_unknown_decided_or_inflated_requests() {
    given::<FundingDecider>([budget_set(500_000, false)])
        .when(allocate(7, 100))
        .then_error(FundingError::UnknownRequest(request_id(7)));
    given::<FundingDecider>([
        budget_set(500_000, false),
        requested(1, 1, 600),
        allocated(1, 600),
    ])
    .when(allocate(1, 600))
    .then_error(FundingError::AlreadyDecided(request_id(1)));
    given::<FundingDecider>([budget_set(500_000, false), requested(1, 1, 600)])
        .when(allocate(1, 700))
        .then_error(FundingError::MoreThanRequested {
            amount: pounds(700),
            requested: pounds(600),
        });
}

#[test]
fn a_request_is_rejected_with_a_reason_once() {
    let rejected = FundingEvent::Rejected {
        request_id: request_id(1),
        reason: "the school's own budget covers this".to_owned(),
        rejected_on: date(2024, 10, 9),
    };
    let reject = |reason: &str| FundingCommand::Reject {
        request_id: request_id(1),
        reason: reason.to_owned(),
        rejected_on: date(2024, 10, 9),
    };
    given::<FundingDecider>([budget_set(500_000, false), requested(1, 1, 600)])
        .when(reject("the school's own budget covers this"))
        .then([rejected.clone()]);
    given::<FundingDecider>([budget_set(500_000, false), requested(1, 1, 600)])
        .when(reject(""))
        .then_error(FundingError::EmptyField { field: "reason" });
    given::<FundingDecider>([budget_set(500_000, false), requested(1, 1, 600), rejected])
        .when(reject("again"))
        .then_error(FundingError::AlreadyDecided(request_id(1)));
}

fn record_impact(n: u128) -> FundingCommand {
    FundingCommand::RecordImpact {
        request_id: request_id(n),
        impact: "times-table check now 24/25".to_owned(),
        recorded_on: date(2025, 1, 15),
    }
}

#[test]
fn impact_is_recorded_once_against_an_allocation() {
    let impact = FundingEvent::ImpactRecorded {
        request_id: request_id(1),
        impact: "times-table check now 24/25".to_owned(),
        recorded_on: date(2025, 1, 15),
    };
    given::<FundingDecider>([
        budget_set(500_000, false),
        requested(1, 1, 600),
        allocated(1, 600),
    ])
    .when(record_impact(1))
    .then([impact.clone()]);
    given::<FundingDecider>([budget_set(500_000, false), requested(1, 1, 600)])
        .when(record_impact(1))
        .then_error(FundingError::NotAllocated(request_id(1)));
    given::<FundingDecider>([
        budget_set(500_000, false),
        requested(1, 1, 600),
        allocated(1, 600),
        impact,
    ])
    .when(record_impact(1))
    .then_error(FundingError::ImpactAlreadyRecorded(request_id(1)));
}

#[test]
fn where_the_la_requires_it_impact_comes_before_further_funding() {
    let history = [
        budget_set(500_000, false),
        requested(1, 1, 600),
        allocated(1, 600),
    ];
    given::<FundingDecider>(history.clone())
        .when(under(policy(true), request(2, 1, 300)))
        .then_error(FundingError::ImpactNotRecorded(request_id(1)));
    // The rule is the policy's, not the budget's: the budget was set saying "not required".
    given::<FundingDecider>(history.clone())
        .when(request(2, 1, 300))
        .then([requested(2, 1, 300)]);
    // Another child is not held back by this child's missing impact.
    given::<FundingDecider>(history.clone())
        .when(under(policy(true), request(2, 2, 300)))
        .then([requested(2, 2, 300)]);
    // Nor can a request made before the first allocation be allocated without it.
    let mut pending = history.to_vec();
    pending.push(requested(2, 1, 300));
    given::<FundingDecider>(pending)
        .when(under(policy(true), allocate(2, 300)))
        .then_error(FundingError::ImpactNotRecorded(request_id(1)));
    let mut with_impact = history.to_vec();
    with_impact.push(FundingEvent::ImpactRecorded {
        request_id: request_id(1),
        impact: "met".to_owned(),
        recorded_on: date(2025, 1, 15),
    });
    given::<FundingDecider>(with_impact)
        .when(under(policy(true), request(2, 1, 300)))
        .then([requested(2, 1, 300)]);
}

#[test]
fn the_cap_is_the_policys_not_the_one_the_budget_was_set_with() {
    // The budget was set with a £1,900 cap; the LA's policy now says £1,000.
    let lower = FundingPolicy {
        per_child_cap: pounds(1_000),
        ..policy(false)
    };
    given::<FundingDecider>([budget_set(500_000, false)])
        .when(under(lower.clone(), request(1, 1, 1_200)))
        .then_error(FundingError::CapExceeded {
            cap: pounds(1_000),
            allocated: Money::ZERO,
            requested: pounds(1_200),
        });
    given::<FundingDecider>([budget_set(500_000, false), requested(1, 1, 1_200)])
        .when(under(lower, allocate(1, 1_200)))
        .then_error(FundingError::CapExceeded {
            cap: pounds(1_000),
            allocated: Money::ZERO,
            requested: pounds(1_200),
        });
}

#[test]
fn no_money_is_asked_for_or_allocated_on_a_pep_rated_red() {
    let red = |mut command: FundingCommand| {
        if let FundingCommand::Request { pep, .. } | FundingCommand::Allocate { pep, .. } =
            &mut command
        {
            pep.rating = Some(QaRating::Red);
        }
        command
    };
    given::<FundingDecider>([budget_set(500_000, false)])
        .when(red(request(1, 1, 600)))
        .then_error(FundingError::PepRatedRed(pep_of(1)));
    // Rated red after the request was made: the allocation is refused too.
    given::<FundingDecider>([budget_set(500_000, false), requested(1, 1, 600)])
        .when(red(allocate(1, 600)))
        .then_error(FundingError::PepRatedRed(pep_of(1)));
    // Even where the policy releases money on a submitted PEP.
    let on_submission = FundingPolicy {
        release_condition: ReleaseCondition::Submitted,
        ..policy(false)
    };
    given::<FundingDecider>([budget_set(500_000, false)])
        .when(under(on_submission, red(request(1, 1, 600))))
        .then_error(FundingError::PepRatedRed(pep_of(1)));
}

#[test]
fn the_release_condition_is_checked_again_when_money_is_allocated() {
    let mut command = allocate(1, 600);
    if let FundingCommand::Allocate { pep, .. } = &mut command {
        pep.status = PepStatus::Returned;
        pep.rating = None;
    }
    given::<FundingDecider>([budget_set(500_000, false), requested(1, 1, 600)])
        .when(command)
        .then_error(FundingError::PepNotEligible {
            status: PepStatus::Returned,
            required: ReleaseCondition::QualityAssured,
        });
}

#[test]
fn an_allocation_is_paid_in_the_policys_instalments_each_once() {
    let one_payment = FundingPolicy {
        termly_instalments: 1,
        ..policy(false)
    };
    given::<FundingDecider>([budget_set(500_000, false), requested(1, 1, 600)])
        .when(under(one_payment, allocate(1, 600)))
        .then([FundingEvent::Allocated {
            request_id: request_id(1),
            amount: pounds(600),
            allocated_on: date(2024, 10, 8),
            instalments: vec![Instalment {
                number: 1,
                term: TermName::Autumn,
                year: 2024,
                due_on: date(2024, 10, 8),
                amount: pounds(600),
            }],
            policy_name: Some("Demoshire 2024".to_owned()),
        }]);
    let pay = |instalment: u8| FundingCommand::RecordPayment {
        request_id: request_id(1),
        instalment,
        paid_on: date(2025, 1, 6),
        reference: "REM-2025-0042".to_owned(),
    };
    let paid = FundingEvent::Paid {
        request_id: request_id(1),
        instalment: 2,
        term: TermName::Spring,
        year: 2025,
        amount: pounds(300),
        paid_on: date(2025, 1, 6),
        reference: "REM-2025-0042".to_owned(),
    };
    let history = [
        budget_set(500_000, false),
        requested(1, 1, 600),
        allocated(1, 600),
    ];
    given::<FundingDecider>(history.clone())
        .when(pay(2))
        .then([paid.clone()]);
    given::<FundingDecider>(history.clone())
        .when(pay(3))
        .then_error(FundingError::UnknownInstalment {
            request_id: request_id(1),
            instalment: 3,
        });
    let mut twice = history.to_vec();
    twice.push(paid);
    given::<FundingDecider>(twice)
        .when(pay(2))
        .then_error(FundingError::AlreadyPaid {
            request_id: request_id(1),
            instalment: 2,
        });
    given::<FundingDecider>([budget_set(500_000, false), requested(1, 1, 600)])
        .when(pay(1))
        .then_error(FundingError::NotAllocated(request_id(1)));
}

#[test]
fn the_budget_knows_what_is_committed_and_what_is_paid() {
    let state = [
        budget_set(500_000, false),
        requested(1, 1, 600),
        allocated(1, 600),
        FundingEvent::Paid {
            request_id: request_id(1),
            instalment: 1,
            term: TermName::Autumn,
            year: 2024,
            amount: pounds(300),
            paid_on: date(2024, 10, 20),
            reference: "REM-1".to_owned(),
        },
    ]
    .iter()
    .fold(FundingState::default(), FundingState::evolve);
    assert_eq!(state.total_allocated(), pounds(600));
    assert_eq!(state.total_paid(), pounds(300));
}
