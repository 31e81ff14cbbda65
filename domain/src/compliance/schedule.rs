//! The rules that turn a child's facts into dated obligations. Each rule is one method; the
//! shared judgement (which PEP meets an obligation, when leaving care cancels one) is in `push`.
//! docs/compliance-rules.md states every rule in words.

use super::due_item::{DueDates, DueItem, DueKind, ScheduleProblem};
use super::facts::{CarePeriod, ComplianceFacts};
use crate::calendar::{AcademicYear, Calendar, CalendarError, Reckoned};
use crate::policy::{LaPolicy, PepMilestone};
use chrono::NaiveDate;

/// A child's obligations under `policy`, dated with `calendar`. Pure: the same facts, policy
/// and calendar always give the same answer, whatever the day it is asked.
pub fn due_dates(facts: &ComplianceFacts, policy: &LaPolicy, calendar: &Calendar) -> DueDates {
    let mut schedule = Schedule::new(facts, policy, calendar);
    schedule.check_facts();
    let mut periods: Vec<CarePeriod> = facts
        .care_periods
        .iter()
        .copied()
        .filter(|period| {
            period
                .ended_on
                .is_none_or(|ended| ended >= period.started_on)
        })
        .collect();
    periods.sort_by_key(|period| period.started_on);
    for period in periods {
        let Some(window) = schedule.window(period) else {
            continue;
        };
        schedule.initial_pep(&window);
        schedule.termly_reviews(&window);
        schedule.reviews_before_care_reviews(&window);
        schedule.placement_changes(&window);
        schedule.school_changes(&window);
        schedule.planned_school_moves(&window);
        schedule.key_stage_transitions(&window);
        schedule.early_years_transition(&window);
    }
    schedule.finish()
}

/// One period in care, cut down to the days the child is also inside the PEP age range.
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    pub(super) started_on: NaiveDate,
    pub(super) ended_on: Option<NaiveDate>,
    /// The first day a PEP obligation can arise: care start, or entering the age range.
    pub(super) eligible_from: NaiveDate,
    /// The last day: leaving care, or the end of the last year group in the age range.
    pub(super) eligible_until: NaiveDate,
}

impl Window {
    /// Whether `date` is inside the period in care (start and end days included).
    pub(super) fn in_care_on(&self, date: NaiveDate) -> bool {
        self.started_on <= date && self.ended_on.is_none_or(|ended| date <= ended)
    }

    pub(super) fn is_eligible_on(&self, date: NaiveDate) -> bool {
        self.eligible_from <= date && date <= self.eligible_until
    }

    /// Whether any eligible day falls in `academic_year` (checked before asking for its terms,
    /// so years the child was not in care never count as missing term dates).
    pub(super) fn overlaps(&self, academic_year: AcademicYear) -> bool {
        self.eligible_from <= academic_year.last_day()
            && academic_year.first_day() <= self.eligible_until
    }
}

pub(super) struct Schedule<'a> {
    pub(super) facts: &'a ComplianceFacts,
    pub(super) policy: &'a LaPolicy,
    pub(super) calendar: &'a Calendar,
    /// The measured date of every PEP that has one, in order.
    milestones: Vec<NaiveDate>,
    items: Vec<DueItem>,
    problems: Vec<ScheduleProblem>,
}

/// "1 Nov 2024": how dates read in a basis sentence.
pub(super) fn day(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

impl<'a> Schedule<'a> {
    fn new(facts: &'a ComplianceFacts, policy: &'a LaPolicy, calendar: &'a Calendar) -> Self {
        let mut milestones: Vec<NaiveDate> = facts
            .peps
            .iter()
            .filter_map(|pep| match policy.pep_counts_from {
                PepMilestone::MeetingHeld => pep.meeting_held_on,
                PepMilestone::Completed => pep.completed_on,
            })
            .collect();
        milestones.sort();
        Self {
            facts,
            policy,
            calendar,
            milestones,
            items: Vec::new(),
            problems: Vec::new(),
        }
    }

    pub(super) fn problem(
        &mut self,
        kind: Option<DueKind>,
        trigger_date: Option<NaiveDate>,
        description: String,
    ) {
        let problem = ScheduleProblem {
            kind,
            trigger_date,
            description,
        };
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
        }
    }

    /// Facts that cannot all be true are reported, never silently dropped.
    fn check_facts(&mut self) {
        let facts = self.facts;
        let mut periods = facts.care_periods.clone();
        periods.sort_by_key(|period| period.started_on);
        for period in &periods {
            if let Some(ended) = period.ended_on.filter(|ended| *ended < period.started_on) {
                self.problem(
                    None,
                    Some(period.started_on),
                    format!(
                        "the period in care starting {} ends earlier, on {}; it is ignored",
                        day(period.started_on),
                        day(ended)
                    ),
                );
            }
        }
        for pair in periods.windows(2) {
            if pair[0]
                .ended_on
                .is_none_or(|ended| ended >= pair[1].started_on)
            {
                self.problem(
                    None,
                    Some(pair[1].started_on),
                    format!(
                        "the periods in care starting {} and {} overlap",
                        day(pair[0].started_on),
                        day(pair[1].started_on)
                    ),
                );
            }
        }
        let in_some_period = |date: NaiveDate| {
            periods.iter().any(|period| {
                period.started_on <= date && period.ended_on.is_none_or(|ended| date <= ended)
            })
        };
        for (what, changes) in [
            ("placement change", &facts.placement_changes),
            ("school change", &facts.school_changes),
        ] {
            for change in changes
                .iter()
                .filter(|change| !in_some_period(change.occurred_on))
            {
                self.problem(
                    None,
                    Some(change.occurred_on),
                    format!(
                        "a {what} on {} is outside every period in care; it makes no PEP due",
                        day(change.occurred_on)
                    ),
                );
            }
        }
        for planned in &facts.planned_school_moves {
            if planned.planned_on > planned.moves_on {
                self.problem(
                    None,
                    Some(planned.planned_on),
                    format!(
                        "a school move on {} is recorded as planned later, on {}",
                        day(planned.moves_on),
                        day(planned.planned_on)
                    ),
                );
            }
        }
    }

    fn window(&self, period: CarePeriod) -> Option<Window> {
        let date_of_birth = self.facts.date_of_birth;
        let range = self.policy.age_range;
        // Validation keeps the first year group at two-year-olds or later, so both ends exist;
        // the fallbacks only keep this total.
        let age_from = range
            .first_year_group
            .starts_on(date_of_birth)
            .unwrap_or(date_of_birth);
        let age_until = range
            .last_year_group
            .academic_year_for(date_of_birth)
            .map_or(NaiveDate::MAX, |academic_year| academic_year.last_day());
        let eligible_from = period.started_on.max(age_from);
        let eligible_until = period.ended_on.unwrap_or(NaiveDate::MAX).min(age_until);
        (eligible_from <= eligible_until).then_some(Window {
            started_on: period.started_on,
            ended_on: period.ended_on,
            eligible_from,
            eligible_until,
        })
    }

    /// Records one obligation. Only a PEP measured on or after `trigger` and on or before
    /// `counts_until` (and while eligible) meets it. An unmet obligation falling due after the
    /// child left care or the age range is dropped: it was never owed.
    pub(super) fn push(
        &mut self,
        window: &Window,
        kind: DueKind,
        trigger: NaiveDate,
        due: Result<Reckoned<NaiveDate>, CalendarError>,
        basis: String,
        counts_until: NaiveDate,
    ) {
        let due = match due {
            Ok(due) => due,
            Err(error) => {
                let description = format!("{kind} from {} cannot be dated: {error}", day(trigger));
                self.problem(Some(kind), Some(trigger), description);
                return;
            }
        };
        let last_counting_day = counts_until.min(window.eligible_until);
        let met_on = self
            .milestones
            .iter()
            .copied()
            .find(|date| trigger <= *date && *date <= last_counting_day);
        let due_date = *due.value();
        if due_date > window.eligible_until && met_on.is_none() {
            return;
        }
        let basis = match due.first_unknown_day() {
            None => basis,
            Some(unknown) => format!(
                "{basis} (provisional: bank holidays from {} are not loaded yet)",
                day(unknown)
            ),
        };
        self.items.push(DueItem {
            kind,
            care_period_started_on: window.started_on,
            trigger_date: trigger,
            due_date,
            due_date_is_provisional: !due.is_exact(),
            met_on,
            basis,
        });
    }

    fn initial_pep(&mut self, window: &Window) {
        let trigger = window.eligible_from;
        let deadline = self.policy.initial_pep.due_within;
        let reason = if trigger == window.started_on {
            format!("entering care on {}", day(trigger))
        } else {
            format!(
                "reaching the PEP age range ({}) on {}, in care since {}",
                self.policy.age_range.first_year_group,
                day(trigger),
                day(window.started_on)
            )
        };
        let due = self.calendar.add_deadline(trigger, deadline);
        self.push(
            window,
            DueKind::InitialPep,
            trigger,
            due,
            format!("{deadline} after {reason}"),
            window.eligible_until,
        );
    }

    /// Care-plan reviews: the first within 20 working days of entering care, the second within 3
    /// months of the first, then every 6 months (policy values), each dated from the previous
    /// review as actually held. The schedule runs to the first review not yet held.
    fn reviews_before_care_reviews(&mut self, window: &Window) {
        let rule = self.policy.care_plan_reviews;
        let mut held: Vec<NaiveDate> = self
            .facts
            .care_reviews_held
            .iter()
            .copied()
            .filter(|date| window.in_care_on(*date))
            .collect();
        held.sort();
        held.dedup();
        let mut previous: Option<NaiveDate> = None;
        for number in 1..=u32::try_from(held.len() + 1).unwrap_or(u32::MAX) {
            let (statutory_deadline, from, from_text) = match (number, previous) {
                (1, _) | (_, None) => (
                    rule.first_within,
                    window.started_on,
                    format!("entering care on {}", day(window.started_on)),
                ),
                (2, Some(previous)) => (
                    rule.second_within,
                    previous,
                    format!("care review 1 on {}", day(previous)),
                ),
                (_, Some(previous)) => (
                    rule.subsequent_within,
                    previous,
                    format!("care review {} on {}", number - 1, day(previous)),
                ),
            };
            let care_review_due = match self.calendar.add_deadline(from, statutory_deadline) {
                Ok(due) => due.into_value(),
                Err(error) => {
                    self.problem(
                        None,
                        Some(from),
                        format!("care review {number} cannot be dated: {error}"),
                    );
                    return;
                }
            };
            let held_on = held
                .get(usize::try_from(number - 1).unwrap_or(usize::MAX))
                .copied();
            let review_date = held_on.unwrap_or(care_review_due);
            if window.is_eligible_on(review_date) {
                let trigger = previous
                    .unwrap_or(window.started_on)
                    .max(window.eligible_from);
                let lead = rule.pep_to_iro_before;
                let review_text = match held_on {
                    Some(held_on) => format!("held on {}", day(held_on)),
                    None => format!("due by {}", day(care_review_due)),
                };
                let mut basis = format!(
                    "{lead} before care review {number} ({review_text}; due {statutory_deadline} after {from_text})"
                );
                let due = self
                    .calendar
                    .subtract_deadline(review_date, lead)
                    .map(|due| {
                        if *due.value() < trigger {
                            basis.push_str(", but no earlier than the previous review");
                            due.map(|_| trigger)
                        } else {
                            due
                        }
                    });
                let kind = DueKind::ReviewBeforeCareReview {
                    care_review_number: number,
                    care_review_due,
                    care_review_held_on: held_on,
                };
                self.push(window, kind, trigger, due, basis, review_date);
            }
            match held_on {
                Some(held_on) => previous = Some(held_on),
                None => return,
            }
        }
    }

    fn finish(mut self) -> DueDates {
        self.items
            .sort_by_key(|item| (item.due_date, item.trigger_date));
        DueDates {
            items: self.items,
            problems: self.problems,
        }
    }
}
