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
        check_page(page)?;
        queries::check_filter(filter)?;
        let snapshot = self.snapshot(database, today, DEFAULT_MONTHS).await?;
        let children = matching(&snapshot, filter)
            .filter(|entry| passes_judged(filter, &entry.judged))
            .map(|entry| &entry.judged)
            .collect();
        Ok(page_of(children, today, page))
    }

    /// The summary of the cohort matching `filter` on `today`.
    pub async fn cohort_summary(
        &self,
        database: &ReadDatabase,
        filter: &CohortFilter,
        today: NaiveDate,
    ) -> Result<CohortSummary, ProjectionError> {
        queries::check_filter(filter)?;
        let snapshot = self.snapshot(database, today, DEFAULT_MONTHS).await?;
        let children = matching(&snapshot, filter)
            .filter(|entry| passes_judged(filter, &entry.judged))
            .map(|entry| &entry.judged);
        Ok(summarise(children, today))
    }

    /// The dashboard of the cohort matching `filter`: its summary on `today`, and the headline
    /// figure (children counted, with an in-date PEP, the percentage) on the last day of each
    /// of the last `months` months, the current month judged on `today`, oldest first. Every
    /// child is judged on each of those days once, in the cohort's copy in memory, and again
    /// only when their record changes or another day is asked; see the `monthly` module for how
    /// a past day is judged and the figure's known limit (a child who has since left care is not
    /// counted in any month). `months` is 1 to [`MAX_MONTHS`].
    pub async fn dashboard(
        &self,
        database: &ReadDatabase,
        filter: &CohortFilter,
        today: NaiveDate,
        months: u32,
    ) -> Result<Dashboard, ProjectionError> {
        let (dashboard, _, _) = self
            .dashboard_with_urgent(database, filter, today, months, 1)
            .await?;
        Ok(dashboard)
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
        check_page(page)?;
        if months == 0 || months > MAX_MONTHS {
            return Err(ProjectionError::InvalidQuery(format!(
                "a monthly series covers 1 to {MAX_MONTHS} months, not {months}"
            )));
        }
        queries::check_filter(filter)?;
        let snapshot = self.snapshot(database, today, months).await?;
        let stored: Vec<&cache::Entry> = matching(&snapshot, filter).collect();
        let monthly = monthly::figures_from(
            snapshot.month_ends(months),
            filter,
            stored
                .iter()
                .map(|entry| (&entry.stored.record, entry.standings(months))),
        );
        let children: Vec<&ChildCompliance> = stored
            .iter()
            .filter(|entry| passes_judged(filter, &entry.judged))
            .map(|entry| &entry.judged)
            .collect();
        let dashboard = Dashboard {
            summary: summarise(children.iter().copied(), today),
            monthly,
        };
        let with_status = |wanted: DueStatus| {
            let matching = children
                .iter()
                .copied()
                .filter(|child| child.status == Some(wanted))
                .collect();
            page_of(matching, today, page)
        };
        let overdue = with_status(DueStatus::Overdue);
        let due_soon = with_status(DueStatus::DueSoon);
        Ok((dashboard, overdue, due_soon))
    }

    /// The cohort's copy in memory, current and judged on `today` for `months` months.
    async fn snapshot(
        &self,
        database: &ReadDatabase,
        today: NaiveDate,
        months: u32,
    ) -> Result<tokio::sync::RwLockReadGuard<'_, cache::Snapshot>, ProjectionError> {
        self.cache
            .current(database, &self.policy, today, months)
            .await
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

/// Refuses a page size outside 1 to [`Page::MAX_LIMIT`].
fn check_page(page: Page) -> Result<(), ProjectionError> {
    if page.limit == 0 || page.limit > Page::MAX_LIMIT {
        return Err(ProjectionError::InvalidQuery(format!(
            "a page holds 1 to {} children, not {}",
            Page::MAX_LIMIT,
            page.limit
        )));
    }
    Ok(())
}

/// The children in the copy passing the filters on stored columns, in id order.
fn matching<'a>(
    snapshot: &'a cache::Snapshot,
    filter: &'a CohortFilter,
) -> impl Iterator<Item = &'a cache::Entry> {
    snapshot
        .children()
        .filter(|entry| queries::passes_stored_filters(filter, &entry.stored.record))
}

/// True when a judged child passes the filters that depend on the day judged.
fn passes_judged(filter: &CohortFilter, child: &ChildCompliance) -> bool {
    queries::passes_judged_filters(
        filter,
        child,
        child.status,
        child.key_stage,
        child.has_in_date_pep,
    )
}

/// Sorts judged children most urgent first and keeps one page of them, without their items:
/// only the page's children are copied.
fn page_of(mut children: Vec<&ChildCompliance>, today: NaiveDate, page: Page) -> CohortPage {
    let total = children.len() as u64;
    // Only the children up to the page's end need their order: find them, then sort those.
    let end = usize::try_from(page.offset.saturating_add(page.limit)).unwrap_or(usize::MAX);
    if end < children.len() {
        children.select_nth_unstable_by(end, queries::by_urgency);
        children.truncate(end);
    }
    queries::sort_by_urgency(&mut children);
    let children = children
        .into_iter()
        .skip(usize::try_from(page.offset).unwrap_or(usize::MAX))
        .take(usize::try_from(page.limit).unwrap_or(usize::MAX))
        .map(|child| ChildCompliance {
            items: Vec::new(),
            ..child.clone()
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
