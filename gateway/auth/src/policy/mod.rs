//! Authorisation as data: one table says, for every operation, which routes take it, which
//! roles may, and how far each role reaches (its whole LA, children on roll at its school, its
//! own children, its caseload). Handlers never decide who may do what; they name the operation
//! and ask this module, with the facts of the child record concerned.
//!
//! Two answers for a refusal, so that nothing leaks: a role that may never take the operation
//! gets 403 ([`Denial::WrongRole`]), whoever the child; a role that may, but not on this child
//! (another LA's, or outside its reach), gets 404 ([`Denial::Hidden`]), exactly as for a child
//! that does not exist. Which sections a role may write is a business rule and stays in the
//! domain (`PepSection::owner`).

mod rules;
#[cfg(test)]
mod tests;

pub use rules::RULES;

use super::claims::Principal;
use domain::Role;
use domain::child::{AssignedRole, ChildState};
use domain::ids::ChildId;
use domain::values::{LaCode, SchoolUrn};
use std::collections::BTreeSet;

/// Everything a caller can ask of the HTTP API that needs a permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Operation {
    /// Register a child record.
    RegisterChild,
    /// Replace a child's identifying details.
    UpdateChildDetails,
    /// Record an SSDA903 episode (placement, legal status, end of care).
    RecordEpisode,
    /// Record a change of school or other education setting.
    ChangeEducationSetting,
    /// Assign a person to a role around the child.
    AssignPerson,
    /// Record SEN or EHCP status.
    RecordSenStatus,
    /// Record attendance.
    RecordAttendance,
    /// Record a suspension or exclusion.
    RecordExclusion,
    /// Record attainment or progress.
    RecordAttainment,
    /// Open a PEP for a child.
    InitiatePep,
    /// Write a PEP section.
    DraftSection,
    /// Mark a PEP section complete.
    CompleteSection,
    /// Arrange a PEP meeting.
    ScheduleMeeting,
    /// Record that a PEP meeting took place.
    HoldMeeting,
    /// Record the child's views.
    RecordChildViews,
    /// Set a SMART target.
    SetTarget,
    /// Review a target.
    ReviewTarget,
    /// Agree an action.
    AgreeAction,
    /// Mark an action done.
    CompleteAction,
    /// Submit a PEP for quality assurance.
    SubmitPep,
    /// Send a PEP back for improvement.
    ReturnPep,
    /// Rate a PEP.
    QualityAssurePep,
    /// Sign a PEP off.
    SignOffPep,
    /// Close a PEP without completing it.
    WithdrawPep,
    /// Upload a file for a PEP (the child's drawings, photos, video).
    UploadAttachment,
    /// Set an LA's PP+ budget for a year.
    SetFundingBudget,
    /// Ask for PP+ against a PEP's targets.
    RequestFunding,
    /// Allocate PP+ to a request.
    AllocateFunding,
    /// Turn a PP+ request down.
    RejectFunding,
    /// Record what PP+ achieved.
    RecordFundingImpact,
    /// Record that an instalment of PP+ was paid to the school.
    RecordFundingPayment,
    /// Share a child's record with another LA, or stop sharing it.
    ShareChildRecord,
    /// Read anything of a child's record (the read routes use this, and log every use).
    ReadChildRecord,
    /// Query the log of who read which child's record.
    QueryAccessLog,
    /// Post an inbound feed message (child or placement).
    PostFeed,
    ManageInboundRejections,
    ReadDataQuality,
    // --- IRO notice delivery (crate::notify) ---
    /// Register, list and deactivate the LA's notice webhooks.
    ManageWebhooks,
    /// See a notice's deliveries, attempts and read receipts.
    ReadNoticeDeliveries,
    /// Re-queue a failed notice delivery.
    RetryNoticeDelivery,
    /// Read one's own notice inbox and record read receipts in it.
    ReadInbox,
}

impl Operation {
    /// Every operation, so tests can check the table covers them all.
    pub const ALL: [Operation; 41] = [
        Operation::RegisterChild,
        Operation::UpdateChildDetails,
        Operation::RecordEpisode,
        Operation::ChangeEducationSetting,
        Operation::AssignPerson,
        Operation::RecordSenStatus,
        Operation::RecordAttendance,
        Operation::RecordExclusion,
        Operation::RecordAttainment,
        Operation::InitiatePep,
        Operation::DraftSection,
        Operation::CompleteSection,
        Operation::ScheduleMeeting,
        Operation::HoldMeeting,
        Operation::RecordChildViews,
        Operation::SetTarget,
        Operation::ReviewTarget,
        Operation::AgreeAction,
        Operation::CompleteAction,
        Operation::SubmitPep,
        Operation::ReturnPep,
        Operation::QualityAssurePep,
        Operation::SignOffPep,
        Operation::WithdrawPep,
        Operation::UploadAttachment,
        Operation::SetFundingBudget,
        Operation::RequestFunding,
        Operation::AllocateFunding,
        Operation::RejectFunding,
        Operation::RecordFundingImpact,
        Operation::RecordFundingPayment,
        Operation::ShareChildRecord,
        Operation::ReadChildRecord,
        Operation::QueryAccessLog,
        Operation::PostFeed,
        Operation::ManageInboundRejections,
        Operation::ReadDataQuality,
        // IRO notice delivery.
        Operation::ManageWebhooks,
        Operation::ReadNoticeDeliveries,
        Operation::RetryNoticeDelivery,
        Operation::ReadInbox,
    ];

    /// Whether the operation only reads. A record shared with another LA is open to that LA's
    /// readers with their usual reach, but only to its writers whose reach names the child.
    pub const fn only_reads(self) -> bool {
        matches!(self, Operation::ReadChildRecord | Operation::QueryAccessLog)
    }
}

/// How far a grant reaches. Every reach stays inside the caller's own LA, except into a record
/// its placing LA shares with the caller's LA (see [`reaches_child`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reach {
    /// Every child (or budget) of the caller's LA.
    LocalAuthority,
    /// Children whose current education setting is the caller's school (`school_urn`).
    OnRollAtOwnSchool,
    /// Children named in the caller's `child_ids` (a carer's, or the young person themself).
    OwnChildren,
    /// Children on the caller's caseload, or whose assigned social worker they are.
    Caseload,
    /// Children whose assigned IRO they are.
    ReviewedChildren,
}

/// One role's permission for an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Grant {
    /// The role.
    pub role: Role,
    /// How far it reaches.
    pub reach: Reach,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The operation.
    pub operation: Operation,
    /// The routes that take it, as `(method, path template)`; the read routes and feeds add
    /// theirs as they are built.
    pub routes: &'static [(&'static str, &'static str)],
    /// Who may, and how far.
    pub grants: &'static [Grant],
}

/// Why a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// The caller's role may never take this operation: 403.
    WrongRole,
    /// The role may, but the thing is outside the caller's reach (or does not exist): 404.
    Hidden,
}

/// What the table needs to know about a child record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildFacts {
    /// The child.
    pub child_id: ChildId,
    /// The responsible LA.
    pub la: LaCode,
    /// The URN of the setting the child is on roll at now, if it has one.
    pub current_school_urn: Option<SchoolUrn>,
    /// The id of the assigned social worker.
    pub social_worker_id: Option<String>,
    /// The id of the assigned IRO.
    pub iro_id: Option<String>,
    /// The LAs the placing LA shares the record with now.
    pub shared_with: BTreeSet<LaCode>,
}

impl ChildFacts {
    /// The facts of a registered child; `None` when the record has no registration.
    pub fn from_state(state: &ChildState) -> Option<Self> {
        let registration = state.registration.as_ref()?;
        let person = |role| state.people.get(&role).map(|person| person.id.clone());
        Some(Self {
            child_id: registration.child_id,
            la: registration.la.clone(),
            current_school_urn: state
                .current_setting()
                .filter(|spell| spell.left_on.is_none())
                .and_then(|spell| spell.setting.urn.clone()),
            social_worker_id: person(AssignedRole::SocialWorker),
            iro_id: person(AssignedRole::Iro),
            shared_with: state.shared_with.clone(),
        })
    }
}

/// The table's row for an operation.
pub fn rule(operation: Operation) -> Option<&'static Rule> {
    RULES.iter().find(|rule| rule.operation == operation)
}

/// How far the caller's role reaches for `operation`, or [`Denial::WrongRole`].
pub fn reach(principal: &Principal, operation: Operation) -> Result<Reach, Denial> {
    // An operation missing from the table is refused to everyone.
    rule(operation)
        .and_then(|rule| {
            rule.grants
                .iter()
                .find(|grant| grant.role == principal.role)
        })
        .map(|grant| grant.reach)
        .ok_or(Denial::WrongRole)
}

/// May the caller take `operation` on the child these facts describe? `None` facts means the
/// child does not exist, which answers the same as a child out of reach.
pub fn authorize_child(
    principal: &Principal,
    operation: Operation,
    facts: Option<&ChildFacts>,
) -> Result<(), Denial> {
    let reach = reach(principal, operation)?;
    match facts {
        Some(facts) if reaches_child(principal, operation, reach, facts) => Ok(()),
        _ => Err(Denial::Hidden),
    }
}

/// May the caller take `operation` on something of a whole LA (a PP+ budget, a new child)?
/// Only reaches that cover the LA qualify; another LA's is hidden.
pub fn authorize_local_authority(
    principal: &Principal,
    operation: Operation,
    la: &LaCode,
) -> Result<(), Denial> {
    let reach = reach(principal, operation)?;
    if reach == Reach::LocalAuthority && &principal.la == la {
        Ok(())
    } else {
        Err(Denial::Hidden)
    }
}

/// Whether the caller's grant reaches this child.
///
/// A child of the caller's own LA: as the reach says. Another LA's child: only when its placing
/// LA shares the record with the caller's LA (a child placed out of area, docs/statutory-rules.md), and then
/// - to read, with the role's usual reach: the host LA's Virtual School, auditors and
///   administrators read it, a designated teacher when the child is on roll at their school,
///   an IRO when they are the assigned IRO, a carer or young person by `child_ids`, a social
///   worker by caseload;
/// - to write, only through a reach that names the child (on roll at the caller's school,
///   `child_ids`, caseload): the host school's designated teacher completes the school's part
///   of the PEP. LA-wide writes stay with the placing LA, whose Virtual School Head is
///   responsible for the child by statute.
///
/// Once sharing ends the child is another LA's again, answered as not found.
fn reaches_child(
    principal: &Principal,
    operation: Operation,
    reach: Reach,
    facts: &ChildFacts,
) -> bool {
    let la_reached = principal.la == facts.la
        || (facts.shared_with.contains(&principal.la)
            && (operation.only_reads() || reach != Reach::LocalAuthority));
    if !la_reached {
        return false;
    }
    match reach {
        Reach::LocalAuthority => true,
        Reach::OnRollAtOwnSchool => {
            principal.school_urn.is_some() && principal.school_urn == facts.current_school_urn
        }
        Reach::OwnChildren => principal.child_ids.contains(&facts.child_id),
        Reach::Caseload => {
            principal.caseload.contains(&facts.child_id)
                || facts.social_worker_id.as_deref() == Some(principal.subject.as_str())
        }
        Reach::ReviewedChildren => {
            facts.iro_id.as_deref() == Some(principal.reviewing_officer_id())
        }
    }
}
