//! Request bodies of the child record's commands, and how each becomes a
//! [`ChildCommand`]. Field names match the domain's, so a domain error naming a field points at
//! the same path in the body.

use super::values::{self, ApiDate, ApiSex};
use crate::command::CommandEnv;
use crate::domain_errors::episode_problem;
use crate::problem::ApiError;
use domain::PersonRef;
use domain::child::{
    AssignedRole, ChildCommand, ChildDetails, EducationSetting, ExclusionKind, LeavingReason,
    SenProvision, Ssda903Episode,
};
use domain::pep::{PepKind, PepTrigger};
use domain::ssda903::CodeLists;
use domain::values::{LaCode, PlacementSettingUrn, SchoolUrn, Upn};
use serde::Deserialize;
use utoipa::ToSchema;

/// A child's identifying details.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChildDetailsBody {
    /// Date of birth.
    pub date_of_birth: ApiDate,
    /// Sex: SSDA903 code 1 or 2, or M, F, U.
    pub sex: ApiSex,
    /// Unique pupil number; its check letter must be right.
    #[serde(default)]
    #[schema(schema_with = values::upn)]
    pub upn: Option<Upn>,
    /// Given name.
    #[serde(default)]
    pub given_name: Option<String>,
    /// Family name.
    #[serde(default)]
    pub family_name: Option<String>,
}

impl ChildDetailsBody {
    fn into_details(self) -> ChildDetails {
        ChildDetails {
            date_of_birth: self.date_of_birth.0,
            sex: self.sex.0,
            upn: self.upn.map(|upn| upn.as_str().to_owned()),
            given_name: non_blank(self.given_name),
            family_name: non_blank(self.family_name),
        }
    }
}

fn non_blank(text: Option<String>) -> Option<String> {
    text.map(|text| text.trim().to_owned())
        .filter(|text| !text.is_empty())
}

/// `POST /children`: register a child.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterChildBody {
    /// The responsible LA: must be the caller's.
    #[schema(schema_with = values::la_code)]
    pub la: LaCode,
    /// The child's id in the LA's social care system.
    pub la_child_id: String,
    /// Identifying details.
    pub details: ChildDetailsBody,
}

impl RegisterChildBody {
    /// The command, for a child id made at the edge.
    pub fn into_command(self, child_id: domain::ids::ChildId) -> ChildCommand {
        ChildCommand::Register {
            child_id,
            la: self.la,
            la_child_id: self.la_child_id.trim().to_owned(),
            details: self.details.into_details(),
        }
    }
}

/// `PUT /children/{child_id}/details`: the details as they now are.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateChildDetailsBody {
    /// Identifying details.
    pub details: ChildDetailsBody,
}

impl UpdateChildDetailsBody {
    /// The command.
    pub fn into_command(self) -> ChildCommand {
        ChildCommand::UpdateDetails {
            details: self.details.into_details(),
        }
    }
}

/// One SSDA903 episode row (contracts.md §1).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EpisodeBody {
    /// DECOM: when the episode started.
    pub start_date: ApiDate,
    /// RNE: S, L, P, T, B or U.
    pub reason_new_episode: String,
    /// LS: legal status.
    pub legal_status: String,
    /// PLACE: placement type.
    pub placement_type: String,
    /// PLACE_PROVIDER.
    pub placement_provider: String,
    /// REASON_PLACE_CHANGE.
    #[serde(default)]
    pub reason_place_change: Option<String>,
    /// DEC: when the episode ended.
    #[serde(default)]
    pub end_date: Option<ApiDate>,
    /// REC: why it ended.
    #[serde(default)]
    pub reason_ceased: Option<String>,
    /// Postcode of the placement.
    #[serde(default)]
    pub placement_postcode: Option<String>,
    /// URN of the placement setting (Ofsted URN, or XXXXXXX when not applicable).
    #[serde(default)]
    pub setting_urn: Option<String>,
}

/// `POST /children/{child_id}/episodes`: record an episode (new, correction, or closure).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordEpisodeBody {
    /// The row.
    pub episode: EpisodeBody,
}

impl RecordEpisodeBody {
    /// The command, with every code checked against the list of its collection year.
    pub fn into_command(self, code_lists: &CodeLists) -> Result<ChildCommand, ApiError> {
        let body = self.episode;
        let code = |text: String| text.trim().to_ascii_uppercase();
        let setting_urn = match non_blank(body.setting_urn) {
            Some(urn) => Some(
                PlacementSettingUrn::parse(&urn)
                    .map_err(|error| ApiError::field("episode.setting_urn", error.to_string()))?
                    .as_str()
                    .to_owned(),
            ),
            None => None,
        };
        let episode = Ssda903Episode {
            start_date: body.start_date.0,
            reason_new_episode: code(body.reason_new_episode),
            legal_status: code(body.legal_status),
            placement_type: code(body.placement_type),
            placement_provider: code(body.placement_provider),
            reason_place_change: non_blank(body.reason_place_change).map(code),
            end_date: body.end_date.map(|date| date.0),
            reason_ceased: non_blank(body.reason_ceased).map(code),
            placement_postcode: non_blank(body.placement_postcode),
            setting_urn,
        };
        episode
            .check(code_lists)
            .map_err(|error| episode_problem("episode.", &error))?;
        Ok(ChildCommand::RecordEpisode { episode })
    }
}

/// A school or other education setting.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingBody {
    /// Its 6-digit URN; leave out for provision without one.
    #[serde(default)]
    #[schema(schema_with = values::school_urn)]
    pub urn: Option<SchoolUrn>,
    /// Its name.
    pub name: String,
}

/// `POST /children/{child_id}/education-settings`: the child starts at another setting.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeEducationSettingBody {
    /// The new setting.
    pub setting: SettingBody,
    /// First day there.
    pub started_on: ApiDate,
    /// Why the current setting is left (required when there is one).
    #[serde(default)]
    #[schema(schema_with = values::leaving_reason)]
    pub leaving_reason: Option<LeavingReason>,
    /// Detail on the reason.
    #[serde(default)]
    pub leaving_detail: Option<String>,
}

impl ChangeEducationSettingBody {
    /// The command.
    pub fn into_command(self) -> ChildCommand {
        ChildCommand::ChangeEducationSetting {
            setting: EducationSetting {
                urn: self.setting.urn,
                name: self.setting.name.trim().to_owned(),
            },
            started_on: self.started_on.0,
            leaving_reason: self.leaving_reason,
            leaving_detail: non_blank(self.leaving_detail),
        }
    }
}

/// A named person. `id` is the subject of their bearer token, so that what they are assigned
/// to is what they can reach.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonBody {
    /// Their id (token subject).
    pub id: String,
    /// Their name.
    pub name: String,
}

impl PersonBody {
    /// The domain's person reference.
    pub fn into_person(self) -> PersonRef {
        PersonRef {
            id: self.id.trim().to_owned(),
            name: self.name.trim().to_owned(),
        }
    }
}

/// `POST /children/{child_id}/assignments`: someone takes on a role around the child.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignPersonBody {
    /// The role.
    #[schema(schema_with = values::assigned_role)]
    pub role: AssignedRole,
    /// Who.
    pub person: PersonBody,
    /// From when; today when left out.
    #[serde(default)]
    pub from: Option<ApiDate>,
}

impl AssignPersonBody {
    /// The command.
    pub fn into_command(self, env: &CommandEnv<'_>) -> ChildCommand {
        ChildCommand::AssignPerson {
            role: self.role,
            person: self.person.into_person(),
            from: self.from.map_or(env.today, |date| date.0),
        }
    }
}

/// `POST /children/{child_id}/sen-status`: SEN or EHCP status.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordSenStatusBody {
    /// The provision.
    #[schema(schema_with = values::sen_provision)]
    pub provision: SenProvision,
    /// From when.
    pub effective_from: ApiDate,
    /// Detail such as the primary need.
    #[serde(default)]
    pub detail: Option<String>,
}

impl RecordSenStatusBody {
    /// The command.
    pub fn into_command(self) -> ChildCommand {
        ChildCommand::RecordSenStatus {
            provision: self.provision,
            effective_from: self.effective_from.0,
            detail: non_blank(self.detail),
        }
    }
}

/// `POST /children/{child_id}/attendance`: attendance over a period, in sessions.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordAttendanceBody {
    /// First day.
    pub period_start: ApiDate,
    /// Last day.
    pub period_end: ApiDate,
    /// Possible sessions.
    pub possible_sessions: u32,
    /// Sessions attended.
    pub attended_sessions: u32,
    /// Unauthorised absences, in sessions.
    pub unauthorised_absence_sessions: u32,
}

impl RecordAttendanceBody {
    /// The command.
    pub fn into_command(self) -> ChildCommand {
        ChildCommand::RecordAttendance {
            period_start: self.period_start.0,
            period_end: self.period_end.0,
            possible_sessions: self.possible_sessions,
            attended_sessions: self.attended_sessions,
            unauthorised_absence_sessions: self.unauthorised_absence_sessions,
        }
    }
}

/// `POST /children/{child_id}/exclusions`: a suspension or permanent exclusion.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordExclusionBody {
    /// Which.
    #[schema(schema_with = values::exclusion_kind)]
    pub kind: ExclusionKind,
    /// First day.
    pub start_date: ApiDate,
    /// Length in school days (suspensions only).
    #[serde(default)]
    pub days: Option<u32>,
    /// The school's reason.
    pub reason: String,
}

impl RecordExclusionBody {
    /// The command.
    pub fn into_command(self) -> ChildCommand {
        ChildCommand::RecordExclusion {
            kind: self.kind,
            start_date: self.start_date.0,
            days: self.days,
            reason: self.reason.trim().to_owned(),
        }
    }
}

/// `POST /children/{child_id}/attainment`: an attainment or progress result.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordAttainmentBody {
    /// Subject or area.
    pub subject: String,
    /// The assessment.
    pub assessment: String,
    /// The result.
    pub result: String,
    /// The date it refers to.
    pub assessed_on: ApiDate,
    /// On track, if stated.
    #[serde(default)]
    pub on_track: Option<bool>,
}

impl RecordAttainmentBody {
    /// The command.
    pub fn into_command(self) -> ChildCommand {
        ChildCommand::RecordAttainment {
            subject: self.subject.trim().to_owned(),
            assessment: self.assessment.trim().to_owned(),
            result: self.result.trim().to_owned(),
            assessed_on: self.assessed_on.0,
            on_track: self.on_track,
        }
    }
}

/// `POST /children/{child_id}/peps`: open a PEP.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InitiatePepBody {
    /// Kind of PEP.
    #[schema(schema_with = values::pep_kind)]
    pub kind: PepKind,
    /// What made it due.
    #[schema(schema_with = values::pep_trigger)]
    pub trigger: PepTrigger,
    /// Date initiated; today when left out.
    #[serde(default)]
    pub initiated_on: Option<ApiDate>,
}
