//! The authorisation table itself: for every operation, its routes and who may take it how far.
//! Read it as the answer to "who can do what" (docs/http-api.md renders it for people).

use super::{Grant, Operation, Reach, Rule};
use domain::Role;

const fn grant(role: Role, reach: Reach) -> Grant {
    Grant { role, reach }
}

use Reach::{Caseload, LocalAuthority, OnRollAtOwnSchool, OwnChildren, ReviewedChildren};
use Role::{
    Admin, Auditor, Carer, DesignatedTeacher, Integration, Iro, SocialWorker, VirtualSchool,
    YoungPerson,
};

const VIRTUAL_SCHOOL: Grant = grant(VirtualSchool, LocalAuthority);
const ADMIN: Grant = grant(Admin, LocalAuthority);
const SOCIAL_WORKER: Grant = grant(SocialWorker, Caseload);
const SOCIAL_WORKER_IN_LA: Grant = grant(SocialWorker, LocalAuthority);
const DESIGNATED_TEACHER: Grant = grant(DesignatedTeacher, OnRollAtOwnSchool);
const CARER: Grant = grant(Carer, OwnChildren);
const YOUNG_PERSON: Grant = grant(YoungPerson, OwnChildren);

/// Record-keeping about the child: the Virtual School, the child's social worker, and the
/// service administrator (corrections).
const CHILD_RECORD_KEEPERS: &[Grant] = &[VIRTUAL_SCHOOL, SOCIAL_WORKER, ADMIN];
/// School facts: the Virtual School and the school's designated teacher.
const SCHOOL_FACT_KEEPERS: &[Grant] = &[VIRTUAL_SCHOOL, DESIGNATED_TEACHER];
/// The professionals who run a PEP.
const PEP_PROFESSIONALS: &[Grant] = &[VIRTUAL_SCHOOL, DESIGNATED_TEACHER, SOCIAL_WORKER];
/// Everyone who writes part of a PEP; which section each may write is the domain's rule.
const PEP_CONTRIBUTORS: &[Grant] = &[
    VIRTUAL_SCHOOL,
    DESIGNATED_TEACHER,
    SOCIAL_WORKER,
    CARER,
    YOUNG_PERSON,
];
const VIRTUAL_SCHOOL_ONLY: &[Grant] = &[VIRTUAL_SCHOOL];

/// The authorisation table.
pub const RULES: &[Rule] = &[
    Rule {
        operation: Operation::RegisterChild,
        routes: &[("POST", "/api/v1/children")],
        grants: &[VIRTUAL_SCHOOL, SOCIAL_WORKER_IN_LA, ADMIN],
    },
    Rule {
        operation: Operation::UpdateChildDetails,
        routes: &[("PUT", "/api/v1/children/{child_id}/details")],
        grants: CHILD_RECORD_KEEPERS,
    },
    Rule {
        operation: Operation::RecordEpisode,
        routes: &[("POST", "/api/v1/children/{child_id}/episodes")],
        grants: CHILD_RECORD_KEEPERS,
    },
    Rule {
        operation: Operation::ChangeEducationSetting,
        routes: &[("POST", "/api/v1/children/{child_id}/education-settings")],
        grants: CHILD_RECORD_KEEPERS,
    },
    Rule {
        operation: Operation::AssignPerson,
        routes: &[("POST", "/api/v1/children/{child_id}/assignments")],
        grants: CHILD_RECORD_KEEPERS,
    },
    Rule {
        operation: Operation::RecordSenStatus,
        routes: &[("POST", "/api/v1/children/{child_id}/sen-status")],
        grants: PEP_PROFESSIONALS,
    },
    Rule {
        operation: Operation::RecordAttendance,
        routes: &[("POST", "/api/v1/children/{child_id}/attendance")],
        grants: SCHOOL_FACT_KEEPERS,
    },
    Rule {
        operation: Operation::RecordExclusion,
        routes: &[("POST", "/api/v1/children/{child_id}/exclusions")],
        grants: SCHOOL_FACT_KEEPERS,
    },
    Rule {
        operation: Operation::RecordAttainment,
        routes: &[("POST", "/api/v1/children/{child_id}/attainment")],
        grants: SCHOOL_FACT_KEEPERS,
    },
    Rule {
        operation: Operation::InitiatePep,
        routes: &[("POST", "/api/v1/children/{child_id}/peps")],
        grants: &[VIRTUAL_SCHOOL, SOCIAL_WORKER],
    },
    Rule {
        operation: Operation::DraftSection,
        routes: &[("PUT", "/api/v1/peps/{pep_id}/sections/{section}")],
        grants: PEP_CONTRIBUTORS,
    },
    Rule {
        operation: Operation::CompleteSection,
        routes: &[("POST", "/api/v1/peps/{pep_id}/sections/{section}/complete")],
        grants: PEP_CONTRIBUTORS,
    },
    Rule {
        operation: Operation::ScheduleMeeting,
        routes: &[("POST", "/api/v1/peps/{pep_id}/meetings")],
        grants: PEP_PROFESSIONALS,
    },
    Rule {
        operation: Operation::HoldMeeting,
        routes: &[("POST", "/api/v1/peps/{pep_id}/meetings/{meeting_id}/held")],
        grants: PEP_PROFESSIONALS,
    },
    Rule {
        operation: Operation::RecordChildViews,
        routes: &[("POST", "/api/v1/peps/{pep_id}/child-views")],
        grants: PEP_CONTRIBUTORS,
    },
    Rule {
        operation: Operation::SetTarget,
        routes: &[("POST", "/api/v1/peps/{pep_id}/targets")],
        grants: PEP_PROFESSIONALS,
    },
    Rule {
        operation: Operation::ReviewTarget,
        routes: &[("POST", "/api/v1/peps/{pep_id}/targets/{target_id}/review")],
        grants: PEP_PROFESSIONALS,
    },
    Rule {
        operation: Operation::AgreeAction,
        routes: &[("POST", "/api/v1/peps/{pep_id}/actions")],
        grants: PEP_PROFESSIONALS,
    },
    Rule {
        operation: Operation::CompleteAction,
        routes: &[("POST", "/api/v1/peps/{pep_id}/actions/{action_id}/complete")],
        grants: PEP_PROFESSIONALS,
    },
    Rule {
        operation: Operation::SubmitPep,
        routes: &[("POST", "/api/v1/peps/{pep_id}/submit")],
        grants: PEP_PROFESSIONALS,
    },
    Rule {
        operation: Operation::ReturnPep,
        routes: &[("POST", "/api/v1/peps/{pep_id}/return")],
        grants: VIRTUAL_SCHOOL_ONLY,
    },
    Rule {
        operation: Operation::QualityAssurePep,
        routes: &[("POST", "/api/v1/peps/{pep_id}/quality-assurance")],
        grants: VIRTUAL_SCHOOL_ONLY,
    },
    Rule {
        operation: Operation::SignOffPep,
        routes: &[("POST", "/api/v1/peps/{pep_id}/sign-off")],
        grants: VIRTUAL_SCHOOL_ONLY,
    },
    Rule {
        operation: Operation::WithdrawPep,
        routes: &[("POST", "/api/v1/peps/{pep_id}/withdraw")],
        grants: &[VIRTUAL_SCHOOL, SOCIAL_WORKER, ADMIN],
    },
    Rule {
        operation: Operation::UploadAttachment,
        routes: &[("POST", "/api/v1/peps/{pep_id}/attachments")],
        grants: PEP_CONTRIBUTORS,
    },
    Rule {
        operation: Operation::SetFundingBudget,
        routes: &[("PUT", "/api/v1/funding/{la}/{financial_year}/budget")],
        grants: VIRTUAL_SCHOOL_ONLY,
    },
    Rule {
        operation: Operation::RequestFunding,
        routes: &[("POST", "/api/v1/funding/{la}/{financial_year}/requests")],
        grants: SCHOOL_FACT_KEEPERS,
    },
    Rule {
        operation: Operation::AllocateFunding,
        routes: &[(
            "POST",
            "/api/v1/funding/{la}/{financial_year}/requests/{request_id}/allocate",
        )],
        grants: VIRTUAL_SCHOOL_ONLY,
    },
    Rule {
        operation: Operation::RecordFundingPayment,
        routes: &[(
            "POST",
            "/api/v1/funding/{la}/{financial_year}/requests/{request_id}/payments",
        )],
        grants: VIRTUAL_SCHOOL_ONLY,
    },
    Rule {
        operation: Operation::RejectFunding,
        routes: &[(
            "POST",
            "/api/v1/funding/{la}/{financial_year}/requests/{request_id}/reject",
        )],
        grants: VIRTUAL_SCHOOL_ONLY,
    },
    Rule {
        operation: Operation::RecordFundingImpact,
        routes: &[(
            "POST",
            "/api/v1/funding/{la}/{financial_year}/requests/{request_id}/impact",
        )],
        grants: SCHOOL_FACT_KEEPERS,
    },
    Rule {
        operation: Operation::ShareChildRecord,
        // The placing LA decides who else sees its child: its Virtual School and its service
        // administrator. LA-wide writes never carry over to an LA the record is shared with, so
        // a host LA can neither share the record onwards nor end the sharing.
        routes: &[
            ("POST", "/api/v1/children/{child_id}/sharing"),
            ("POST", "/api/v1/children/{child_id}/sharing/{la}/end"),
        ],
        grants: &[VIRTUAL_SCHOOL, ADMIN],
    },
    Rule {
        operation: Operation::ReadChildRecord,
        // The cohort routes (compliance and its summary, funding) also need a reach over the
        // whole LA, and list only the caller's own LA's children, never those shared with it.
        routes: &[
            ("GET", "/api/v1/children"),
            ("GET", "/api/v1/children/{child_id}"),
            ("GET", "/api/v1/children/{child_id}/timeline"),
            ("GET", "/api/v1/children/{child_id}/peps"),
            ("GET", "/api/v1/children/{child_id}/funding"),
            ("GET", "/api/v1/peps/{pep_id}"),
            ("GET", "/api/v1/peps/{pep_id}/attachments"),
            ("GET", "/api/v1/peps/{pep_id}/attachments/{attachment_id}"),
            ("GET", "/api/v1/compliance"),
            ("GET", "/api/v1/compliance/summary"),
            ("GET", "/api/v1/funding"),
            ("GET", "/api/v1/funding/remittance"),
        ],
        grants: &[
            VIRTUAL_SCHOOL,
            DESIGNATED_TEACHER,
            SOCIAL_WORKER,
            CARER,
            YOUNG_PERSON,
            grant(Iro, ReviewedChildren),
            grant(Auditor, LocalAuthority),
            ADMIN,
        ],
    },
    Rule {
        operation: Operation::QueryAccessLog,
        // Evidence for auditors: the access log, replays and the hash-chain verification.
        routes: &[
            ("GET", "/api/v1/audit/access-log"),
            ("GET", "/api/v1/audit/children/{child_id}"),
            ("GET", "/api/v1/audit/verify"),
        ],
        grants: &[grant(Auditor, LocalAuthority), ADMIN],
    },
    Rule {
        operation: Operation::PostFeed,
        routes: &[
            ("POST", "/api/v1/inbound/child"),
            ("POST", "/api/v1/inbound/placement"),
        ],
        grants: &[grant(Integration, LocalAuthority)],
    },
    Rule {
        operation: Operation::ManageInboundRejections,
        // Refused feed messages carry children's details: the Virtual School and the service
        // administrator of the LA look after them; the sending system sees its answer at once.
        routes: &[
            ("GET", "/api/v1/inbound/rejections"),
            ("GET", "/api/v1/inbound/rejections/{rejection_id}"),
            ("POST", "/api/v1/inbound/rejections/{rejection_id}/resubmit"),
        ],
        grants: &[VIRTUAL_SCHOOL, ADMIN],
    },
    Rule {
        operation: Operation::ReadDataQuality,
        routes: &[("GET", "/api/v1/data-quality")],
        grants: &[VIRTUAL_SCHOOL, grant(Auditor, LocalAuthority), ADMIN],
    },
    // --- IRO notice delivery (crate::notify) ---
    Rule {
        operation: Operation::ManageWebhooks,
        routes: &[
            ("POST", "/api/v1/webhooks"),
            ("GET", "/api/v1/webhooks"),
            ("DELETE", "/api/v1/webhooks/{webhook_id}"),
        ],
        grants: &[VIRTUAL_SCHOOL, ADMIN],
    },
    Rule {
        operation: Operation::ReadNoticeDeliveries,
        routes: &[("GET", "/api/v1/notices/{notice_id}/deliveries")],
        grants: &[VIRTUAL_SCHOOL, ADMIN],
    },
    Rule {
        operation: Operation::RetryNoticeDelivery,
        routes: &[(
            "POST",
            "/api/v1/notices/{notice_id}/deliveries/{delivery_id}/retry",
        )],
        grants: &[VIRTUAL_SCHOOL, ADMIN],
    },
    Rule {
        // Each reads only the notices addressed to them: an IRO their own (by `iro_id`), a
        // social worker their copies, the Virtual School the LA's copies.
        operation: Operation::ReadInbox,
        routes: &[
            ("GET", "/api/v1/inbox"),
            ("POST", "/api/v1/inbox/{notice_id}/read"),
        ],
        grants: &[grant(Iro, ReviewedChildren), SOCIAL_WORKER, VIRTUAL_SCHOOL],
    },
];
