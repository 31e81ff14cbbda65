//! Two people writing the same section: the second, who started from an older revision, is
//! answered 409 `pep.section_changed` with the text stored now and its revision, and nothing is
//! appended; drafting again from that revision is accepted.

use crate::fixtures::{child_in_care, id};
use crate::support::{Backend, TestApp, Who, on_both_back_ends};
use serde_json::json;

async fn a_draft_from_an_older_revision_is_refused_with_the_other_text(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let child_id = child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let virtual_school = Who::new("virtual_school", "831").token();
    let pep = app
        .post(
            &format!("/api/v1/children/{child_id}/peps"),
            &virtual_school,
            &json!({"kind": "initial", "trigger": "entered_care"}),
        )
        .await
        .ok();
    let pep_id = id(&pep, "pep_id");
    let teacher = Who::new("designated_teacher", "831")
        .school("100001")
        .token();
    let path = format!("/api/v1/peps/{pep_id}/sections/attainment_and_progress");
    app.put(
        &path,
        &teacher,
        &json!({"content": "Reading age 8.5", "based_on_revision": 0}),
    )
    .await
    .ok();
    let head = app.head().await;
    let refused = app
        .put(
            &path,
            &virtual_school,
            &json!({"content": "Maths at expected standard", "based_on_revision": 0}),
        )
        .await
        .assert_problem(409, "state-conflict");
    assert_eq!(refused["rule"], "pep.section_changed");
    assert_eq!(refused["current_revision"], 1);
    assert_eq!(refused["current_content"], "Reading age 8.5");
    assert_eq!(app.head().await, head, "nothing is appended");
    app.put(
        &path,
        &virtual_school,
        &json!({"content": "Reading age 8.5. Maths at expected standard", "based_on_revision": 1}),
    )
    .await
    .ok();
    let shown = app
        .get(&format!("/api/v1/peps/{pep_id}"), &virtual_school)
        .await
        .ok();
    assert_eq!(
        shown["pep"]["sections"]["attainment_and_progress"]["revision"], 2,
        "{shown}"
    );
}

on_both_back_ends!(a_draft_from_an_older_revision_is_refused_with_the_other_text);
