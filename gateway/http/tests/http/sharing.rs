//! Sharing a child's record with another LA, end to end: the placing LA shares the record of a
//! child placed out of area; the host LA's designated teacher then writes the school's part of
//! the PEP and reads the timeline (each read logged with both LAs); the host LA's Virtual School
//! reads the record but cannot end the sharing, and its cohort never lists the child; once the
//! placing LA ends the sharing, the same requests answer 404 again. Sharing with the child's own
//! LA is a rule violation, and sharing twice writes nothing the second time.

use crate::fixtures::{child_in_care, id};
use crate::support::{Backend, TestApp, Who, on_both_back_ends};
use domain::ids::ChildId;
use domain::values::LaCode;
use pep_records::AccessLogQuery;
use serde_json::{Value, json};
use uuid::Uuid;

on_both_back_ends!(
    a_host_la_teacher_works_on_a_shared_record_until_sharing_ends,
    sharing_with_the_childs_own_la_is_refused_with_a_rule,
    sharing_twice_writes_nothing_the_second_time
);

/// A child of the placing LA 832, on roll at school 100001 in the host LA 831, with a PEP open.
async fn placed_out_of_area(app: &TestApp) -> (Uuid, Uuid) {
    let child_id = child_in_care(app, "832", "100001", "sw-832", "iro-832").await;
    let initiated = app
        .post(
            &format!("/api/v1/children/{child_id}/peps"),
            &Who::new("virtual_school", "832").token(),
            &json!({"kind": "initial", "trigger": "entered_care", "initiated_on": "2024-09-10"}),
        )
        .await
        .ok();
    (child_id, id(&initiated, "pep_id"))
}

fn host_teacher() -> String {
    Who::new("designated_teacher", "831")
        .sub("dt-host")
        .school("100001")
        .token()
}

fn summaries(timeline: &Value) -> Vec<String> {
    timeline["entries"]
        .as_array()
        .unwrap_or_else(|| panic!("no entries in {timeline}"))
        .iter()
        .map(|entry| entry["summary"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn access_query(child_la: &str, child_id: Uuid) -> AccessLogQuery {
    AccessLogQuery {
        la: LaCode::parse(child_la).unwrap(),
        child_id: Some(ChildId::from_uuid(child_id)),
        actor_id: None,
        from: None,
        to: None,
        limit: 1000,
    }
}

async fn a_host_la_teacher_works_on_a_shared_record_until_sharing_ends(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (child_id, pep_id) = placed_out_of_area(&app).await;
    let placing = Who::new("virtual_school", "832").token();
    let host_virtual_school = Who::new("virtual_school", "831").token();
    let teacher = host_teacher();
    let section = format!("/api/v1/peps/{pep_id}/sections/attendance_and_conduct");
    let timeline = format!("/api/v1/children/{child_id}/timeline");
    let draft = json!({"content": "Settled quickly; attendance 96% this half term."});

    // Not shared yet: another LA's child, as if it did not exist.
    let head = app.head().await;
    app.put(&section, &teacher, &draft)
        .await
        .assert_problem(404, "not-found");
    app.get(&timeline, &teacher)
        .await
        .assert_problem(404, "not-found");
    assert_eq!(app.head().await, head);

    let shared = app
        .post(
            &format!("/api/v1/children/{child_id}/sharing"),
            &placing,
            &json!({"la": "831", "reason": "Placed with foster carers in 831",
                    "shared_on": "2025-01-06"}),
        )
        .await
        .ok();
    assert!(shared["position"].is_u64(), "{shared}");
    let events = app.events(&format!("child-{child_id}")).await;
    let last = events.last().unwrap();
    assert_eq!(last.event_type, "ChildRecordShared");
    assert_eq!(last.payload["with_la"], "831");
    assert_eq!(last.payload["shared_on"], "2025-01-06");

    // The host school's designated teacher writes the school's section of the PEP.
    let drafted = app.put(&section, &teacher, &draft).await.ok();
    assert!(drafted["position"].is_u64(), "{drafted}");
    let pep_events = app.events(&format!("pep-{pep_id}")).await;
    let last = pep_events.last().unwrap();
    assert_eq!(last.actor.id, "dt-host");

    // ...and reads the timeline, which shows the sharing; the read is logged with both LAs.
    app.catch_up().await;
    let before = app
        .records
        .access_log(&access_query("832", child_id))
        .await
        .unwrap()
        .len();
    let read = app.get(&timeline, &teacher).await.ok();
    assert!(
        summaries(&read)
            .contains(&"Record shared with LA 831: Placed with foster carers in 831".to_owned()),
        "{read}"
    );
    let entries = app
        .records
        .access_log(&access_query("832", child_id))
        .await
        .unwrap();
    assert_eq!(entries.len(), before + 1);
    let entry = &entries[0];
    assert_eq!(
        (
            entry.actor_id.as_str(),
            entry.actor_la.as_str(),
            entry.child_la.as_str()
        ),
        ("dt-host", "831", "832")
    );
    // The placing LA's auditor sees the host's read; the host LA's auditor, reading its own
    // LA's children only, does not.
    let placing_log = app
        .get(
            &format!("/api/v1/audit/access-log?child_id={child_id}"),
            &Who::new("auditor", "832").token(),
        )
        .await
        .ok();
    assert!(placing_log.to_string().contains("dt-host"), "{placing_log}");
    let host_log = app
        .get(
            &format!("/api/v1/audit/access-log?child_id={child_id}"),
            &Who::new("auditor", "831").token(),
        )
        .await
        .ok();
    assert_eq!(host_log["entries"], json!([]));

    // The host LA's Virtual School reads the record, which says whom it is shared with, but the
    // sharing is the placing LA's to end, and the host's cohort never lists the child (the
    // placing LA's does).
    let record = app
        .get(
            &format!("/api/v1/children/{child_id}"),
            &host_virtual_school,
        )
        .await
        .ok();
    assert_eq!(record["record"]["shared_with"], json!(["831"]), "{record}");
    assert_eq!(record["record"]["la"], "832");
    let head = app.head().await;
    app.post(
        &format!("/api/v1/children/{child_id}/sharing/831/end"),
        &host_virtual_school,
        &json!({}),
    )
    .await
    .assert_problem(404, "not-found");
    assert_eq!(app.head().await, head);
    let host_cohort = app.get("/api/v1/compliance", &host_virtual_school).await;
    assert!(!host_cohort.ok().to_string().contains(&child_id.to_string()));
    let placing_cohort = app.get("/api/v1/compliance", &placing).await;
    assert!(
        placing_cohort
            .ok()
            .to_string()
            .contains(&child_id.to_string())
    );

    let ended = app
        .post(
            &format!("/api/v1/children/{child_id}/sharing/831/end"),
            &placing,
            &json!({"ended_on": "2025-04-04"}),
        )
        .await
        .ok();
    assert!(ended["position"].is_u64(), "{ended}");
    app.catch_up().await;
    let placing_timeline = app.get(&timeline, &placing).await.ok();
    assert!(
        summaries(&placing_timeline).contains(&"Sharing with LA 831 ended".to_owned()),
        "{placing_timeline}"
    );
    let record = app
        .get(&format!("/api/v1/children/{child_id}"), &placing)
        .await
        .ok();
    assert_eq!(record["record"]["shared_with"], json!([]), "{record}");

    // Sharing ended: the same requests answer 404, write nothing and log nothing.
    let head = app.head().await;
    let logged = app
        .records
        .access_log(&access_query("832", child_id))
        .await
        .unwrap()
        .len();
    app.put(&section, &teacher, &draft)
        .await
        .assert_problem(404, "not-found");
    app.get(&timeline, &teacher)
        .await
        .assert_problem(404, "not-found");
    app.get(
        &format!("/api/v1/children/{child_id}"),
        &host_virtual_school,
    )
    .await
    .assert_problem(404, "not-found");
    assert_eq!(app.head().await, head);
    assert_eq!(
        app.records
            .access_log(&access_query("832", child_id))
            .await
            .unwrap()
            .len(),
        logged
    );
}

async fn sharing_with_the_childs_own_la_is_refused_with_a_rule(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (child_id, _) = placed_out_of_area(&app).await;
    let head = app.head().await;
    let problem = app
        .post(
            &format!("/api/v1/children/{child_id}/sharing"),
            &Who::new("virtual_school", "832").token(),
            &json!({"la": "832", "reason": "Placed within the LA"}),
        )
        .await
        .assert_problem(422, "validation");
    assert_eq!(problem["rule"], "child.share_with_own_la");
    assert_eq!(problem["errors"][0]["path"], "la");
    let detail = problem["detail"].as_str().unwrap_or_default().to_owned()
        + problem["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(detail.contains("LA 832"), "{problem}");
    assert_eq!(app.head().await, head);
}

async fn sharing_twice_writes_nothing_the_second_time(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (child_id, _) = placed_out_of_area(&app).await;
    let placing = Who::new("admin", "832").token();
    let sharing = format!("/api/v1/children/{child_id}/sharing");
    let first = app
        .post(
            &sharing,
            &placing,
            &json!({"la": "831", "reason": "Placed out of area"}),
        )
        .await
        .ok();
    assert!(first["position"].is_u64(), "{first}");
    let head = app.head().await;
    let second = app
        .post(
            &sharing,
            &placing,
            &json!({"la": "831", "reason": "Asked again"}),
        )
        .await
        .ok();
    assert_eq!(second["position"], Value::Null, "{second}");
    assert_eq!(second["version"], first["version"]);
    assert_eq!(app.head().await, head);
    let shares = app
        .events(&format!("child-{child_id}"))
        .await
        .iter()
        .filter(|event| event.event_type == "ChildRecordShared")
        .count();
    assert_eq!(shares, 1);

    // Bad input and a share that does not exist are refused, and write nothing either.
    app.post(&sharing, &placing, &json!({"la": "831", "reason": "  "}))
        .await
        .assert_problem(422, "validation");
    app.post(
        &sharing,
        &placing,
        &json!({"la": "83", "reason": "Placed out of area"}),
    )
    .await
    .assert_problem(422, "validation");
    let not_shared = app
        .post(
            &format!("/api/v1/children/{child_id}/sharing/830/end"),
            &placing,
            &json!({}),
        )
        .await
        .assert_problem(409, "state-conflict");
    assert_eq!(not_shared["rule"], "child.not_shared");
    app.post(
        &format!("/api/v1/children/{child_id}/sharing/8x0/end"),
        &placing,
        &json!({}),
    )
    .await
    .assert_problem(422, "validation");
    assert_eq!(app.head().await, head);
}
