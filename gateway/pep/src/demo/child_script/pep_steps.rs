//! The PEP steps of a demo child's script: writing sections, the meeting and its target, and
//! the next termly PEP that reviews the target carried into it.

use super::{ChildScript, context, days_after};
use crate::demo::DemoSeedError;
use crate::demo::people::{self, School};
use domain::ids::{ChildId, MeetingId, PepId, TargetId};
use domain::pep::{
    Attendee, PepCommand, PepKind, PepSection, PepTrigger, TargetHorizon, TargetOutcome,
};
use domain::{Actor, Role};

impl ChildScript<'_> {
    pub(super) async fn write_section(
        &self,
        pep_id: PepId,
        section: PepSection,
    ) -> Result<(), DemoSeedError> {
        let by = Actor::new(format!("demo-{}", section.owner()), section.owner());
        let content = format!(
            "{} for this term, agreed with the child and carer.",
            section.as_str().replace('_', " ")
        );
        self.pep(
            pep_id,
            PepCommand::DraftSection {
                based_on: None,
                section,
                content,
                by: by.clone(),
            },
            section.owner(),
        )
        .await?;
        self.pep(
            pep_id,
            PepCommand::CompleteSection {
                section,
                by,
                completed_on: self.step(3),
            },
            section.owner(),
        )
        .await
    }

    pub(super) async fn hold_meeting_and_set_target(
        &self,
        pep_id: PepId,
        school: &School,
    ) -> Result<TargetId, DemoSeedError> {
        let meeting_id = MeetingId::from_uuid(self.ids.next());
        let teacher = school.designated_teacher();
        let social_worker = people::social_worker(self.index);
        self.pep(
            pep_id,
            PepCommand::ScheduleMeeting {
                meeting_id,
                scheduled_for: self.step(4),
                invitees: vec![teacher.clone(), social_worker.clone()],
            },
            Role::DesignatedTeacher,
        )
        .await?;
        let child_attended = !self.index.is_multiple_of(5);
        self.pep(
            pep_id,
            PepCommand::HoldMeeting {
                meeting_id,
                held_on: self.step(4),
                attendees: vec![
                    Attendee {
                        person: teacher.clone(),
                        capacity: "designated teacher".to_owned(),
                    },
                    Attendee {
                        person: social_worker,
                        capacity: "social worker".to_owned(),
                    },
                ],
                child_attended,
                child_absence_reason: (!child_attended)
                    .then(|| "chose to share views through the carer".to_owned()),
            },
            Role::DesignatedTeacher,
        )
        .await?;
        let target_id = TargetId::from_uuid(self.ids.next());
        let (area, description, criterion) = people::target(self.index);
        self.pep(
            pep_id,
            PepCommand::SetTarget {
                target_id,
                area: area.to_owned(),
                description: description.to_owned(),
                success_criterion: criterion.to_owned(),
                owner: teacher,
                set_on: self.step(4),
                due_on: days_after(self.today, 60),
                horizon: TargetHorizon::ShortTerm,
                carried_from: None,
            },
            Role::DesignatedTeacher,
        )
        .await?;
        self.pep(
            pep_id,
            PepCommand::RecordChildViews {
                views: "I want to stay at my school and get better at maths.".to_owned(),
                attachments: vec![],
                in_own_words: true,
                by: Actor::new("demo-young-person", Role::YoungPerson),
                recorded_on: self.step(4),
            },
            Role::YoungPerson,
        )
        .await?;
        Ok(target_id)
    }

    /// The next termly PEP, with the signed-off PEP's target carried in and reviewed.
    pub(super) async fn open_review_pep(
        &self,
        child_id: ChildId,
        previous_target: TargetId,
    ) -> Result<(), DemoSeedError> {
        let pep_id = PepId::from_uuid(self.ids.next());
        self.handler
            .initiate_pep(
                child_id,
                pep_id,
                PepKind::Review,
                PepTrigger::TermlyReview,
                self.step(8),
                &context(Role::SocialWorker, self.ids),
            )
            .await
            .map_err(|error| DemoSeedError::Command {
                index: self.index,
                error,
            })?;
        let outcome = [
            TargetOutcome::Met,
            TargetOutcome::PartlyMet,
            TargetOutcome::NotMet,
        ][self.index % 3];
        self.pep(
            pep_id,
            PepCommand::ReviewTarget {
                target_id: previous_target,
                outcome,
                comment: Some("reviewed at the termly PEP meeting".to_owned()),
                reviewed_on: self.step(9),
            },
            Role::DesignatedTeacher,
        )
        .await
    }
}
