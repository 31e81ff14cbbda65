//! One demo child's history, worked out from its index alone and played through the real
//! command handler, so the demo cohort obeys every rule a live child's record does.

use super::people;
use super::{DemoIds, DemoSeedError};
use chrono::{Days, NaiveDate};
use commands::handlers::{CommandContext, CommandHandler, FundingRequest};
use domain::child::{ChildCommand, ChildDetails, Sex, Ssda903Episode};
use domain::funding::FinancialYear;
use domain::ids::{ChildId, FundingRequestId, PepId};
use domain::pep::{PepCommand, PepKind, PepSection, PepStatus, PepTrigger, QaRating};
use domain::values::{LaCode, Money, Upn};
use domain::{Actor, Role};

mod child_steps;
mod pep_steps;

/// The PEP statuses the cohort cycles through, one per child in turn.
pub const STATUS_CYCLE: [PepStatus; 7] = [
    PepStatus::NotStarted,
    PepStatus::InProgress,
    PepStatus::Ready,
    PepStatus::Submitted,
    PepStatus::Returned,
    PepStatus::QualityAssured,
    PepStatus::SignedOff,
];

/// What seeding one child produced, for the summary.
#[derive(Debug, Clone, PartialEq)]
pub struct SeededChild {
    /// The child's id.
    pub child_id: ChildId,
    /// The status of the child's latest PEP.
    pub latest_pep_status: PepStatus,
    /// A PP+ request made against the child's first PEP, for the funding pass.
    pub funding_request: Option<FundingRequest>,
    /// The date the latest PEP step was taken, so funding decisions come after it.
    pub last_step_on: NaiveDate,
}

/// Everything needed to seed one child.
pub struct ChildScript<'a> {
    pub handler: &'a CommandHandler,
    pub ids: &'a DemoIds,
    pub la: &'a LaCode,
    pub today: NaiveDate,
    pub index: usize,
    pub id_prefix: &'a str,
}

fn days_before(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_sub_days(Days::new(days)).unwrap_or(date)
}

fn days_after(date: NaiveDate, days: u64) -> NaiveDate {
    date.checked_add_days(Days::new(days)).unwrap_or(date)
}

fn context(role: Role, ids: &DemoIds) -> CommandContext {
    CommandContext::new(Actor::new(format!("demo-{role}"), role), ids.next(), "demo")
}

impl ChildScript<'_> {
    /// Late children entered care months ago and their PEP steps are spread over that time;
    /// on-time children entered care recently and moved quickly.
    fn late(&self) -> bool {
        (self.index / STATUS_CYCLE.len()).is_multiple_of(3)
    }

    fn span_days(&self) -> u64 {
        let index = self.index as u64;
        if self.late() {
            100 + (index * 7) % 120
        } else {
            20 + (index * 5) % 18
        }
    }

    fn entered_care(&self) -> NaiveDate {
        days_before(self.today, self.span_days())
    }

    /// The date `tenths` of the way from entering care to today.
    fn step(&self, tenths: u64) -> NaiveDate {
        days_after(self.entered_care(), self.span_days() * tenths / 10)
    }

    fn target_status(&self) -> PepStatus {
        STATUS_CYCLE[self.index % STATUS_CYCLE.len()]
    }

    fn details(&self) -> Result<ChildDetails, DemoSeedError> {
        let index = self.index;
        let age_years = 5 + (index * 3) % 12;
        let date_of_birth = days_before(
            self.today,
            (age_years as u64) * 365 + (index as u64 * 37) % 300,
        );
        let upn = if index % 11 == 10 {
            None
        } else {
            let tail = format!(
                "831{:04}{:02}{:03}",
                2000 + (index % 40),
                10 + age_years % 90,
                index % 1000
            );
            let letter = Upn::check_letter_for(&tail)
                .map_err(|error| DemoSeedError::Generator(error.to_string()))?;
            Some(format!("{letter}{tail}"))
        };
        Ok(ChildDetails {
            date_of_birth,
            sex: if index.is_multiple_of(2) {
                Sex::Female
            } else {
                Sex::Male
            },
            upn,
            given_name: Some(people::given_name(index).to_owned()),
            family_name: Some(people::family_name(index).to_owned()),
        })
    }

    async fn child(
        &self,
        child_id: ChildId,
        command: ChildCommand,
        role: Role,
    ) -> Result<(), DemoSeedError> {
        self.handler
            .child(child_id, command, &context(role, self.ids))
            .await
            .map(|_| ())
            .map_err(|error| DemoSeedError::Command {
                index: self.index,
                error,
            })
    }

    async fn pep(
        &self,
        pep_id: PepId,
        command: PepCommand,
        role: Role,
    ) -> Result<(), DemoSeedError> {
        self.handler
            .pep(pep_id, command, &context(role, self.ids))
            .await
            .map(|_| ())
            .map_err(|error| DemoSeedError::Command {
                index: self.index,
                error,
            })
    }

    fn episode(&self, start_date: NaiveDate, placement_change: bool) -> Ssda903Episode {
        let index = self.index;
        Ssda903Episode {
            start_date,
            reason_new_episode: if placement_change { "P" } else { "S" }.to_owned(),
            legal_status: ["C2", "C1", "V2"][index % 3].to_owned(),
            placement_type: ["U1", "U4", "K2", "R1"][(index + usize::from(placement_change)) % 4]
                .to_owned(),
            placement_provider: ["PR1", "PR4"][(index / 2) % 2].to_owned(),
            reason_place_change: placement_change.then(|| ["CARPL", "CREQO"][index % 2].to_owned()),
            end_date: None,
            reason_ceased: None,
            placement_postcode: None,
            setting_urn: None,
        }
    }

    /// The child's id in the demo LA's social care system.
    fn la_child_id(&self) -> String {
        format!("{}{:05}", self.id_prefix, self.index + 1)
    }

    /// Seeds the child and drives their PEP to its status in the cycle.
    pub async fn run(&self) -> Result<SeededChild, DemoSeedError> {
        // The record id follows from (LA, social care id), as for the feeds and the API, so a
        // feed message about a demo child finds its record. The id drawn keeps the sequence of
        // the other demo ids unchanged.
        let _ = self.ids.next();
        let child_id = pep_inbound::child_id_for(self.la, &self.la_child_id());
        let school = self.record_child(child_id).await?;
        let target = self.target_status();
        let pep_id = PepId::from_uuid(self.ids.next());
        self.handler
            .initiate_pep(
                child_id,
                pep_id,
                PepKind::Initial,
                PepTrigger::EnteredCare,
                self.step(1),
                &context(Role::SocialWorker, self.ids),
            )
            .await
            .map_err(|error| DemoSeedError::Command {
                index: self.index,
                error,
            })?;
        let mut seeded = SeededChild {
            child_id,
            latest_pep_status: target,
            funding_request: None,
            last_step_on: self.step(1),
        };
        if target == PepStatus::NotStarted {
            return Ok(seeded);
        }
        let sections: &[PepSection] = if target == PepStatus::InProgress {
            &PepSection::REQUIRED[..2]
        } else {
            &PepSection::REQUIRED
        };
        for section in sections {
            self.write_section(pep_id, *section).await?;
        }
        seeded.last_step_on = self.step(3);
        if target == PepStatus::InProgress {
            return Ok(seeded);
        }
        let target_id = self.hold_meeting_and_set_target(pep_id, &school).await?;
        let order = STATUS_CYCLE
            .iter()
            .position(|status| *status == target)
            .unwrap_or(0);
        let vs = Actor::new("demo-virtual-school", Role::VirtualSchool);
        if order >= 3 {
            self.pep(
                pep_id,
                PepCommand::Submit {
                    by: school.designated_teacher_actor(),
                    submitted_on: self.step(5),
                },
                Role::DesignatedTeacher,
            )
            .await?;
            seeded.last_step_on = self.step(5);
        }
        if target == PepStatus::Returned {
            let reason = "the SMART targets need measurable success criteria for maths".to_owned();
            self.pep(
                pep_id,
                PepCommand::Return {
                    by: vs.clone(),
                    returned_on: self.step(6),
                    reason,
                },
                Role::VirtualSchool,
            )
            .await?;
            seeded.last_step_on = self.step(6);
        }
        if order >= 5 {
            let rating = [QaRating::Green, QaRating::Green, QaRating::Amber][self.index % 3];
            self.pep(
                pep_id,
                PepCommand::QualityAssure {
                    by: vs.clone(),
                    assured_on: self.step(6),
                    rating,
                    comments: Some("a clear plan with the child's voice".to_owned()),
                },
                Role::VirtualSchool,
            )
            .await?;
            seeded.last_step_on = self.step(6);
            seeded.funding_request = Some(FundingRequest {
                request_id: FundingRequestId::from_uuid(self.ids.next()),
                pep_id,
                school_urn: school.setting()?.urn,
                target_ids: vec![target_id],
                amount: Money::from_pence(30_000 + (self.index as i64 % 10) * 10_000),
                purpose: [
                    "one-to-one reading tuition",
                    "maths tutoring",
                    "a laptop for homework",
                    "therapeutic mentoring",
                ][self.index % 4]
                    .to_owned(),
                intended_outcome: "the linked target is met by the next review".to_owned(),
                requested_on: self.step(6),
            });
        }
        if target == PepStatus::SignedOff {
            self.pep(
                pep_id,
                PepCommand::SignOff {
                    by: vs,
                    by_name: "Dr A. Adeyemi, Virtual School Head".to_owned(),
                    signed_off_on: self.step(7),
                },
                Role::VirtualSchool,
            )
            .await?;
            seeded.last_step_on = self.step(7);
            if self.index % 14 == 13 {
                self.open_review_pep(child_id, target_id).await?;
                seeded.latest_pep_status = PepStatus::InProgress;
                seeded.last_step_on = self.step(9);
            }
        }
        Ok(seeded)
    }
}

/// The financial year whose PP+ budget the demo sets.
pub fn current_year(today: NaiveDate) -> FinancialYear {
    FinancialYear::containing(today)
}
