//! Commands on a PEP's content: sections, meetings, the child's views, targets and actions
//! (the workflow is in [`super::pep_workflow`]). Which role may write which section is the
//! domain's rule; a refusal answers 403 with type `forbidden-by-rule`.

use super::run_pep_command;
use crate::access;
use crate::command::{CommandEnv, Created, path_id, respond};
use crate::dto::peps::{
    AgreeActionBody, CompleteActionBody, CompleteSectionBody, DraftSectionBody, HoldMeetingBody,
    RecordChildViewsBody, ReviewTargetBody, ScheduleMeetingBody, SetTargetBody,
};
use crate::extract::{Caller, read_json};
use crate::problem::{ApiError, FieldError};
use crate::response::{CommandAccepted, CommandResponse};
use crate::state::AppState;
use axum::body::Body;
use axum::extract::{Path, State};
use domain::ids::{ActionId, MeetingId, PepId, TargetId};
use domain::pep::{AttachmentRef, PepSection};
use pep_auth::Operation;

/// Parses a section's wire name from the path.
fn section(text: &str) -> Result<PepSection, ApiError> {
    serde_json::from_value(serde_json::Value::String(text.to_owned())).map_err(|_| {
        let names: Vec<&str> = PepSection::ALL.iter().map(PepSection::as_str).collect();
        ApiError::field(
            "path.section",
            format!(
                "{text:?} is not a PEP section; use one of {}",
                names.join(", ")
            ),
        )
    })
}

/// Writes (or rewrites) a section. The section's owner and Virtual School advisers may draft it.
#[utoipa::path(
    put,
    path = "/api/v1/peps/{pep_id}/sections/{section}",
    tag = "peps",
    params(
        ("pep_id" = uuid::Uuid, Path, description = "The PEP"),
        ("section" = String, Path, description = "The section, such as education_history"),
    ),
    request_body = DraftSectionBody,
    responses((status = 200, description = "Drafted (or unchanged)", body = CommandAccepted))
)]
pub async fn draft_section(
    State(state): State<AppState>,
    Path((pep_id, section_name)): Path<(String, String)>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    let section = section(&section_name)?;
    run_pep_command(
        &state,
        &caller,
        Operation::DraftSection,
        &pep_id,
        body,
        |body: DraftSectionBody, env| Ok((body.into_command(section, env), Created::Nothing)),
    )
    .await
}

/// Marks a section complete. Only the section's owner may.
#[utoipa::path(
    post,
    path = "/api/v1/peps/{pep_id}/sections/{section}/complete",
    tag = "peps",
    params(
        ("pep_id" = uuid::Uuid, Path, description = "The PEP"),
        ("section" = String, Path, description = "The section, such as education_history"),
    ),
    request_body = CompleteSectionBody,
    responses((status = 200, description = "Completed", body = CommandAccepted))
)]
pub async fn complete_section(
    State(state): State<AppState>,
    Path((pep_id, section_name)): Path<(String, String)>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    let section = section(&section_name)?;
    run_pep_command(
        &state,
        &caller,
        Operation::CompleteSection,
        &pep_id,
        body,
        |body: CompleteSectionBody, env| Ok((body.into_command(section, env), Created::Nothing)),
    )
    .await
}

/// Arranges a PEP meeting; the answer carries the meeting's id.
#[utoipa::path(
    post,
    path = "/api/v1/peps/{pep_id}/meetings",
    tag = "peps",
    params(("pep_id" = uuid::Uuid, Path, description = "The PEP")),
    request_body = ScheduleMeetingBody,
    responses((status = 201, description = "Scheduled", body = CommandAccepted))
)]
pub async fn schedule_meeting(
    State(state): State<AppState>,
    Path(pep_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_pep_command(
        &state,
        &caller,
        Operation::ScheduleMeeting,
        &pep_id,
        body,
        |body: ScheduleMeetingBody, env| {
            let meeting_id = MeetingId::from_uuid(env.new_id("meeting"));
            Ok((
                body.into_command(meeting_id),
                Created::Meeting(meeting_id.as_uuid()),
            ))
        },
    )
    .await
}

/// Records that a meeting took place, who attended, and whether the child took part.
#[utoipa::path(
    post,
    path = "/api/v1/peps/{pep_id}/meetings/{meeting_id}/held",
    tag = "peps",
    params(
        ("pep_id" = uuid::Uuid, Path, description = "The PEP"),
        ("meeting_id" = uuid::Uuid, Path, description = "The meeting"),
    ),
    request_body = HoldMeetingBody,
    responses((status = 200, description = "Recorded", body = CommandAccepted))
)]
pub async fn hold_meeting(
    State(state): State<AppState>,
    Path((pep_id, meeting_id)): Path<(String, String)>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    let meeting_id: MeetingId = path_id("meeting_id", &meeting_id)?;
    run_pep_command(
        &state,
        &caller,
        Operation::HoldMeeting,
        &pep_id,
        body,
        |body: HoldMeetingBody, env| Ok((body.into_command(meeting_id, env), Created::Nothing)),
    )
    .await
}

/// Records the child's views, in words and in attachments uploaded to this PEP beforehand
/// (`POST /api/v1/peps/{pep_id}/attachments`). Each attachment reference must be exactly as the
/// upload returned it.
#[utoipa::path(
    post,
    path = "/api/v1/peps/{pep_id}/child-views",
    tag = "peps",
    params(("pep_id" = uuid::Uuid, Path, description = "The PEP")),
    request_body = RecordChildViewsBody,
    responses((status = 200, description = "Recorded", body = CommandAccepted))
)]
pub async fn record_child_views(
    State(state): State<AppState>,
    Path(pep_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    let pep_id: PepId = path_id("pep_id", &pep_id)?;
    access::pep_in_reach(
        &state,
        &caller.principal,
        Operation::RecordChildViews,
        pep_id,
    )
    .await?;
    let input = read_json::<RecordChildViewsBody>(&state, &caller, body).await?;
    let attachments = stored_attachments(&state, pep_id, &input.value).await?;
    let env = CommandEnv::new(&state, &caller, &input.fingerprint);
    let command = input.value.into_command(attachments, &env);
    let outcome = state
        .commands()
        .pep(pep_id, command, &caller.context(&input.fingerprint))
        .await?;
    Ok(respond(
        &state,
        outcome,
        &pep_id.stream_id(),
        Created::Nothing,
    ))
}

/// Checks every attachment reference against the file stored for this PEP, so an event can
/// never name a file (or a hash) that was not uploaded.
async fn stored_attachments(
    state: &AppState,
    pep_id: PepId,
    body: &RecordChildViewsBody,
) -> Result<Vec<AttachmentRef>, ApiError> {
    let mut errors = Vec::new();
    let mut references = Vec::new();
    for (index, sent) in body.attachments.iter().enumerate() {
        let path = format!("attachments[{index}]");
        let Ok(attachment_id) = uuid::Uuid::parse_str(&sent.attachment_id) else {
            errors.push(FieldError {
                path: format!("{path}.attachment_id"),
                message: format!("{:?} is not an attachment id", sent.attachment_id),
            });
            continue;
        };
        match state.records().attachment(attachment_id).await? {
            Some(stored) if stored.pep_id == pep_id => {
                let sent_reference = AttachmentRef::from(sent.clone());
                if sent_reference == stored.reference {
                    references.push(stored.reference);
                } else {
                    errors.push(FieldError {
                        path,
                        message: "does not match the stored attachment; send the reference the upload returned, unchanged".to_owned(),
                    });
                }
            }
            _ => errors.push(FieldError {
                path: format!("{path}.attachment_id"),
                message: format!("no attachment {attachment_id} was uploaded to this PEP"),
            }),
        }
    }
    if errors.is_empty() {
        Ok(references)
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Sets a SMART target; the answer carries the target's id.
#[utoipa::path(
    post,
    path = "/api/v1/peps/{pep_id}/targets",
    tag = "peps",
    params(("pep_id" = uuid::Uuid, Path, description = "The PEP")),
    request_body = SetTargetBody,
    responses((status = 201, description = "Set", body = CommandAccepted))
)]
pub async fn set_target(
    State(state): State<AppState>,
    Path(pep_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_pep_command(
        &state,
        &caller,
        Operation::SetTarget,
        &pep_id,
        body,
        |body: SetTargetBody, env| {
            let target_id = TargetId::from_uuid(env.new_id("target"));
            Ok((
                body.into_command(target_id, env),
                Created::Target(target_id.as_uuid()),
            ))
        },
    )
    .await
}

/// Reviews a target (set in this PEP or carried in from the previous one).
#[utoipa::path(
    post,
    path = "/api/v1/peps/{pep_id}/targets/{target_id}/review",
    tag = "peps",
    params(
        ("pep_id" = uuid::Uuid, Path, description = "The PEP"),
        ("target_id" = uuid::Uuid, Path, description = "The target"),
    ),
    request_body = ReviewTargetBody,
    responses((status = 200, description = "Reviewed", body = CommandAccepted))
)]
pub async fn review_target(
    State(state): State<AppState>,
    Path((pep_id, target_id)): Path<(String, String)>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    let target_id: TargetId = path_id("target_id", &target_id)?;
    run_pep_command(
        &state,
        &caller,
        Operation::ReviewTarget,
        &pep_id,
        body,
        |body: ReviewTargetBody, env| Ok((body.into_command(target_id, env), Created::Nothing)),
    )
    .await
}

/// Agrees an action with an owner and a date; the answer carries the action's id.
#[utoipa::path(
    post,
    path = "/api/v1/peps/{pep_id}/actions",
    tag = "peps",
    params(("pep_id" = uuid::Uuid, Path, description = "The PEP")),
    request_body = AgreeActionBody,
    responses((status = 201, description = "Agreed", body = CommandAccepted))
)]
pub async fn agree_action(
    State(state): State<AppState>,
    Path(pep_id): Path<String>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    run_pep_command(
        &state,
        &caller,
        Operation::AgreeAction,
        &pep_id,
        body,
        |body: AgreeActionBody, env| {
            let action_id = ActionId::from_uuid(env.new_id("action"));
            Ok((
                body.into_command(action_id, env),
                Created::Action(action_id.as_uuid()),
            ))
        },
    )
    .await
}

/// Marks an action done.
#[utoipa::path(
    post,
    path = "/api/v1/peps/{pep_id}/actions/{action_id}/complete",
    tag = "peps",
    params(
        ("pep_id" = uuid::Uuid, Path, description = "The PEP"),
        ("action_id" = uuid::Uuid, Path, description = "The action"),
    ),
    request_body = CompleteActionBody,
    responses((status = 200, description = "Completed", body = CommandAccepted))
)]
pub async fn complete_action(
    State(state): State<AppState>,
    Path((pep_id, action_id)): Path<(String, String)>,
    caller: Caller,
    body: Body,
) -> Result<CommandResponse, ApiError> {
    let action_id: ActionId = path_id("action_id", &action_id)?;
    run_pep_command(
        &state,
        &caller,
        Operation::CompleteAction,
        &pep_id,
        body,
        |body: CompleteActionBody, env| Ok((body.into_command(action_id, env), Created::Nothing)),
    )
    .await
}
