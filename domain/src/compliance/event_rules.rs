//! The obligations events in a child's life create: placement changes, school changes and planned
//! school moves, each dated from the day it happened.

use super::due_item::DueKind;
use super::facts::ReportedChange;
use super::schedule::{Schedule, Window, day};

impl Schedule<'_> {
    pub(super) fn placement_changes(&mut self, window: &Window) {
        let deadline = self.policy.new_pep_triggers.placement_change_within;
        for change in sorted_unique(&self.facts.placement_changes) {
            // A "change" on the day care starts is the first placement, covered by the initial PEP.
            if change.occurred_on == window.started_on
                || !window.in_care_on(change.occurred_on)
                || !window.is_eligible_on(change.occurred_on)
            {
                continue;
            }
            let due = self.calendar.add_deadline(change.occurred_on, deadline);
            let basis = format!(
                "{deadline} after the placement change on {}{}",
                day(change.occurred_on),
                recorded_late(change)
            );
            self.push(
                window,
                DueKind::PlacementChangeReview,
                change.occurred_on,
                due,
                basis,
                window.eligible_until,
            );
        }
    }

    pub(super) fn school_changes(&mut self, window: &Window) {
        let deadline = self.policy.new_pep_triggers.school_change_within;
        for change in sorted_unique(&self.facts.school_changes) {
            if !window.in_care_on(change.occurred_on) || !window.is_eligible_on(change.occurred_on)
            {
                continue;
            }
            let due = self.calendar.add_deadline(change.occurred_on, deadline);
            let basis = format!(
                "{deadline} after starting at a new school on {}{}",
                day(change.occurred_on),
                recorded_late(change)
            );
            self.push(
                window,
                DueKind::SchoolChangeReview,
                change.occurred_on,
                due,
                basis,
                window.eligible_until,
            );
        }
    }

    /// A transition PEP before a planned move; only a PEP before the move itself meets it.
    pub(super) fn planned_school_moves(&mut self, window: &Window) {
        let lead = self.policy.new_pep_triggers.planned_school_move_before;
        let mut planned_moves = self.facts.planned_school_moves.clone();
        planned_moves.sort_by_key(|planned| (planned.moves_on, planned.planned_on));
        planned_moves.dedup_by_key(|planned| planned.moves_on);
        for planned in planned_moves {
            if planned.planned_on > planned.moves_on || !window.is_eligible_on(planned.moves_on) {
                continue;
            }
            let trigger = planned.planned_on.max(window.eligible_from);
            let mut basis = format!(
                "{lead} before the planned school move on {} (planned on {})",
                day(planned.moves_on),
                day(planned.planned_on)
            );
            let due = self
                .calendar
                .subtract_deadline(planned.moves_on, lead)
                .map(|due| {
                    if *due.value() < trigger {
                        basis.push_str(", but no earlier than the day it was planned");
                        due.map(|_| trigger)
                    } else {
                        due
                    }
                });
            let kind = DueKind::PlannedSchoolMoveTransition {
                moves_on: planned.moves_on,
            };
            self.push(window, kind, trigger, due, basis, planned.moves_on);
        }
    }
}

/// " (recorded 20 Mar 2025)" when a change reached PEP Ledger after the day it happened.
fn recorded_late(change: ReportedChange) -> String {
    match change.recorded_on {
        Some(recorded) if recorded > change.occurred_on => format!(" (recorded {})", day(recorded)),
        _ => String::new(),
    }
}

fn sorted_unique(changes: &[ReportedChange]) -> Vec<ReportedChange> {
    let mut changes = changes.to_vec();
    changes.sort_by_key(|change| (change.occurred_on, change.recorded_on));
    changes.dedup_by_key(|change| change.occurred_on);
    changes
}
