//! The headline figure month by month: for each of the last N months, how many children were in
//! the cohort on the month's last day (today, for the current month) and how many of them had an
//! in-date PEP. Pure over children loaded once, so a year's series costs one load, not twelve,
//! and the judging is tested without a database.
//!
//! Each day is judged as the compliance read model judges today, with
//! `domain::compliance::status_on`: a PEP met after the day has not happened yet as far as the
//! day is concerned. Two things make it a day in the past rather than today:
//!
//! - a child counts on a day when the start of their latest period in care is on or before it
//!   and they are in care now. The read model keeps no record of when a child left care, so a
//!   child who has since left is missing from every month, even those when they were looked
//!   after, and an earlier period in care before the latest one is not counted. This is a known
//!   limit of the figure;
//! - an obligation counts on a day only once it has arisen (its trigger date is on or before the
//!   day).
//!
//! The filters applied after judging (headline status, key stage, in-date PEP) are applied on
//! each day as the child stood then. The stored ones (school, social worker, PEP status, QA
//! rating) are today's values, as the read model keeps no history of them.

use super::queries::{ChildCompliance, CohortFilter, StoredChild, passes_judged_filters, standing};
use super::summary::{CohortSummary, percent};
use chrono::{Datelike, Months, NaiveDate};
use domain::calendar::{KeyStage, YearGroup};
use domain::compliance::{DueStatus, status_on};
use domain::policy::LaPolicy;
use serde::Serialize;

/// The months a series covers unless asked otherwise: a year.
pub const DEFAULT_MONTHS: u32 = 12;

/// The most months a series covers.
pub const MAX_MONTHS: u32 = 24;

/// The headline figure on one month's last day (or, for the current month, on today).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MonthlyFigure {
    /// The month, as `YYYY-MM`.
    pub month: String,
    /// The day judged: the month's last day, or today for the current month.
    pub on: NaiveDate,
    /// Children in the cohort on that day.
    pub children: u64,
    /// Of those, children with an in-date PEP on that day.
    pub with_in_date_pep: u64,
    /// `with_in_date_pep` as a percentage of `children`, to one decimal place; `None` when no
    /// child was counted.
    pub percent_with_in_date_pep: Option<f64>,
}

/// What a Virtual School dashboard opens with: the cohort's summary on today, and the headline
/// figure for each of the last months, oldest first, ending with the current month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    /// The cohort on today.
    pub summary: CohortSummary,
    /// The headline figure month by month, oldest first.
    pub monthly: Vec<MonthlyFigure>,
}

/// The days a series of `months` months judges, oldest first: each earlier month's last day,
/// then `today` for the current month. Empty for no months.
pub(super) fn month_ends(today: NaiveDate, months: u32) -> Vec<NaiveDate> {
    let Some(first_of_this_month) = today.with_day(1) else {
        return Vec::new();
    };
    (0..months)
        .rev()
        .filter_map(|back| {
            if back == 0 {
                return Some(today);
            }
            // The day before the first of the month after the one `back` months ago.
            first_of_this_month
                .checked_sub_months(Months::new(back - 1))
                .and_then(|first_of_next| first_of_next.pred_opt())
        })
        .collect()
}

/// How one child stood on one day, as the monthly figure counts them: whether they were in the
/// cohort that day, and, judged with only the obligations that had arisen by then, their
/// headline status, key stage and in-date flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct DayStanding {
    in_cohort: bool,
    status: Option<DueStatus>,
    key_stage: Option<KeyStage>,
    has_in_date_pep: bool,
}

/// How `child` stood on `day`.
pub(super) fn stood_on(child: &StoredChild, policy: &LaPolicy, day: NaiveDate) -> DayStanding {
    let record = &child.record;
    let in_cohort = record.in_care && record.care_started_on.is_some_and(|start| start <= day);
    if !in_cohort {
        return DayStanding {
            in_cohort,
            status: None,
            key_stage: None,
            has_in_date_pep: false,
        };
    }
    let standing = standing(
        child
            .items
            .iter()
            .filter(|item| item.trigger_date <= day)
            .map(|item| (item, status_on(item, day, policy))),
    );
    DayStanding {
        in_cohort,
        status: standing.status,
        key_stage: record
            .date_of_birth
            .map(|born| YearGroup::on(born, day))
            .and_then(YearGroup::key_stage),
        has_in_date_pep: standing.has_in_date_pep,
    }
}

/// The headline figure on each of `days` from how each child (their stored record, for the
/// filters that do not depend on the day) stood on them, one standing a day in the same order.
/// One pass over the children, so each child's entry is read once for all the days.
pub(super) fn figures_from<'a>(
    days: &[NaiveDate],
    filter: &CohortFilter,
    children: impl IntoIterator<Item = (&'a ChildCompliance, &'a [DayStanding])>,
) -> Vec<MonthlyFigure> {
    let mut counted = vec![0u64; days.len()];
    let mut with_in_date_pep = vec![0u64; days.len()];
    for (record, standings) in children {
        for (index, standing) in standings.iter().enumerate().take(days.len()) {
            if standing.in_cohort
                && passes_judged_filters(
                    filter,
                    record,
                    standing.status,
                    standing.key_stage,
                    standing.has_in_date_pep,
                )
            {
                counted[index] += 1;
                with_in_date_pep[index] += u64::from(standing.has_in_date_pep);
            }
        }
    }
    days.iter()
        .zip(counted.into_iter().zip(with_in_date_pep))
        .map(|(day, (counted, with_in_date_pep))| MonthlyFigure {
            month: format!("{:04}-{:02}", day.year(), day.month()),
            on: *day,
            children: counted,
            with_in_date_pep,
            percent_with_in_date_pep: percent(with_in_date_pep, counted),
        })
        .collect()
}

/// The headline figure on `day` for the children loaded.
#[cfg(test)]
fn figure_on(
    children: &[StoredChild],
    policy: &LaPolicy,
    filter: &CohortFilter,
    day: NaiveDate,
) -> MonthlyFigure {
    let standings: Vec<[DayStanding; 1]> = children
        .iter()
        .map(|child| [stood_on(child, policy, day)])
        .collect();
    figures_from(
        &[day],
        filter,
        children
            .iter()
            .zip(&standings)
            .map(|(child, standing)| (&child.record, &standing[..])),
    )
    .remove(0)
}

/// The headline figure for each of the last `months` months, oldest first.
#[cfg(test)]
fn series(
    children: &[StoredChild],
    policy: &LaPolicy,
    filter: &CohortFilter,
    today: NaiveDate,
    months: u32,
) -> Vec<MonthlyFigure> {
    month_ends(today, months)
        .into_iter()
        .map(|day| figure_on(children, policy, filter, day))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compliance::summary::tests::child;
    use domain::compliance::{DueItem, DueKind, DueStatus};
    use domain::pep::PepStatus;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn item(trigger: NaiveDate, due: NaiveDate, met: Option<NaiveDate>) -> DueItem {
        DueItem {
            kind: DueKind::InitialPep,
            care_period_started_on: date(2024, 11, 1),
            trigger_date: trigger,
            due_date: due,
            due_date_is_provisional: false,
            met_on: met,
            basis: "a test obligation".to_owned(),
        }
    }

    /// A child in care since `started`, with `items`.
    fn stored(started: NaiveDate, items: Vec<DueItem>) -> StoredChild {
        let mut record = child();
        record.care_started_on = Some(started);
        StoredChild { record, items }
    }

    fn figures(series: &[MonthlyFigure]) -> Vec<(&str, u64, u64, Option<f64>)> {
        series
            .iter()
            .map(|figure| {
                (
                    figure.month.as_str(),
                    figure.children,
                    figure.with_in_date_pep,
                    figure.percent_with_in_date_pep,
                )
            })
            .collect()
    }

    #[test]
    fn month_ends_are_each_months_last_day_then_today_oldest_first() {
        let ends = month_ends(date(2025, 3, 20), 12);
        assert_eq!(ends.len(), 12);
        assert_eq!(ends[0], date(2024, 4, 30));
        assert_eq!(ends[8], date(2024, 12, 31));
        assert_eq!(ends[9], date(2025, 1, 31));
        assert_eq!(ends[10], date(2025, 2, 28));
        assert_eq!(
            ends[11],
            date(2025, 3, 20),
            "the current month is judged on today"
        );
        assert!(ends.windows(2).all(|pair| pair[0] < pair[1]));
        assert_eq!(
            month_ends(date(2024, 3, 31), 3),
            [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)],
            "a leap February ends on the 29th"
        );
        assert_eq!(month_ends(date(2025, 3, 20), 1), [date(2025, 3, 20)]);
        assert!(month_ends(date(2025, 3, 20), 0).is_empty());
        assert_eq!(month_ends(date(2025, 3, 20), 24)[0], date(2023, 4, 30));
    }

    #[test]
    fn a_past_day_is_judged_with_only_what_had_happened_by_then() {
        let policy = LaPolicy::default();
        let all = CohortFilter::default();
        // Met on time on 14 Nov.
        let on_time = stored(
            date(2024, 11, 1),
            vec![item(
                date(2024, 11, 1),
                date(2024, 11, 15),
                Some(date(2024, 11, 14)),
            )],
        );
        // Due 15 Nov, met late on 5 Dec: overdue at the end of November.
        let late = stored(
            date(2024, 11, 1),
            vec![item(
                date(2024, 11, 1),
                date(2024, 11, 15),
                Some(date(2024, 12, 5)),
            )],
        );
        // In care from 3 Feb 2025; its PEP, due 17 Feb, is never met.
        let never = stored(
            date(2025, 2, 3),
            vec![item(date(2025, 2, 3), date(2025, 2, 17), None)],
        );
        let children = [on_time, late, never];
        let series = series(&children, &policy, &all, date(2025, 3, 20), 6);
        assert_eq!(
            figures(&series),
            [
                ("2024-10", 0, 0, None),
                ("2024-11", 2, 1, Some(50.0)),
                ("2024-12", 2, 2, Some(100.0)),
                ("2025-01", 2, 2, Some(100.0)),
                ("2025-02", 3, 2, Some(66.7)),
                ("2025-03", 3, 2, Some(66.7)),
            ]
        );
        assert_eq!(series[5].on, date(2025, 3, 20));
    }

    #[test]
    fn an_obligation_counts_only_once_it_has_arisen() {
        let policy = LaPolicy::default();
        // Met on time in November; a termly review arises on 6 January and is still open.
        let child = stored(
            date(2024, 11, 1),
            vec![
                item(
                    date(2024, 11, 1),
                    date(2024, 11, 15),
                    Some(date(2024, 11, 14)),
                ),
                item(date(2025, 1, 6), date(2025, 4, 4), None),
            ],
        );
        let upcoming = CohortFilter {
            status: Some(DueStatus::Upcoming),
            ..CohortFilter::default()
        };
        let children = [child];
        let december = figure_on(&children, &policy, &upcoming, date(2024, 12, 31));
        assert_eq!(
            december.children, 0,
            "nothing was upcoming before the review arose"
        );
        let january = figure_on(&children, &policy, &upcoming, date(2025, 1, 31));
        assert_eq!((january.children, january.with_in_date_pep), (1, 1));
    }

    #[test]
    fn children_who_have_left_care_are_never_counted() {
        let policy = LaPolicy::default();
        let mut left = stored(
            date(2024, 11, 1),
            vec![item(
                date(2024, 11, 1),
                date(2024, 11, 15),
                Some(date(2024, 11, 14)),
            )],
        );
        left.record.in_care = false;
        let mut no_start = stored(date(2024, 11, 1), Vec::new());
        no_start.record.care_started_on = None;
        let everyone = CohortFilter {
            include_left_care: true,
            ..CohortFilter::default()
        };
        let figure = figure_on(&[left, no_start], &policy, &everyone, date(2024, 12, 31));
        assert_eq!(
            (figure.children, figure.percent_with_in_date_pep),
            (0, None)
        );
    }

    #[test]
    fn the_filters_applied_after_judging_apply_on_each_day() {
        let policy = LaPolicy::default();
        let mut met = stored(
            date(2024, 11, 1),
            vec![item(
                date(2024, 11, 1),
                date(2024, 11, 15),
                Some(date(2024, 12, 5)),
            )],
        );
        met.record.current_pep_status = Some(PepStatus::Submitted);
        let children = [met];
        let not_in_date = CohortFilter {
            in_date_pep: Some(false),
            ..CohortFilter::default()
        };
        let figures_not_in_date = series(&children, &policy, &not_in_date, date(2024, 12, 20), 2);
        assert_eq!(
            figures(&figures_not_in_date),
            [("2024-11", 1, 0, Some(0.0)), ("2024-12", 0, 0, None)]
        );
        let missing = CohortFilter {
            pep_status: Some("missing".to_owned()),
            ..CohortFilter::default()
        };
        assert_eq!(
            figure_on(&children, &policy, &missing, date(2024, 12, 20)).children,
            0
        );
        let submitted = CohortFilter {
            pep_status: Some("submitted".to_owned()),
            qa_rating: Some("not_rated".to_owned()),
            ..CohortFilter::default()
        };
        assert_eq!(
            figure_on(&children, &policy, &submitted, date(2024, 12, 20)).children,
            1
        );
    }

    #[test]
    fn nothing_due_counts_a_child_only_on_the_days_no_obligation_had_arisen() {
        let policy = LaPolicy::default();
        let children = [stored(
            date(2024, 11, 1),
            vec![item(date(2024, 12, 10), date(2024, 12, 24), None)],
        )];
        let nothing_due = CohortFilter {
            nothing_due: true,
            ..CohortFilter::default()
        };
        assert_eq!(
            figures(&series(
                &children,
                &policy,
                &nothing_due,
                date(2024, 12, 20),
                2
            )),
            [("2024-11", 1, 0, Some(0.0)), ("2024-12", 0, 0, None)]
        );
    }
}
