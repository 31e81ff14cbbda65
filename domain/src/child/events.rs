//! Events of the child record (`child-<uuid>` stream): who the child is, their care episodes
//! and placements (SSDA903), their education settings, the people around them, and the
//! education facts recorded about them.

use super::episode::Ssda903Episode;
use crate::actor::PersonRef;
use crate::event::DomainEvent;
use crate::ids::{ChildId, PepId};
use crate::pep::{PepKind, PepTrigger};
use crate::values::{LaCode, SchoolUrn};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Sex as the SSDA903 header records it (1 = male, 2 = female); `Unknown` when not given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// 903 code 1.
    Male,
    /// 903 code 2.
    Female,
    /// Not recorded or not known.
    Unknown,
}

/// The child's identifying details. The UPN is kept exactly as reported: the social care system
/// is the system of record, so an invalid check letter is flagged, not refused
/// (docs/contracts.md §1.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildDetails {
    /// Date of birth.
    pub date_of_birth: NaiveDate,
    /// Sex.
    pub sex: Sex,
    /// Unique pupil number as reported, if any.
    #[serde(default)]
    pub upn: Option<String>,
    /// Given name, if shared with PEP Ledger.
    #[serde(default)]
    pub given_name: Option<String>,
    /// Family name, if shared with PEP Ledger.
    #[serde(default)]
    pub family_name: Option<String>,
}

/// A school or other education setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EducationSetting {
    /// The setting's URN; `None` for provision without one (e.g. unregistered alternative provision).
    pub urn: Option<SchoolUrn>,
    /// The setting's name as users know it.
    pub name: String,
}

/// Why a child left an education setting. `Breakdown` and `PermanentExclusion` are the
/// "education placement breakdown" the IRO must hear about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeavingReason {
    /// The care placement moved too far for the child to stay.
    PlacementMove,
    /// A planned move between phases (e.g. primary to secondary).
    PhaseTransition,
    /// A managed move agreed between schools.
    ManagedMove,
    /// The child was permanently excluded.
    PermanentExclusion,
    /// The education placement broke down for other reasons.
    Breakdown,
    /// Any other reason, explained in the detail.
    Other,
}

/// The people around the child that PEP Ledger tracks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssignedRole {
    /// The child's social worker.
    SocialWorker,
    /// The designated teacher at the child's school.
    DesignatedTeacher,
    /// The child's carer.
    Carer,
    /// The child's Independent Reviewing Officer.
    Iro,
    /// The Virtual School officer (education adviser) for the child.
    VirtualSchoolOfficer,
}

/// Special educational needs provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SenProvision {
    /// No identified special educational needs.
    None,
    /// SEN support in school.
    SenSupport,
    /// An education, health and care plan is being assessed.
    EhcpAssessment,
    /// An education, health and care plan is in place.
    Ehcp,
}

/// Suspension (fixed-term) or permanent exclusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionKind {
    /// A suspension for a number of school days.
    Suspension,
    /// A permanent exclusion.
    PermanentExclusion,
}

/// Why an IRO must be told: significant changes reach the IRO at once (docs/statutory-rules.md
/// §4 and §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeReason {
    /// The care placement changed.
    PlacementChange,
    /// The child changed school.
    SchoolChange,
    /// The education placement broke down (including a permanent exclusion).
    EducationBreakdown,
    /// A suspension or permanent exclusion.
    Exclusion,
    /// A PEP became overdue.
    PepOverdue,
}

/// Everything that can happen to a child record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event_type", content = "payload")]
pub enum ChildEvent {
    /// The first message about a child registered it.
    #[serde(rename = "ChildRegistered")]
    Registered {
        /// The new record's id.
        child_id: ChildId,
        /// The responsible local authority.
        la: LaCode,
        /// The child's id in the LA's social care system.
        la_child_id: String,
        /// Identifying details.
        details: ChildDetails,
    },
    /// Identifying details changed (a correction or new information).
    #[serde(rename = "ChildDetailsUpdated")]
    DetailsUpdated {
        /// The details after the change.
        details: ChildDetails,
    },
    /// An episode starting a period of care (SSDA903 RNE `S`): the child became looked after.
    #[serde(rename = "CareEpisodeStarted")]
    CareEpisodeStarted {
        /// The 903 episode row.
        episode: Ssda903Episode,
    },
    /// An episode recording a change of placement (RNE `P`, `T`, `B` or `U`).
    #[serde(rename = "PlacementChanged")]
    PlacementChanged {
        /// The 903 episode row of the new placement.
        episode: Ssda903Episode,
    },
    /// An episode recording a change of legal status only (RNE `L`).
    #[serde(rename = "LegalStatusChanged")]
    LegalStatusChanged {
        /// The 903 episode row.
        episode: Ssda903Episode,
    },
    /// An open episode was closed (DEC and REC given).
    #[serde(rename = "CareEpisodeEnded")]
    CareEpisodeEnded {
        /// Start date of the episode, its key.
        start_date: NaiveDate,
        /// DEC.
        end_date: NaiveDate,
        /// REC code.
        reason_ceased: String,
    },
    /// An existing episode row was corrected by the social care system.
    #[serde(rename = "CareEpisodeCorrected")]
    CareEpisodeCorrected {
        /// The corrected row, replacing the one with the same start date.
        episode: Ssda903Episode,
    },
    /// The child started at a new education setting.
    #[serde(rename = "EducationSettingChanged")]
    EducationSettingChanged {
        /// The new setting.
        setting: EducationSetting,
        /// First day at the new setting.
        started_on: NaiveDate,
        /// The setting left, if any.
        previous: Option<EducationSetting>,
        /// Why the previous setting was left.
        leaving_reason: Option<LeavingReason>,
        /// Free-text detail on the reason.
        #[serde(default)]
        leaving_detail: Option<String>,
    },
    /// A person now holds a role around the child.
    #[serde(rename = "PersonAssigned")]
    PersonAssigned {
        /// The role.
        role: AssignedRole,
        /// Who.
        person: PersonRef,
        /// From when.
        from: NaiveDate,
    },
    /// SEN or EHCP status recorded.
    #[serde(rename = "SenStatusRecorded")]
    SenStatusRecorded {
        /// The provision.
        provision: SenProvision,
        /// From when it applies.
        effective_from: NaiveDate,
        /// Primary need or other detail.
        #[serde(default)]
        detail: Option<String>,
    },
    /// Attendance for a period.
    #[serde(rename = "AttendanceRecorded")]
    AttendanceRecorded {
        /// First day of the period.
        period_start: NaiveDate,
        /// Last day of the period.
        period_end: NaiveDate,
        /// Sessions (half days) the child could attend.
        possible_sessions: u32,
        /// Sessions attended.
        attended_sessions: u32,
        /// Sessions missed without authorisation.
        unauthorised_absence_sessions: u32,
    },
    /// A suspension or permanent exclusion.
    #[serde(rename = "ExclusionRecorded")]
    ExclusionRecorded {
        /// Suspension or permanent exclusion.
        kind: ExclusionKind,
        /// First day.
        start_date: NaiveDate,
        /// Length in school days (suspensions only).
        days: Option<u32>,
        /// The school's stated reason.
        reason: String,
    },
    /// An attainment or progress result.
    #[serde(rename = "AttainmentRecorded")]
    AttainmentRecorded {
        /// Subject or area, e.g. "reading".
        subject: String,
        /// The assessment, e.g. "KS2 teacher assessment" or "Year 8 autumn data drop".
        assessment: String,
        /// The result as the school reports it.
        result: String,
        /// Date the result refers to.
        assessed_on: NaiveDate,
        /// Whether the child is on track against their expected progress, if stated.
        #[serde(default)]
        on_track: Option<bool>,
    },
    /// A PEP was opened for the child; until it is closed no other PEP can be opened.
    #[serde(rename = "PepOpened")]
    PepOpened {
        /// The PEP's id.
        pep_id: PepId,
        /// Its kind.
        kind: PepKind,
        /// What made it due.
        trigger: PepTrigger,
        /// Date opened.
        opened_on: NaiveDate,
    },
    /// The child's IRO must be told about something that happened; delivery is tracked elsewhere.
    #[serde(rename = "IroNoticeRequested")]
    IroNoticeRequested {
        /// Stable id receivers use to deduplicate.
        notice_id: uuid::Uuid,
        /// Why.
        reason: NoticeReason,
        /// The event that made the notice necessary.
        about_event_id: uuid::Uuid,
        /// The day the change happened.
        occurred_on: NaiveDate,
        /// One line for the IRO.
        summary: String,
    },
    /// The open PEP was closed: completed (signed off) or withdrawn.
    #[serde(rename = "PepClosed")]
    PepClosed {
        /// The PEP's id.
        pep_id: PepId,
        /// Date closed.
        closed_on: NaiveDate,
        /// True when the PEP was completed; false when it was withdrawn.
        completed: bool,
    },
    /// The placing LA shared the record with another LA (a child placed out of area), whose
    /// users may then read it and, where their reach names the child, contribute to it.
    #[serde(rename = "ChildRecordShared")]
    RecordShared {
        /// The LA the record is now shared with.
        with_la: LaCode,
        /// Why, in the placing LA's words.
        reason: String,
        /// From when.
        shared_on: NaiveDate,
    },
    /// The placing LA stopped sharing the record with an LA.
    #[serde(rename = "ChildRecordSharingEnded")]
    RecordSharingEnded {
        /// The LA the record is no longer shared with.
        with_la: LaCode,
        /// From when.
        ended_on: NaiveDate,
    },
}

impl ChildEvent {
    /// Every stable type string, in declaration order.
    pub const TYPES: &'static [&'static str] = &[
        "ChildRegistered",
        "ChildDetailsUpdated",
        "CareEpisodeStarted",
        "PlacementChanged",
        "LegalStatusChanged",
        "CareEpisodeEnded",
        "CareEpisodeCorrected",
        "EducationSettingChanged",
        "PersonAssigned",
        "SenStatusRecorded",
        "AttendanceRecorded",
        "ExclusionRecorded",
        "AttainmentRecorded",
        "PepOpened",
        "PepClosed",
        "IroNoticeRequested",
        "ChildRecordShared",
        "ChildRecordSharingEnded",
    ];
}

impl DomainEvent for ChildEvent {
    const CATEGORY: &'static str = "child";
    const EVENT_TYPES: &'static [&'static str] = Self::TYPES;

    fn event_type(&self) -> &'static str {
        match self {
            ChildEvent::Registered { .. } => "ChildRegistered",
            ChildEvent::DetailsUpdated { .. } => "ChildDetailsUpdated",
            ChildEvent::CareEpisodeStarted { .. } => "CareEpisodeStarted",
            ChildEvent::PlacementChanged { .. } => "PlacementChanged",
            ChildEvent::LegalStatusChanged { .. } => "LegalStatusChanged",
            ChildEvent::CareEpisodeEnded { .. } => "CareEpisodeEnded",
            ChildEvent::CareEpisodeCorrected { .. } => "CareEpisodeCorrected",
            ChildEvent::EducationSettingChanged { .. } => "EducationSettingChanged",
            ChildEvent::PersonAssigned { .. } => "PersonAssigned",
            ChildEvent::SenStatusRecorded { .. } => "SenStatusRecorded",
            ChildEvent::AttendanceRecorded { .. } => "AttendanceRecorded",
            ChildEvent::ExclusionRecorded { .. } => "ExclusionRecorded",
            ChildEvent::AttainmentRecorded { .. } => "AttainmentRecorded",
            ChildEvent::PepOpened { .. } => "PepOpened",
            ChildEvent::PepClosed { .. } => "PepClosed",
            ChildEvent::IroNoticeRequested { .. } => "IroNoticeRequested",
            ChildEvent::RecordShared { .. } => "ChildRecordShared",
            ChildEvent::RecordSharingEnded { .. } => "ChildRecordSharingEnded",
        }
    }

    fn occurred_on(&self) -> Option<NaiveDate> {
        match self {
            ChildEvent::Registered { .. } | ChildEvent::DetailsUpdated { .. } => None,
            ChildEvent::CareEpisodeStarted { episode }
            | ChildEvent::PlacementChanged { episode }
            | ChildEvent::LegalStatusChanged { episode }
            | ChildEvent::CareEpisodeCorrected { episode } => Some(episode.start_date),
            ChildEvent::CareEpisodeEnded { end_date, .. } => Some(*end_date),
            ChildEvent::EducationSettingChanged { started_on, .. } => Some(*started_on),
            ChildEvent::PersonAssigned { from, .. } => Some(*from),
            ChildEvent::SenStatusRecorded { effective_from, .. } => Some(*effective_from),
            ChildEvent::AttendanceRecorded { period_end, .. } => Some(*period_end),
            ChildEvent::ExclusionRecorded { start_date, .. } => Some(*start_date),
            ChildEvent::AttainmentRecorded { assessed_on, .. } => Some(*assessed_on),
            ChildEvent::PepOpened { opened_on, .. } => Some(*opened_on),
            ChildEvent::PepClosed { closed_on, .. } => Some(*closed_on),
            ChildEvent::IroNoticeRequested { occurred_on, .. } => Some(*occurred_on),
            ChildEvent::RecordShared { shared_on, .. } => Some(*shared_on),
            ChildEvent::RecordSharingEnded { ended_on, .. } => Some(*ended_on),
        }
    }
}
