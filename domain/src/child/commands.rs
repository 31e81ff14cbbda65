//! What users and feeds ask of a child record. Each command carries everything the decision
//! needs (ids, dates, the acting person), so deciding is pure.

use super::episode::Ssda903Episode;
use super::events::{
    AssignedRole, ChildDetails, EducationSetting, ExclusionKind, LeavingReason, NoticeReason,
    SenProvision,
};
use crate::actor::PersonRef;
use crate::ids::{ChildId, PepId};
use crate::pep::{PepKind, PepTrigger};
use crate::values::LaCode;
use chrono::NaiveDate;

/// A request to change a child record.
#[derive(Debug, Clone, PartialEq)]
pub enum ChildCommand {
    /// Register a child from the first message about them.
    Register {
        /// Id made at the edge for the new record.
        child_id: ChildId,
        /// Responsible LA.
        la: LaCode,
        /// The child's id in the LA's social care system.
        la_child_id: String,
        /// Identifying details.
        details: ChildDetails,
    },
    /// Replace the identifying details.
    UpdateDetails {
        /// The details as they now are.
        details: ChildDetails,
    },
    /// Record one SSDA903 episode row: new, a correction, or its closure.
    RecordEpisode {
        /// The row.
        episode: Ssda903Episode,
    },
    /// The child starts at another education setting.
    ChangeEducationSetting {
        /// The new setting.
        setting: EducationSetting,
        /// First day there.
        started_on: NaiveDate,
        /// Why the current setting is left (required when there is one).
        leaving_reason: Option<LeavingReason>,
        /// Detail on the reason.
        leaving_detail: Option<String>,
    },
    /// Someone takes on a role around the child.
    AssignPerson {
        /// The role.
        role: AssignedRole,
        /// Who.
        person: PersonRef,
        /// From when.
        from: NaiveDate,
    },
    /// Record SEN or EHCP status.
    RecordSenStatus {
        /// The provision.
        provision: SenProvision,
        /// From when.
        effective_from: NaiveDate,
        /// Detail such as the primary need.
        detail: Option<String>,
    },
    /// Record attendance over a period.
    RecordAttendance {
        /// First day.
        period_start: NaiveDate,
        /// Last day.
        period_end: NaiveDate,
        /// Possible sessions.
        possible_sessions: u32,
        /// Sessions attended.
        attended_sessions: u32,
        /// Unauthorised absences, in sessions.
        unauthorised_absence_sessions: u32,
    },
    /// Record a suspension or permanent exclusion.
    RecordExclusion {
        /// Which.
        kind: ExclusionKind,
        /// First day.
        start_date: NaiveDate,
        /// Length in school days (suspensions only).
        days: Option<u32>,
        /// The school's reason.
        reason: String,
    },
    /// Record an attainment or progress result.
    RecordAttainment {
        /// Subject or area.
        subject: String,
        /// The assessment.
        assessment: String,
        /// The result.
        result: String,
        /// Date it refers to.
        assessed_on: NaiveDate,
        /// On track, if stated.
        on_track: Option<bool>,
    },
    /// Open a PEP for the child (the PEP's own stream starts in the same append).
    OpenPep {
        /// Id made at the edge for the PEP.
        pep_id: PepId,
        /// Kind of PEP.
        kind: PepKind,
        /// What made it due.
        trigger: PepTrigger,
        /// Date opened.
        opened_on: NaiveDate,
    },
    /// Close the open PEP.
    ClosePep {
        /// Which PEP.
        pep_id: PepId,
        /// Date closed.
        closed_on: NaiveDate,
        /// Completed (signed off) rather than withdrawn.
        completed: bool,
    },
    /// Ask for the IRO to be told about an event on this record (process managers).
    RequestIroNotice {
        /// Id made at the edge.
        notice_id: uuid::Uuid,
        /// Why.
        reason: NoticeReason,
        /// The event concerned.
        about_event_id: uuid::Uuid,
        /// When the change happened.
        occurred_on: NaiveDate,
        /// One line for the IRO.
        summary: String,
    },
    /// Share the record with another LA (the placing LA, for a child placed out of area).
    ShareRecord {
        /// The LA to share with; never the child's own.
        with_la: LaCode,
        /// Why.
        reason: String,
        /// From when.
        shared_on: NaiveDate,
    },
    /// Stop sharing the record with an LA it is shared with.
    EndSharing {
        /// The LA.
        with_la: LaCode,
        /// From when.
        ended_on: NaiveDate,
    },
}
