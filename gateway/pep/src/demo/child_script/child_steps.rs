//! The child-record steps of a demo child's script: registration, care episodes, the school and
//! the people around the child, a school move and any exclusion, each through the real command
//! handler.

use super::{ChildScript, days_before};
use crate::demo::DemoSeedError;
use crate::demo::people::{self, School};
use domain::Role;
use domain::child::{AssignedRole, ChildCommand, ExclusionKind, LeavingReason, Ssda903Episode};
use domain::ids::ChildId;

impl ChildScript<'_> {
    /// Registers the child, their care episodes, school, people, and any exclusion.
    pub(super) async fn record_child(&self, child_id: ChildId) -> Result<School, DemoSeedError> {
        let index = self.index;
        self.child(
            child_id,
            ChildCommand::Register {
                child_id,
                la: self.la.clone(),
                la_child_id: self.la_child_id(),
                details: self.details()?,
            },
            Role::Integration,
        )
        .await?;
        let entered = self.entered_care();
        let first = self.episode(entered, false);
        self.child(
            child_id,
            ChildCommand::RecordEpisode {
                episode: first.clone(),
            },
            Role::Integration,
        )
        .await?;
        if index % 4 == 1 {
            let moved_on = self.step(5);
            let closed = Ssda903Episode {
                end_date: Some(moved_on),
                reason_ceased: Some("X1".to_owned()),
                ..first
            };
            self.child(
                child_id,
                ChildCommand::RecordEpisode { episode: closed },
                Role::Integration,
            )
            .await?;
            self.child(
                child_id,
                ChildCommand::RecordEpisode {
                    episode: self.episode(moved_on, true),
                },
                Role::Integration,
            )
            .await?;
        }
        let school = people::school(index);
        self.child(
            child_id,
            ChildCommand::ChangeEducationSetting {
                setting: school.setting()?,
                // Most children were already at this school before they came into care.
                started_on: days_before(entered, 150 + (index as u64 * 11) % 500),
                leaving_reason: None,
                leaving_detail: None,
            },
            Role::Integration,
        )
        .await?;
        let assignments = [
            (AssignedRole::SocialWorker, people::social_worker(index)),
            (AssignedRole::DesignatedTeacher, school.designated_teacher()),
            (AssignedRole::Iro, people::iro(index)),
        ];
        for (role, person) in assignments {
            self.child(
                child_id,
                ChildCommand::AssignPerson {
                    role,
                    person,
                    from: entered,
                },
                Role::SocialWorker,
            )
            .await?;
        }
        if index % 13 == 4 {
            self.child(
                child_id,
                ChildCommand::RecordExclusion {
                    kind: ExclusionKind::Suspension,
                    start_date: self.step(4),
                    days: Some(2 + (index % 3) as u32),
                    reason: "persistent disruptive behaviour".to_owned(),
                },
                Role::DesignatedTeacher,
            )
            .await?;
        }
        if index % 9 == 3 {
            let next = people::school(index + 7);
            self.child(
                child_id,
                ChildCommand::ChangeEducationSetting {
                    setting: next.setting()?,
                    started_on: self.step(6),
                    leaving_reason: Some(if index.is_multiple_of(2) {
                        LeavingReason::ManagedMove
                    } else {
                        LeavingReason::PlacementMove
                    }),
                    leaving_detail: Some("agreed at the care planning meeting".to_owned()),
                },
                Role::SocialWorker,
            )
            .await?;
            self.child(
                child_id,
                ChildCommand::AssignPerson {
                    role: AssignedRole::DesignatedTeacher,
                    person: next.designated_teacher(),
                    from: self.step(6),
                },
                Role::SocialWorker,
            )
            .await?;
            return Ok(next);
        }
        Ok(school)
    }
}
