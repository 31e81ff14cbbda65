//! The shapes of a compliance question and its answer (filter, page, judged child), apart from
//! the loading and judging so the API the gateway serves reads in one place.

use crate::compliance::child_record::QualityAssurance;
use crate::compliance::stored_pep::TargetProgress;
use chrono::NaiveDate;
use domain::Role;
use domain::calendar::{KeyStage, YearGroup};
use domain::compliance::{DueItem, DueStatus, ScheduleProblem, StatusCounts};
use domain::ids::{ChildId, PepId};
use domain::pep::{PepSection, PepStatus};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which children a cohort query covers. Every field narrows; the default is every child in
/// care, in every LA.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CohortFilter {
    /// Only this LA's children.
    pub la: Option<String>,
    /// Also children no longer looked after (their history stays visible).
    pub include_left_care: bool,
    /// Only children whose headline status (see [`ChildCompliance::status`]) is this.
    pub status: Option<DueStatus>,
    /// Only children with no obligation at all on the day asked (no headline status: nothing
    /// has arisen, or nothing is left to judge). Cannot be combined with `status`.
    pub nothing_due: bool,
    /// Only children in this key stage on the day asked.
    pub key_stage: Option<KeyStage>,
    /// Only children at this school (URN).
    pub school_urn: Option<String>,
    /// Only children with this social worker (person id).
    pub social_worker_id: Option<String>,
    /// Only children whose PEP is in date on the day asked (`true`), or only those whose PEP is
    /// not (`false`); see [`ChildCompliance::has_in_date_pep`].
    pub in_date_pep: Option<bool>,
    /// Only children whose current PEP has this status: one of
    /// [`PEP_STATUS_KEYS`](crate::compliance::PEP_STATUS_KEYS), a [`PepStatus`] wire name such as
    /// `submitted`, or `missing` for a child with no PEP. Any other value is an invalid query.
    pub pep_status: Option<String>,
    /// Only children whose latest QA rating is this: one of
    /// [`QA_RATING_KEYS`](crate::compliance::QA_RATING_KEYS), `green`, `amber`, `red`, or
    /// `not_rated` for a child with none. Any other value is an invalid query.
    pub qa_rating: Option<String>,
}

/// A slice of a list: skip `offset`, return at most `limit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// Rows skipped.
    pub offset: u64,
    /// Most rows returned (at least 1, at most [`Page::MAX_LIMIT`]).
    pub limit: u64,
}

impl Page {
    /// The largest page served.
    pub const MAX_LIMIT: u64 = 500;

    /// The first `limit` rows.
    pub fn first(limit: u64) -> Self {
        Self { offset: 0, limit }
    }
}

/// One obligation and how it stands on the day asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JudgedItem {
    /// The stored obligation.
    #[serde(flatten)]
    pub item: DueItem,
    /// Its status on the day asked.
    pub status: DueStatus,
}

/// One child's compliance on the day asked: the cohort row, and with [`ChildCompliance::items`]
/// every obligation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChildCompliance {
    /// The child.
    pub child_id: ChildId,
    /// The responsible LA.
    pub la: String,
    /// The child's id in the LA's social care system.
    pub la_child_id: String,
    /// Date of birth.
    pub date_of_birth: Option<NaiveDate>,
    /// Year group on the day asked.
    pub year_group: Option<YearGroup>,
    /// Key stage on the day asked.
    pub key_stage: Option<KeyStage>,
    /// Looked after according to the latest episode.
    pub in_care: bool,
    /// Start of the latest period in care.
    pub care_started_on: Option<NaiveDate>,
    /// Current school's URN.
    pub school_urn: Option<String>,
    /// Current school's name.
    pub school_name: Option<String>,
    /// Social worker's person id.
    pub social_worker_id: Option<String>,
    /// Social worker's name.
    pub social_worker_name: Option<String>,
    /// The headline: overdue if anything is, else due soon, else upcoming; when everything is
    /// met, the status of the last obligation due; `None` with no obligation at all.
    pub status: Option<DueStatus>,
    /// Obligations per status.
    pub counts: StatusCounts,
    /// The earliest-due obligation not yet met.
    pub next_due: Option<JudgedItem>,
    /// Some PEP has counted and nothing is overdue.
    pub has_in_date_pep: bool,
    /// The PEP reported on (the open one, else the latest).
    pub current_pep_id: Option<PepId>,
    /// The open PEP.
    pub open_pep_id: Option<PepId>,
    /// The current PEP's status.
    pub current_pep_status: Option<PepStatus>,
    /// The open PEP's required sections not complete, by the role that owns each.
    pub missing_sections: BTreeMap<Role, Vec<PepSection>>,
    /// Everything the open PEP lacks before it can be submitted.
    pub missing_for_submission: Vec<String>,
    /// The current PEP's SMART targets: set here, and carried in to review.
    pub smart_targets: TargetProgress,
    /// At least one target set and every carried-in target reviewed.
    pub smart_targets_complete: bool,
    /// The latest quality-assurance rating of any of the child's PEPs.
    pub last_quality_assurance: Option<QualityAssurance>,
    /// A PP+ request (not rejected) is linked to the current PEP.
    pub pp_plus_linked: bool,
    /// Data-quality flags the social care system owns (invalid UPN, overlapping episodes...).
    pub data_quality: serde_json::Value,
    /// Obligations that could not be dated, and inconsistent facts.
    pub schedule_problems: Vec<ScheduleProblem>,
    /// Every obligation, earliest due first, judged on the day asked.
    pub items: Vec<JudgedItem>,
}

/// One page of a cohort.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CohortPage {
    /// The day statuses were judged on.
    pub today: NaiveDate,
    /// Children matching the filter, on every page.
    pub total: u64,
    /// The page asked for.
    pub page: Page,
    /// The children on this page, most urgent first (their items are left out: ask for one
    /// child for those).
    pub children: Vec<ChildCompliance>,
}
