//! Request bodies of the PEP's commands, and how each becomes a [`PepCommand`]. The acting
//! person always comes from the bearer token, never from the body. Business dates left out
//! default to today.

use super::children::PersonBody;
use super::values::{self, ApiDate};
use crate::command::CommandEnv;
use domain::ids::{ActionId, MeetingId, TargetId};
use domain::pep::{AttachmentRef, Attendee, PepCommand, PepSection, TargetHorizon, TargetOutcome};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

pub(super) fn date_or_today(date: Option<ApiDate>, env: &CommandEnv<'_>) -> chrono::NaiveDate {
    date.map_or(env.today, |date| date.0)
}

pub(super) fn trimmed(text: String) -> String {
    text.trim().to_owned()
}

pub(super) fn non_blank(text: Option<String>) -> Option<String> {
    text.map(trimmed).filter(|text| !text.is_empty())
}

/// `PUT /peps/{pep_id}/sections/{section}`: the section's full text.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DraftSectionBody {
    /// The full text.
    pub content: String,
    /// The section's revision this text was written from (`revision` in `GET /peps/{pep_id}`;
    /// 0 for a section never drafted). When someone else has drafted the section since, the
    /// draft is refused (409 `pep.section_changed`, with `current_revision` and
    /// `current_content`) instead of overwriting their text. Left out, the draft replaces
    /// whatever is there.
    #[serde(default)]
    pub based_on_revision: Option<u32>,
}

impl DraftSectionBody {
    /// The command.
    pub fn into_command(self, section: PepSection, env: &CommandEnv<'_>) -> PepCommand {
        PepCommand::DraftSection {
            section,
            content: self.content,
            by: env.actor.clone(),
            based_on: self.based_on_revision,
        }
    }
}

/// `POST /peps/{pep_id}/sections/{section}/complete`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteSectionBody {
    /// When; today when left out.
    #[serde(default)]
    pub completed_on: Option<ApiDate>,
}

impl CompleteSectionBody {
    /// The command.
    pub fn into_command(self, section: PepSection, env: &CommandEnv<'_>) -> PepCommand {
        PepCommand::CompleteSection {
            section,
            by: env.actor.clone(),
            completed_on: date_or_today(self.completed_on, env),
        }
    }
}

/// `POST /peps/{pep_id}/meetings`: arrange a meeting.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleMeetingBody {
    /// The date.
    pub scheduled_for: ApiDate,
    /// Who is invited.
    #[serde(default)]
    pub invitees: Vec<PersonBody>,
}

impl ScheduleMeetingBody {
    /// The command, for a meeting id made at the edge.
    pub fn into_command(self, meeting_id: MeetingId) -> PepCommand {
        PepCommand::ScheduleMeeting {
            meeting_id,
            scheduled_for: self.scheduled_for.0,
            invitees: self
                .invitees
                .into_iter()
                .map(PersonBody::into_person)
                .collect(),
        }
    }
}

/// Someone at a meeting.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendeeBody {
    /// Who.
    pub person: PersonBody,
    /// In what capacity: "designated teacher", "carer", "interpreter"...
    pub capacity: String,
}

/// `POST /peps/{pep_id}/meetings/{meeting_id}/held`: the meeting took place.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldMeetingBody {
    /// The date held; today when left out.
    #[serde(default)]
    pub held_on: Option<ApiDate>,
    /// Who attended.
    pub attendees: Vec<AttendeeBody>,
    /// Whether the child took part.
    pub child_attended: bool,
    /// Why not, when they did not.
    #[serde(default)]
    pub child_absence_reason: Option<String>,
}

impl HoldMeetingBody {
    /// The command.
    pub fn into_command(self, meeting_id: MeetingId, env: &CommandEnv<'_>) -> PepCommand {
        PepCommand::HoldMeeting {
            meeting_id,
            held_on: date_or_today(self.held_on, env),
            attendees: self
                .attendees
                .into_iter()
                .map(|attendee| Attendee {
                    person: attendee.person.into_person(),
                    capacity: trimmed(attendee.capacity),
                })
                .collect(),
            child_attended: self.child_attended,
            child_absence_reason: non_blank(self.child_absence_reason),
        }
    }
}

/// A stored file, as the upload answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRefBody {
    /// The stored file's id.
    pub attachment_id: String,
    /// Its name.
    pub file_name: String,
    /// Its media type.
    pub media_type: String,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// SHA-256 of its bytes, hex.
    pub sha256: String,
}

impl From<AttachmentRef> for AttachmentRefBody {
    fn from(reference: AttachmentRef) -> Self {
        Self {
            attachment_id: reference.attachment_id,
            file_name: reference.file_name,
            media_type: reference.media_type,
            size_bytes: reference.size_bytes,
            sha256: reference.sha256,
        }
    }
}

impl From<AttachmentRefBody> for AttachmentRef {
    fn from(body: AttachmentRefBody) -> Self {
        Self {
            attachment_id: body.attachment_id,
            file_name: body.file_name,
            media_type: body.media_type,
            size_bytes: body.size_bytes,
            sha256: body.sha256,
        }
    }
}

/// `POST /peps/{pep_id}/child-views`: the child's views, in words and attachments uploaded to
/// this PEP first.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordChildViewsBody {
    /// The views in words (may be empty when attachments carry them).
    #[serde(default)]
    pub views: String,
    /// Attachments, as `POST /peps/{pep_id}/attachments` returned them.
    #[serde(default)]
    pub attachments: Vec<AttachmentRefBody>,
    /// In the child's own words.
    #[serde(default)]
    pub in_own_words: bool,
    /// When; today when left out.
    #[serde(default)]
    pub recorded_on: Option<ApiDate>,
}

impl RecordChildViewsBody {
    /// The command, with the attachments as checked against the stored files.
    pub fn into_command(self, attachments: Vec<AttachmentRef>, env: &CommandEnv<'_>) -> PepCommand {
        PepCommand::RecordChildViews {
            views: self.views,
            attachments,
            in_own_words: self.in_own_words,
            by: env.actor.clone(),
            recorded_on: date_or_today(self.recorded_on, env),
        }
    }
}

/// `POST /peps/{pep_id}/targets`: a SMART target.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetTargetBody {
    /// Area (literacy, attendance, wellbeing...).
    pub area: String,
    /// Specific: what is to be achieved.
    pub description: String,
    /// Measurable: how success is judged.
    pub success_criterion: String,
    /// Assigned to a named person.
    pub owner: PersonBody,
    /// Date set; today when left out.
    #[serde(default)]
    pub set_on: Option<ApiDate>,
    /// Time-bound: due date.
    pub due_on: ApiDate,
    /// Short or long term.
    #[schema(schema_with = values::target_horizon)]
    pub horizon: TargetHorizon,
    /// The earlier target this carries forward.
    #[serde(default)]
    pub carried_from: Option<Uuid>,
}

impl SetTargetBody {
    /// The command, for a target id made at the edge.
    pub fn into_command(self, target_id: TargetId, env: &CommandEnv<'_>) -> PepCommand {
        PepCommand::SetTarget {
            target_id,
            area: trimmed(self.area),
            description: trimmed(self.description),
            success_criterion: trimmed(self.success_criterion),
            owner: self.owner.into_person(),
            set_on: date_or_today(self.set_on, env),
            due_on: self.due_on.0,
            horizon: self.horizon,
            carried_from: self.carried_from.map(TargetId::from_uuid),
        }
    }
}

/// `POST /peps/{pep_id}/targets/{target_id}/review`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewTargetBody {
    /// The outcome.
    #[schema(schema_with = values::target_outcome)]
    pub outcome: TargetOutcome,
    /// A comment.
    #[serde(default)]
    pub comment: Option<String>,
    /// When; today when left out.
    #[serde(default)]
    pub reviewed_on: Option<ApiDate>,
}

impl ReviewTargetBody {
    /// The command.
    pub fn into_command(self, target_id: TargetId, env: &CommandEnv<'_>) -> PepCommand {
        PepCommand::ReviewTarget {
            target_id,
            outcome: self.outcome,
            comment: non_blank(self.comment),
            reviewed_on: date_or_today(self.reviewed_on, env),
        }
    }
}

/// `POST /peps/{pep_id}/actions`: an action agreed at the meeting.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgreeActionBody {
    /// What.
    pub description: String,
    /// Who does it.
    pub owner: PersonBody,
    /// When agreed; today when left out.
    #[serde(default)]
    pub agreed_on: Option<ApiDate>,
    /// By when.
    pub due_on: ApiDate,
    /// The target it serves.
    #[serde(default)]
    pub target_id: Option<Uuid>,
}

impl AgreeActionBody {
    /// The command, for an action id made at the edge.
    pub fn into_command(self, action_id: ActionId, env: &CommandEnv<'_>) -> PepCommand {
        PepCommand::AgreeAction {
            action_id,
            description: trimmed(self.description),
            owner: self.owner.into_person(),
            agreed_on: date_or_today(self.agreed_on, env),
            due_on: self.due_on.0,
            target_id: self.target_id.map(TargetId::from_uuid),
        }
    }
}

/// `POST /peps/{pep_id}/actions/{action_id}/complete`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteActionBody {
    /// When; today when left out.
    #[serde(default)]
    pub completed_on: Option<ApiDate>,
}

impl CompleteActionBody {
    /// The command.
    pub fn into_command(self, action_id: ActionId, env: &CommandEnv<'_>) -> PepCommand {
        PepCommand::CompleteAction {
            action_id,
            completed_on: date_or_today(self.completed_on, env),
        }
    }
}
