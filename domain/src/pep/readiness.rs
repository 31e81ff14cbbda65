//! What a PEP still lacks before the designated teacher can send it to the Virtual School for
//! quality assurance: one rule, here, so the decider's refusal of `Submit` and the compliance
//! read model's "missing sections" and "missing for submission" can never disagree.
//!
//! - Every section of [`PepSection::REQUIRED`] is complete (has a completion date; a redraft
//!   clears it).
//! - A PEP meeting has been held.
//! - At least one SMART target has been set in this PEP (carried-in targets do not count).
//! - The child's views are recorded, as views or as the completed views section.

use super::state::PepState;
use super::types::PepSection;

impl PepState {
    /// The required sections not yet complete, in [`PepSection::REQUIRED`] order.
    pub fn incomplete_required_sections(&self) -> Vec<PepSection> {
        PepSection::REQUIRED
            .into_iter()
            .filter(|section| !self.section_is_complete(*section))
            .collect()
    }

    /// What still stops submission, in words a user can act on; empty when ready.
    pub fn missing_for_submission(&self) -> Vec<String> {
        let mut missing: Vec<String> = self
            .incomplete_required_sections()
            .into_iter()
            .map(|section| format!("section {} is not complete", section.as_str()))
            .collect();
        if !self
            .meetings
            .values()
            .any(|meeting| meeting.held_on.is_some())
        {
            missing.push("no PEP meeting has been held".to_owned());
        }
        if !self.targets.values().any(|target| target.set_here) {
            missing.push("no SMART target has been set".to_owned());
        }
        if self.child_views.is_empty() && !self.section_is_complete(PepSection::ChildViews) {
            missing.push("the child's views have not been recorded".to_owned());
        }
        missing
    }

    /// A section counts as complete while it carries a completion date.
    fn section_is_complete(&self, section: PepSection) -> bool {
        self.sections
            .get(&section)
            .is_some_and(|state| state.completed_on.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pep::SectionState;
    use chrono::NaiveDate;

    fn with_sections(sections: &[(PepSection, bool)]) -> PepState {
        let mut pep = PepState::default();
        for (section, complete) in sections {
            pep.sections.insert(
                *section,
                SectionState {
                    content: "written".to_owned(),
                    completed_on: complete.then(|| NaiveDate::from_ymd_opt(2025, 1, 6).unwrap()),
                    revision: 1,
                },
            );
        }
        pep
    }

    #[test]
    fn a_required_section_counts_only_once_completed() {
        let pep = with_sections(&[
            (PepSection::EducationHistory, true),
            (PepSection::CurrentArrangements, false),
        ]);
        assert_eq!(
            pep.incomplete_required_sections(),
            vec![
                PepSection::CurrentArrangements,
                PepSection::AttendanceAndConduct,
                PepSection::AttainmentAndProgress,
                PepSection::CareContext,
            ]
        );
    }

    #[test]
    fn optional_sections_are_never_missing_but_the_views_section_stands_in_for_views() {
        let all_required: Vec<(PepSection, bool)> = PepSection::REQUIRED
            .into_iter()
            .map(|section| (section, true))
            .collect();
        let pep = with_sections(&all_required);
        assert!(pep.incomplete_required_sections().is_empty());
        assert_eq!(
            pep.missing_for_submission(),
            vec![
                "no PEP meeting has been held".to_owned(),
                "no SMART target has been set".to_owned(),
                "the child's views have not been recorded".to_owned(),
            ]
        );
        let mut with_views_section = all_required;
        with_views_section.push((PepSection::ChildViews, true));
        assert!(
            !with_sections(&with_views_section)
                .missing_for_submission()
                .contains(&"the child's views have not been recorded".to_owned())
        );
    }
}
