//! The vocabulary of a PEP: its kinds and triggers, sections and who owns them, workflow
//! states, QA ratings and target outcomes.

use crate::actor::{PersonRef, Role};
use crate::ids::{PepId, TargetId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The kind of PEP: initial, review, transition, early years or post-16 (when each is due:
/// docs/statutory-rules.md §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PepKind {
    /// The first PEP after entering care.
    Initial,
    /// A review PEP (termly, or after a change).
    Review,
    /// A transition PEP ahead of a planned school move.
    Transition,
    /// An early-years PEP (ages 2 to Reception), including the summer-term transition PEP.
    EarlyYears,
    /// A post-16 PEP, part of the Pathway Plan.
    Post16,
}

/// What made a PEP due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PepTrigger {
    /// The child became looked after.
    EnteredCare,
    /// The regular termly (or twice-yearly) review.
    TermlyReview,
    /// The care placement changed.
    PlacementChange,
    /// The school changed.
    SchoolChange,
    /// A planned school move is coming.
    PlannedSchoolMove,
    /// The child enters a new key stage.
    KeyStageChange,
    /// A statutory care-plan review is coming.
    CareReview,
    /// Asked for by a professional outside the cycle.
    Requested,
}

/// A section of the PEP document. Each has one owning role, the only role that may complete it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PepSection {
    /// Settings attended and why they were left, attendance, conduct, achievements, SEN history.
    EducationHistory,
    /// Current arrangements, including SEN support or an EHCP.
    CurrentArrangements,
    /// Attendance and conduct this term.
    AttendanceAndConduct,
    /// Attainment and progress.
    AttainmentAndProgress,
    /// How PP+ is used and its impact.
    PupilPremiumPlus,
    /// The care context: placement, planned changes, the care plan's education aims.
    CareContext,
    /// The carer's role in supporting learning, and leisure interests.
    CarerContribution,
    /// The child's own views.
    ChildViews,
    /// The Virtual School's advice and contact details.
    VirtualSchoolAdvice,
}

impl PepSection {
    /// Every section, in document order.
    pub const ALL: [PepSection; 9] = [
        PepSection::EducationHistory,
        PepSection::CurrentArrangements,
        PepSection::AttendanceAndConduct,
        PepSection::AttainmentAndProgress,
        PepSection::PupilPremiumPlus,
        PepSection::CareContext,
        PepSection::CarerContribution,
        PepSection::ChildViews,
        PepSection::VirtualSchoolAdvice,
    ];

    /// Sections that must be complete before the PEP can be submitted. The child's and carer's
    /// sections are not among them: a child may decline to contribute, and not every child has
    /// a carer; the child's views are required separately (recorded views or this section).
    pub const REQUIRED: [PepSection; 5] = [
        PepSection::EducationHistory,
        PepSection::CurrentArrangements,
        PepSection::AttendanceAndConduct,
        PepSection::AttainmentAndProgress,
        PepSection::CareContext,
    ];

    /// The role that owns (and alone completes) the section.
    pub const fn owner(&self) -> Role {
        match self {
            PepSection::EducationHistory
            | PepSection::CurrentArrangements
            | PepSection::AttendanceAndConduct
            | PepSection::AttainmentAndProgress
            | PepSection::PupilPremiumPlus => Role::DesignatedTeacher,
            PepSection::CareContext => Role::SocialWorker,
            PepSection::CarerContribution => Role::Carer,
            PepSection::ChildViews => Role::YoungPerson,
            PepSection::VirtualSchoolAdvice => Role::VirtualSchool,
        }
    }

    /// Roles that may draft the section: its owner, and Virtual School advisers, who help
    /// schools and carers write PEPs.
    pub fn may_draft(&self, role: Role) -> bool {
        role == self.owner() || role == Role::VirtualSchool
    }

    /// The section's heading, as a PEP document and its pages show it.
    pub fn title(&self) -> &'static str {
        match self {
            PepSection::EducationHistory => "Education history",
            PepSection::CurrentArrangements => "Current arrangements, SEN support and EHCP",
            PepSection::AttendanceAndConduct => "Attendance and conduct",
            PepSection::AttainmentAndProgress => "Attainment and progress",
            PepSection::PupilPremiumPlus => "Pupil Premium Plus: use and impact",
            PepSection::CareContext => "Care context and planned changes",
            PepSection::CarerContribution => "The carer's role and leisure interests",
            PepSection::ChildViews => "The child's views",
            PepSection::VirtualSchoolAdvice => "Virtual School advice and contact",
        }
    }

    /// What the section answers, as the default template asks it (Care Planning Regulations
    /// 2010 Schedule 1 and the DfE's 2018 guidance on promoting the education of looked-after
    /// children).
    pub fn prompt(&self) -> &'static str {
        match self {
            PepSection::EducationHistory => {
                "The schools and settings attended and why each was left, attendance and conduct \
                 there, achievements, and any special educational needs."
            }
            PepSection::CurrentArrangements => {
                "The school or setting now, the support in place (SEN support or an EHCP and its \
                 review date), and any planned changes to the child's education."
            }
            PepSection::AttendanceAndConduct => {
                "Attendance this term, any exclusions or part-time timetable, and behaviour in \
                 school."
            }
            PepSection::AttainmentAndProgress => {
                "Current attainment against expected levels, progress since the last PEP, and \
                 what is helping or getting in the way."
            }
            PepSection::PupilPremiumPlus => {
                "How Pupil Premium Plus is being used, which targets it serves, and the impact \
                 seen so far."
            }
            PepSection::CareContext => {
                "The placement and any planned changes, the care plan's aims for education, and \
                 anything the school should know to support the child."
            }
            PepSection::CarerContribution => {
                "How the carer supports learning at home, and the child's leisure interests and \
                 activities."
            }
            PepSection::ChildViews => {
                "What the child or young person says about school, their learning and their \
                 plans, in their own words where possible."
            }
            PepSection::VirtualSchoolAdvice => {
                "The Virtual School's advice, and how to contact the Virtual School Head and the \
                 officer for this child."
            }
        }
    }

    /// The section named `name` on the wire (`education_history`).
    pub fn parse(name: &str) -> Option<PepSection> {
        PepSection::ALL
            .into_iter()
            .find(|section| section.as_str() == name)
    }

    /// The stable wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            PepSection::EducationHistory => "education_history",
            PepSection::CurrentArrangements => "current_arrangements",
            PepSection::AttendanceAndConduct => "attendance_and_conduct",
            PepSection::AttainmentAndProgress => "attainment_and_progress",
            PepSection::PupilPremiumPlus => "pupil_premium_plus",
            PepSection::CareContext => "care_context",
            PepSection::CarerContribution => "carer_contribution",
            PepSection::ChildViews => "child_views",
            PepSection::VirtualSchoolAdvice => "virtual_school_advice",
        }
    }
}

/// Where a PEP is in its workflow (statutory-rules.md): not started → in progress → ready → submitted
/// → quality assured or returned → (resubmitted) → signed off. Withdrawn ends a PEP that will
/// not be completed (for example, the child left care).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PepStatus {
    /// Initiated, nothing written yet.
    NotStarted,
    /// Being written.
    InProgress,
    /// Everything needed for submission is there.
    Ready,
    /// Submitted to the Virtual School for quality assurance.
    Submitted,
    /// Sent back for improvement.
    Returned,
    /// Rated by the Virtual School.
    QualityAssured,
    /// Complete. Never edited again; only superseded by the next PEP.
    SignedOff,
    /// Closed without completion.
    Withdrawn,
}

impl PepStatus {
    /// True when the content can no longer change.
    pub fn locks_content(&self) -> bool {
        matches!(
            self,
            PepStatus::Submitted
                | PepStatus::QualityAssured
                | PepStatus::SignedOff
                | PepStatus::Withdrawn
        )
    }
}

/// The Virtual School's quality rating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QaRating {
    /// Good: meets the standard.
    Green,
    /// Requires improvement.
    Amber,
    /// Poor.
    Red,
}

/// How a SMART target turned out when reviewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetOutcome {
    /// Met.
    Met,
    /// Partly met.
    PartlyMet,
    /// Not met.
    NotMet,
    /// Carried forward into this PEP as a new target.
    CarriedForward,
}

/// Short- or long-term target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetHorizon {
    /// To the next PEP review.
    ShortTerm,
    /// Over the year or key stage.
    LongTerm,
}

/// A target from the previous PEP, carried into this one to be reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetSummary {
    /// The target's id.
    pub target_id: TargetId,
    /// The PEP it was set in.
    pub set_in: PepId,
    /// What it said.
    pub description: String,
    /// Its success criterion.
    pub success_criterion: String,
    /// Its due date.
    pub due_on: NaiveDate,
}

/// Someone at a PEP meeting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendee {
    /// Who.
    pub person: PersonRef,
    /// In what capacity, e.g. "designated teacher", "carer", "interpreter".
    pub capacity: String,
}

/// A file attached to the child's views (drawing, photo, video), stored elsewhere by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentRef {
    /// The stored file's id.
    pub attachment_id: String,
    /// Original file name.
    pub file_name: String,
    /// MIME type.
    pub media_type: String,
    /// Size in bytes.
    pub size_bytes: u64,
    /// SHA-256 of the content, hex, so the record proves which file was attached.
    pub sha256: String,
}
