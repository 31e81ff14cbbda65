//! Records built through the API itself: a child in care at a school with a social worker and
//! an IRO, a PEP taken to submission, a file uploaded for it, a PP+ budget and a request.

use crate::support::{TestApp, Who};
use serde_json::{Value, json};
use uuid::Uuid;

/// A valid UPN (its check letter is right).
pub const VALID_UPN: &str = "H801200001001";
/// A UPN whose check letter is wrong.
pub const WRONG_CHECK_LETTER_UPN: &str = "Z801200001001";
/// The financial year the fixtures' PP+ uses.
pub const FINANCIAL_YEAR: &str = "2024-25";

pub fn id(body: &Value, field: &str) -> Uuid {
    body[field]
        .as_str()
        .and_then(|text| Uuid::parse_str(text).ok())
        .unwrap_or_else(|| panic!("no {field} in {body}"))
}

pub fn register_body(la: &str, la_child_id: &str) -> Value {
    json!({
        "la": la,
        "la_child_id": la_child_id,
        "details": {"date_of_birth": "2012-05-14", "sex": "F", "upn": VALID_UPN,
                    "given_name": "Amy", "family_name": "Example"}
    })
}

pub fn episode_body() -> Value {
    json!({"episode": {"start_date": "2024-09-02", "reason_new_episode": "S",
        "legal_status": "C2", "placement_type": "U4", "placement_provider": "PR1"}})
}

/// A child of `la`, looked after, on roll at `school`, with `social_worker` and `iro` assigned.
pub async fn child_in_care(
    app: &TestApp,
    la: &str,
    school: &str,
    social_worker: &str,
    iro: &str,
) -> Uuid {
    let virtual_school = Who::new("virtual_school", la).token();
    let registered = app
        .post(
            "/api/v1/children",
            &virtual_school,
            &register_body(la, &Uuid::now_v7().simple().to_string()),
        )
        .await
        .ok();
    let child_id = id(&registered, "child_id");
    let child = format!("/api/v1/children/{child_id}");
    app.post(
        &format!("{child}/episodes"),
        &virtual_school,
        &episode_body(),
    )
    .await
    .ok();
    app.post(
        &format!("{child}/education-settings"),
        &virtual_school,
        &json!({"setting": {"urn": school, "name": "Example School"}, "started_on": "2024-09-02"}),
    )
    .await
    .ok();
    for (role, person) in [("social_worker", social_worker), ("iro", iro)] {
        app.post(
            &format!("{child}/assignments"),
            &virtual_school,
            &json!({"role": role, "person": {"id": person, "name": "A Person"}, "from": "2024-09-02"}),
        )
        .await
        .ok();
    }
    child_id
}

/// Ids of a PEP and what is in it.
#[derive(Debug, Clone, Copy)]
pub struct PepFixture {
    pub pep_id: Uuid,
    pub meeting_id: Uuid,
    pub target_id: Uuid,
    pub action_id: Uuid,
}

/// A PEP for the child, written by its designated teacher and social worker, its meeting held
/// on 1 Oct 2024 and submitted on 2 Oct 2024.
pub async fn submitted_pep(
    app: &TestApp,
    la: &str,
    child_id: Uuid,
    school: &str,
    social_worker: &str,
) -> PepFixture {
    submitted_pep_on(
        app,
        la,
        child_id,
        school,
        social_worker,
        "2024-10-01",
        "2024-10-02",
    )
    .await
}

/// As [`submitted_pep`], with the meeting held (and the child's views and the plan agreed) on
/// `held_on` and the PEP submitted on `submitted_on`.
pub async fn submitted_pep_on(
    app: &TestApp,
    la: &str,
    child_id: Uuid,
    school: &str,
    social_worker: &str,
    held_on: &str,
    submitted_on: &str,
) -> PepFixture {
    let virtual_school = Who::new("virtual_school", la).token();
    let teacher = Who::new("designated_teacher", la).school(school).token();
    let worker = Who::new("social_worker", la).sub(social_worker).token();
    let initiated = app
        .post(
            &format!("/api/v1/children/{child_id}/peps"),
            &virtual_school,
            &json!({"kind": "initial", "trigger": "entered_care", "initiated_on": "2024-09-10"}),
        )
        .await
        .ok();
    let pep_id = id(&initiated, "pep_id");
    let pep = format!("/api/v1/peps/{pep_id}");
    for section in [
        "education_history",
        "current_arrangements",
        "attendance_and_conduct",
        "attainment_and_progress",
    ] {
        app.put(
            &format!("{pep}/sections/{section}"),
            &teacher,
            &json!({"content": format!("{section} as the school sees it")}),
        )
        .await
        .ok();
        app.post(
            &format!("{pep}/sections/{section}/complete"),
            &teacher,
            &json!({}),
        )
        .await
        .ok();
    }
    app.put(
        &format!("{pep}/sections/care_context"),
        &worker,
        &json!({"content": "Settled with long-term foster carers."}),
    )
    .await
    .ok();
    app.post(
        &format!("{pep}/sections/care_context/complete"),
        &worker,
        &json!({}),
    )
    .await
    .ok();
    let meeting = app
        .post(
            &format!("{pep}/meetings"),
            &virtual_school,
            &json!({"scheduled_for": held_on,
                    "invitees": [{"id": "dt-1", "name": "D Teacher"}]}),
        )
        .await
        .ok();
    let meeting_id = id(&meeting, "meeting_id");
    app.post(
        &format!("{pep}/meetings/{meeting_id}/held"),
        &virtual_school,
        &json!({"held_on": held_on, "child_attended": true,
                "attendees": [{"person": {"id": "dt-1", "name": "D Teacher"},
                               "capacity": "designated teacher"}]}),
    )
    .await
    .ok();
    app.post(
        &format!("{pep}/child-views"),
        &virtual_school,
        &json!({"views": "I like maths and want to join the football team.",
                "in_own_words": true, "recorded_on": held_on}),
    )
    .await
    .ok();
    let target = app
        .post(
            &format!("{pep}/targets"),
            &virtual_school,
            &json!({"area": "literacy", "description": "Read a chapter book independently",
                    "success_criterion": "Reading age 10 on the spring assessment",
                    "owner": {"id": "dt-1", "name": "D Teacher"},
                    "set_on": held_on, "due_on": "2025-03-01", "horizon": "short_term"}),
        )
        .await
        .ok();
    let target_id = id(&target, "target_id");
    let action = app
        .post(
            &format!("{pep}/actions"),
            &virtual_school,
            &json!({"description": "Weekly reading sessions with a tutor",
                    "owner": {"id": "dt-1", "name": "D Teacher"},
                    "agreed_on": held_on, "due_on": "2024-12-01",
                    "target_id": target_id}),
        )
        .await
        .ok();
    let action_id = id(&action, "action_id");
    app.post(
        &format!("{pep}/submit"),
        &virtual_school,
        &json!({"submitted_on": submitted_on}),
    )
    .await
    .ok();
    PepFixture {
        pep_id,
        meeting_id,
        target_id,
        action_id,
    }
}

pub fn budget_body() -> Value {
    json!({"budget": "£100,000.00", "per_child_cap": 190000,
           "release_condition": "submitted", "impact_required_before_further_funding": false})
}

/// Sets the LA's PP+ budget for the fixtures' year.
pub async fn budget(app: &TestApp, la: &str) {
    app.put(
        &format!("/api/v1/funding/{la}/{FINANCIAL_YEAR}/budget"),
        &Who::new("virtual_school", la).token(),
        &budget_body(),
    )
    .await
    .ok();
}

pub fn funding_request_body(pep: &PepFixture) -> Value {
    json!({"pep_id": pep.pep_id, "target_ids": [pep.target_id], "amount": "£400.00",
           "purpose": "Reading tutor, 10 sessions", "intended_outcome": "Reading age up by a year",
           "requested_on": "2024-10-15"})
}

/// A PP+ request against the PEP's target.
pub async fn funding_request(app: &TestApp, la: &str, pep: &PepFixture) -> Uuid {
    let requested = app
        .post(
            &format!("/api/v1/funding/{la}/{FINANCIAL_YEAR}/requests"),
            &Who::new("virtual_school", la).token(),
            &funding_request_body(pep),
        )
        .await
        .ok();
    id(&requested, "funding_request_id")
}

/// A small PNG uploaded for the PEP by the Virtual School; its attachment id.
pub async fn attachment(app: &TestApp, la: &str, pep_id: Uuid) -> Uuid {
    let uploaded = app
        .send(
            axum::http::Request::post(format!(
                "/api/v1/peps/{pep_id}/attachments?file_name=drawing.png"
            ))
            .header(
                "authorization",
                format!("Bearer {}", Who::new("virtual_school", la).token()),
            )
            .header("content-type", "image/png")
            .body(axum::body::Body::from(&b"\x89PNG a drawing"[..]))
            .unwrap(),
        )
        .await
        .ok();
    id(&uploaded, "attachment_id")
}
