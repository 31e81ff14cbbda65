//! One local authority's PEP rules as data: deadlines, review frequency, triggers and PP+ rules.
//!
//! Every number in docs/statutory-rules.md ("Statutory and local rules") is a default that an LA
//! may change, so none of them is written into the compliance code. [`LaPolicy::default`] is the
//! statutory default, identical to `domain/data/policy/default.toml` (a test holds them equal);
//! an LA's own file is read with [`LaPolicy::from_toml`], which refuses unknown fields and
//! impossible values. docs/policy.md explains each field.

mod loading;

pub use loading::PolicyError;

use crate::calendar::{Deadline, FinancialYear, TermName, YearGroup};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The default policy file, embedded so the binary needs no file to start.
pub const DEFAULT_POLICY_TOML: &str = include_str!("../data/policy/default.toml");

/// An LA's PEP rules. Fields are public so tests and tools can derive variants from the
/// default; anything built by hand should pass [`LaPolicy::validate`], which
/// [`LaPolicy::from_toml`] always applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaPolicy {
    /// A name for this policy, shown on schedules ("Demoshire Virtual School 2025").
    pub name: String,
    /// Which year groups need a PEP.
    pub age_range: AgeRange,
    /// Which date of a PEP counts for compliance.
    pub pep_counts_from: PepMilestone,
    /// Unmet items due within this many calendar days are "due soon" (0: only on the due day).
    pub due_soon_window_days: u32,
    /// The first PEP of a period in care.
    pub initial_pep: InitialPepRule,
    /// Regular reviews.
    pub reviews: ReviewRule,
    /// Statutory care-plan reviews and the PEP that must precede each.
    pub care_plan_reviews: CarePlanReviewRule,
    /// Events that make a new or updated PEP due.
    pub new_pep_triggers: NewPepTriggers,
    /// Pupil Premium Plus rules.
    pub pupil_premium_plus: PupilPremiumPlusRule,
    /// Who is copied on IRO notices. Optional in a file (older files have no such section).
    #[serde(default)]
    pub notices: NoticeRule,
}

/// Who receives a copy of a notice addressed to a child's IRO (placement or school change,
/// education breakdown, exclusion, overdue PEP). The IRO always receives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeRule {
    /// Copy the child's assigned social worker, who holds case responsibility and is expected
    /// to act on the same changes the IRO is told about.
    pub copy_social_worker: bool,
    /// Copy the Virtual School team of the LA (off by default: the Virtual School already
    /// sees every change on its compliance dashboard, and a copy of every notice would flood it).
    pub copy_virtual_school: bool,
}

impl Default for NoticeRule {
    fn default() -> Self {
        Self {
            copy_social_worker: true,
            copy_virtual_school: false,
        }
    }
}

/// The year groups for which a looked-after child needs a PEP.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgeRange {
    /// The first year group needing a PEP: from age 2 or 3, the early years entitlement
    /// (docs/statutory-rules.md §3.5).
    pub first_year_group: YearGroup,
    /// The last year group needing a PEP: the end of Year 13 (docs/statutory-rules.md §3.5).
    pub last_year_group: YearGroup,
}

/// The date on a PEP that compliance measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PepMilestone {
    /// The day the PEP meeting was held.
    MeetingHeld,
    /// The day the PEP was completed (submitted by the designated teacher).
    Completed,
}

/// When the first PEP of a period in care is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InitialPepRule {
    /// After entering care ("10 working days"; several LAs use "20 school days").
    pub due_within: Deadline,
}

/// Regular PEP reviews.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewRule {
    /// The terms in each academic year in which a review must be held, by the term's last day.
    /// Termly is all three; an LA accepting two a year lists two, such as autumn and summer.
    pub in_terms: Vec<TermName>,
}

/// The statutory care-plan review timetable (Care Planning Regulations 2010, reg. 33) and the
/// PEP lead time before each review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarePlanReviewRule {
    /// First review after becoming looked after.
    pub first_within: Deadline,
    /// Second review after the first.
    pub second_within: Deadline,
    /// Each later review after the one before.
    pub subsequent_within: Deadline,
    /// A reviewed PEP must reach the IRO at least this long before each review.
    pub pep_to_iro_before: Deadline,
}

/// Events that make a new or updated PEP due, each with its own deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewPepTriggers {
    /// After a placement move (from the day it happened, not the day it was recorded).
    pub placement_change_within: Deadline,
    /// After starting at a new school.
    pub school_change_within: Deadline,
    /// The year groups whose start makes a key-stage transition PEP due: Years 3, 7 and 10
    /// (docs/statutory-rules.md §3.5).
    pub key_stage_entry_year_groups: Vec<YearGroup>,
    /// After the first day of the autumn term of such a year group.
    pub key_stage_entry_within: Deadline,
    /// A planned school move needs a transition PEP at least this long before the move.
    pub planned_school_move_before: Deadline,
    /// Whether a transition PEP is due in the summer term before the child starts Reception.
    pub early_years_transition_in_summer_term: bool,
}

/// The PEP state a PP+ request needs before money is released.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PepReleaseState {
    /// Submitted by the designated teacher.
    Submitted,
    /// Quality-assured by the Virtual School.
    QualityAssured,
    /// Signed off.
    SignedOff,
}

/// The Virtual School's Pupil Premium Plus rules. Money is integer pence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PupilPremiumPlusRule {
    /// The most one child may receive in a financial year, in pence (£1,900 = 190000).
    pub annual_cap_per_child_pence: i64,
    /// The national per-child rate paid to the LA, by financial year, in pence.
    pub national_rate_pence: BTreeMap<FinancialYear, i64>,
    /// How many instalments a year's allocation is paid in (1 to 3, one per term).
    pub termly_instalments: u8,
    /// The PEP state a request needs before money is released.
    pub release_requires: PepReleaseState,
    /// Whether a child's earlier funding must have its impact reviewed before more is released.
    pub impact_required_before_further_funding: bool,
}

impl PupilPremiumPlusRule {
    /// The national rate for `financial_year`, if the policy knows it.
    pub fn national_rate_for(&self, financial_year: FinancialYear) -> Option<i64> {
        self.national_rate_pence.get(&financial_year).copied()
    }
}

impl Default for LaPolicy {
    /// The defaults docs/statutory-rules.md states. `domain/data/policy/default.toml` says the
    /// same, field by field.
    fn default() -> Self {
        Self {
            name: "Statutory defaults".to_owned(),
            age_range: AgeRange {
                first_year_group: YearGroup::TwoYearOld,
                last_year_group: YearGroup::Year13,
            },
            pep_counts_from: PepMilestone::Completed,
            due_soon_window_days: 14,
            initial_pep: InitialPepRule {
                due_within: Deadline::working_days(10),
            },
            reviews: ReviewRule {
                in_terms: TermName::ALL.to_vec(),
            },
            care_plan_reviews: CarePlanReviewRule {
                first_within: Deadline::working_days(20),
                second_within: Deadline::months(3),
                subsequent_within: Deadline::months(6),
                pep_to_iro_before: Deadline::working_days(3),
            },
            new_pep_triggers: NewPepTriggers {
                placement_change_within: Deadline::working_days(10),
                school_change_within: Deadline::working_days(10),
                key_stage_entry_year_groups: vec![
                    YearGroup::Year3,
                    YearGroup::Year7,
                    YearGroup::Year10,
                ],
                key_stage_entry_within: Deadline::school_days(20),
                planned_school_move_before: Deadline::working_days(5),
                early_years_transition_in_summer_term: true,
            },
            pupil_premium_plus: PupilPremiumPlusRule {
                annual_cap_per_child_pence: 190_000,
                national_rate_pence: BTreeMap::from([
                    (FinancialYear::starting_in(2023), 253_000),
                    (FinancialYear::starting_in(2024), 257_000),
                ]),
                termly_instalments: 3,
                release_requires: PepReleaseState::QualityAssured,
                impact_required_before_further_funding: true,
            },
            notices: NoticeRule::default(),
        }
    }
}
