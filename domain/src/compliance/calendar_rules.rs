//! The obligations the school calendar creates: termly reviews, key-stage transitions and the
//! early-years transition, dated from the LA's term dates.

use super::due_item::DueKind;
use super::schedule::{Schedule, Window, day};
use crate::calendar::{AcademicYear, KeyStage, Reckoned, YearGroup};
use chrono::NaiveDate;

impl Schedule<'_> {
    /// A review in each policy term that starts while the child is in care and in range; a child
    /// who enters care mid-term is covered by their initial PEP instead.
    pub(super) fn termly_reviews(&mut self, window: &Window) {
        let terms = self.calendar.terms().terms();
        for (index, term) in terms.iter().enumerate() {
            if !self.policy.reviews.in_terms.contains(&term.term)
                || !window.is_eligible_on(term.starts)
            {
                continue;
            }
            // A review in the holiday straight after the term still counts, late; once the next
            // term starts, it is that term's review.
            let counts_until = match terms.get(index + 1) {
                Some(next) if next.academic_year <= term.academic_year.next() => {
                    next.starts.pred_opt().unwrap_or(next.starts)
                }
                _ => term.academic_year.last_day(),
            };
            let kind = DueKind::TermlyReview {
                academic_year: term.academic_year,
                term: term.term,
            };
            let basis = format!(
                "a review in the {} term {}, by its last day ({})",
                term.term,
                term.academic_year,
                day(term.ends)
            );
            self.push(
                window,
                kind,
                term.starts,
                Ok(Reckoned::Exact(term.ends)),
                basis,
                counts_until,
            );
        }
        self.report_missing_term_years(window);
    }

    /// Academic years inside the window, up to the last loaded one, whose terms are missing.
    /// Years after the last loaded one are simply not scheduled yet.
    fn report_missing_term_years(&mut self, window: &Window) {
        let Some(last_loaded) = self.calendar.terms().academic_years().last() else {
            return;
        };
        let first = AcademicYear::containing(window.eligible_from);
        let last = AcademicYear::containing(window.eligible_until).min(last_loaded);
        let mut academic_year = first;
        while academic_year <= last {
            if self.calendar.terms().terms_of(academic_year).is_err() {
                self.problem(
                    None,
                    Some(academic_year.first_day()),
                    format!(
                        "term dates for {academic_year} are not loaded, so its termly reviews cannot be scheduled"
                    ),
                );
            }
            academic_year = academic_year.next();
        }
    }

    /// A new PEP after the first day of the autumn term of each trigger year group.
    pub(super) fn key_stage_transitions(&mut self, window: &Window) {
        let triggers = &self.policy.new_pep_triggers;
        let deadline = triggers.key_stage_entry_within;
        for year_group in triggers.key_stage_entry_year_groups.clone() {
            let Some(academic_year) = year_group.academic_year_for(self.facts.date_of_birth) else {
                continue;
            };
            if !window.overlaps(academic_year) {
                continue;
            }
            let Some(first_day_of_term) = self.first_day_of_term(academic_year, 0) else {
                continue;
            };
            if !window.is_eligible_on(first_day_of_term) {
                continue;
            }
            let key_stage = year_group
                .key_stage()
                .unwrap_or(KeyStage::SixteenToNineteen);
            let due = self.calendar.add_deadline(first_day_of_term, deadline);
            let basis = format!(
                "{deadline} after starting {year_group} ({key_stage}) on the first day of the {academic_year} autumn term, {}",
                day(first_day_of_term)
            );
            self.push(
                window,
                DueKind::KeyStageTransition {
                    key_stage,
                    year_group,
                },
                first_day_of_term,
                due,
                basis,
                window.eligible_until,
            );
        }
    }

    /// A transition PEP in the summer term before Reception, by that term's last day.
    pub(super) fn early_years_transition(&mut self, window: &Window) {
        if !self
            .policy
            .new_pep_triggers
            .early_years_transition_in_summer_term
        {
            return;
        }
        let Some(reception_year) = YearGroup::Reception.academic_year_for(self.facts.date_of_birth)
        else {
            return;
        };
        let academic_year = reception_year.previous();
        if !window.overlaps(academic_year) {
            return;
        }
        let Some(summer_starts) = self.first_day_of_term(academic_year, 2) else {
            return;
        };
        if !window.is_eligible_on(summer_starts) {
            return;
        }
        let Ok(terms) = self.calendar.terms().terms_of(academic_year) else {
            return;
        };
        let summer_ends = terms[2].ends;
        let counts_until = self
            .first_day_of_term(reception_year, 0)
            .and_then(|next| next.pred_opt())
            .unwrap_or(academic_year.last_day());
        let basis = format!(
            "a transition PEP in the {academic_year} summer term before starting Reception, by its last day ({})",
            day(summer_ends)
        );
        self.push(
            window,
            DueKind::EarlyYearsTransition { academic_year },
            summer_starts,
            Ok(Reckoned::Exact(summer_ends)),
            basis,
            counts_until,
        );
    }

    /// The first day of term `index` (0 autumn, 1 spring, 2 summer) of `academic_year`. Missing
    /// term dates are a problem if later years are loaded, and simply not yet scheduled if not.
    fn first_day_of_term(
        &mut self,
        academic_year: AcademicYear,
        index: usize,
    ) -> Option<NaiveDate> {
        match self.calendar.terms().terms_of(academic_year) {
            Ok(terms) => terms.get(index).map(|term| term.starts),
            Err(error) => {
                let beyond_loaded = self
                    .calendar
                    .terms()
                    .academic_years()
                    .last()
                    .is_none_or(|last| academic_year > last);
                if !beyond_loaded {
                    self.problem(None, Some(academic_year.first_day()), error.to_string());
                }
                None
            }
        }
    }
}
