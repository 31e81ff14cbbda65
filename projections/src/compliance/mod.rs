//! The Virtual School's compliance read model: per child, every PEP obligation with its due date
//! and the day it was met, plus the open PEP's progress and the flags a dashboard needs.
//!
//! Due dates are computed when facts change, with the LA policy and calendar given to the
//! projector at construction (the gateway loads them as reference data), and stored. Status
//! depends on "today", so it is never stored: every query judges the stored items with
//! `domain::compliance::status_on` on the day asked, and the view is right tomorrow without a new
//! event. Changing the policy or loading newer bank holidays or term dates needs a rebuild.
//!
//! Tables (see [`schema`]): `compliance_children`, `compliance_due_items`, `compliance_peps`,
//! `compliance_funding_requests`. docs/compliance-rules.md states the rules.

mod apply;
mod cache;
mod child_record;
mod data_quality;
mod monthly;
mod queries;
pub mod schema;
mod stored_pep;
mod stored_rows;
mod summary;

pub use cache::CohortCache;
pub use child_record::QualityAssurance;
pub use data_quality::{DataQualityRow, data_quality};
pub use monthly::{DEFAULT_MONTHS, Dashboard, MAX_MONTHS, MonthlyFigure};
pub use queries::{ChildCompliance, CohortFilter, CohortPage, JudgedItem, Page};
pub use stored_pep::TargetProgress;
pub use summary::{
    CohortSummary, GroupSummary, MISSING_PEP, NOT_RATED, NOT_RECORDED, PEP_STATUS_KEYS,
    QA_RATING_KEYS, pep_status_key, qa_rating_key, status_key, summarise,
};

use crate::db::ReadDatabase;
use crate::runtime::{ProjectionError, Projector, TableNames};
use async_trait::async_trait;
use chrono::NaiveDate;
use domain::calendar::Calendar;
use domain::compliance::DueStatus;
use domain::envelope::RecordedEvent;
use domain::ids::ChildId;
use domain::policy::LaPolicy;
use std::sync::Arc;

/// The compliance projector, with the reference data its due dates are computed with.
#[derive(Debug, Clone)]
pub struct ComplianceProjector {
    policy: LaPolicy,
    calendar: Calendar,
    /// The cohort in memory, shared by every clone (see [`CohortCache`]).
    cache: Arc<CohortCache>,
}

impl ComplianceProjector {
    /// The checkpoint key.
    pub const NAME: &'static str = "compliance";

    /// A projector dating obligations under `policy` with `calendar`.
    pub fn new(policy: LaPolicy, calendar: Calendar) -> Self {
        Self {
            policy,
            calendar,
            cache: Arc::new(CohortCache::default()),
        }
    }

    /// The policy due dates and statuses follow.
    pub fn policy(&self) -> &LaPolicy {
        &self.policy
    }

    /// The calendar due dates are counted with.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// One page of the cohort matching `filter`, judged on `today`, most urgent first.
    pub async fn cohort(
        &self,
        database: &ReadDatabase,
        filter: &CohortFilter,
        today: NaiveDate,
        page: Page,
    ) -> Result<CohortPage, ProjectionError> {
        if page.limit == 0 || page.limit > Page::MAX_LIMIT {
            return Err(ProjectionError::InvalidQuery(format!(
                "a page holds 1 to {} children, not {}",
                Page::MAX_LIMIT,
                page.limit
            )));
        }
        let children = self.judged(database, filter, today).await?;
        Ok(page_of(children, today, page))
    }

    /// The summary of the cohort matching `filter` on `today`.
    pub async fn cohort_summary(
        &self,
        database: &ReadDatabase,
        filter: &CohortFilter,
        today: NaiveDate,
    ) -> Result<CohortSummary, ProjectionError> {
        let children = self.judged(database, filter, today).await?;
        Ok(summarise(&children, today))
    }

    /// The dashboard of the cohort matching `filter`: its summary on `today`, and the headline
    /// figure (children counted, with an in-date PEP, the percentage) on the last day of each
    /// of the last `months` months, the current month judged on `today`, oldest first. The
    /// children and their obligations are loaded once and judged on every day in memory; see
    /// the `monthly` module for how a past day is judged and the figure's known limit (a child
    /// who has since left care is not counted in any month). `months` is 1 to [`MAX_MONTHS`].
    pub async fn dashboard(
        &self,
        database: &ReadDatabase,
        filter: &CohortFilter,
        today: NaiveDate,
        months: u32,
    ) -> Result<Dashboard, ProjectionError> {
        let (dashboard, _) = self
            .dashboard_and_children(database, filter, today, months)
            .await?;
        Ok(dashboard)
    }

    /// The dashboard, and the judged children its summary counts.
    async fn dashboard_and_children(
        &self,
        database: &ReadDatabase,
        filter: &CohortFilter,
        today: NaiveDate,
        months: u32,
    ) -> Result<(Dashboard, Vec<ChildCompliance>), ProjectionError> {
        if months == 0 || months > MAX_MONTHS {
            return Err(ProjectionError::InvalidQuery(format!(
                "a monthly series covers 1 to {MAX_MONTHS} months, not {months}"
            )));
        }
        queries::check_filter(filter)?;
        let snapshot = self.cache.current(database).await?;
        let stored: Vec<&queries::StoredChild> = snapshot
            .children()
            .filter(|child| queries::passes_stored_filters(filter, &child.record))
            .collect();
        let monthly = monthly::series(&stored, &self.policy, filter, today, months);
        let children = queries::judge_matching(stored, &self.policy, filter, today);
        let dashboard = Dashboard {
            summary: summarise(&children, today),
            monthly,
        };
        Ok((dashboard, children))
    }

    /// The children matching `filter`, from the cohort's copy in memory, judged on `today`, in
    /// id order.
    async fn judged(
        &self,
        database: &ReadDatabase,
        filter: &CohortFilter,
        today: NaiveDate,
    ) -> Result<Vec<ChildCompliance>, ProjectionError> {
        queries::check_filter(filter)?;
        let snapshot = self.cache.current(database).await?;
        Ok(queries::judge_matching(
            snapshot
                .children()
                .filter(|child| queries::passes_stored_filters(filter, &child.record)),
            &self.policy,
            filter,
            today,
        ))
    }

    /// What the Virtual School dashboard page shows, from one judging of the cohort: the
    /// [`Self::dashboard`], and the first `shown` overdue and due-soon children, most urgent
    /// first, as [`Self::cohort`] with that status would page them.
    pub async fn dashboard_with_urgent(
        &self,
        database: &ReadDatabase,
        filter: &CohortFilter,
        today: NaiveDate,
        months: u32,
        shown: u64,
    ) -> Result<(Dashboard, CohortPage, CohortPage), ProjectionError> {
        let page = Page::first(shown);
        if page.limit == 0 || page.limit > Page::MAX_LIMIT {
            return Err(ProjectionError::InvalidQuery(format!(
                "a page holds 1 to {} children, not {shown}",
                Page::MAX_LIMIT
            )));
        }
        let (dashboard, children) = self
            .dashboard_and_children(database, filter, today, months)
            .await?;
        let with_status = |wanted: DueStatus| {
            let matching = children
                .iter()
                .filter(|child| child.status == Some(wanted))
                .cloned()
                .collect();
            page_of(matching, today, page)
        };
        let overdue = with_status(DueStatus::Overdue);
        let due_soon = with_status(DueStatus::DueSoon);
        Ok((dashboard, overdue, due_soon))
    }

    /// One child's compliance on `today`, with every obligation; `None` for an unknown child.
    /// Children who have left care are included.
    pub async fn child(
        &self,
        database: &ReadDatabase,
        child_id: ChildId,
        today: NaiveDate,
    ) -> Result<Option<ChildCompliance>, ProjectionError> {
        let filter = CohortFilter {
            include_left_care: true,
            ..CohortFilter::default()
        };
        let mut children =
            queries::load_judged(database, &self.policy, &filter, Some(child_id), today).await?;
        Ok(children.pop())
    }
}

/// Sorts judged children most urgent first and keeps one page of them, without their items.
fn page_of(mut children: Vec<ChildCompliance>, today: NaiveDate, page: Page) -> CohortPage {
    queries::sort_by_urgency(&mut children);
    let total = children.len() as u64;
    let children = children
        .into_iter()
        .skip(usize::try_from(page.offset).unwrap_or(usize::MAX))
        .take(usize::try_from(page.limit).unwrap_or(usize::MAX))
        .map(|mut child| {
            child.items.clear();
            child
        })
        .collect();
    CohortPage {
        today,
        total,
        page,
        children,
    }
}

#[async_trait]
impl Projector for ComplianceProjector {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn tables(&self) -> &'static [&'static str] {
        schema::TABLES
    }

    fn create_tables(&self, tables: &TableNames) -> Vec<String> {
        schema::create_tables(tables)
    }

    async fn apply(
        &self,
        tx: &mut sqlx::AnyConnection,
        tables: &TableNames,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let rules = apply::Rules {
            policy: &self.policy,
            calendar: &self.calendar,
        };
        apply::apply_event(&rules, tx, tables, event).await
    }
}
