//! Writing a PEP through the pages, over plain HTTP as a browser sends the forms: starting one,
//! each role offered and allowed only its own sections (a forced edit of another's answers 403
//! and changes nothing), two people saving the same section (the second sees both versions and
//! saves a merge), a save refused once the PEP is submitted keeping the text, the autosave's
//! JSON, a form sent twice recording once, and a step the rules refuse saying why.

use super::demo_service;
use super::user::{WebUser, csrf_token, first_link};
use crate::client::send;
use crate::service::virtual_school_token;
use chrono::Datelike;
use serde_json::{Value, json};
use std::time::Duration;

const LA: &str = "831";

/// The demonstration carer's child, found by signing in as the carer.
pub(super) async fn carers_child(address: std::net::SocketAddr) -> String {
    for _ in 0..100 {
        let mut carer = WebUser::new(address);
        carer.sign_in_as("carer").await;
        let mine = carer.get("/my-children").await.text();
        if let Some(link) = first_link(&mine, "/children/") {
            return link.trim_start_matches("/children/").to_owned();
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("the demonstration carer never had a child");
}

/// Withdraws the child's open PEP, if any, through the API, so a new one can be started.
pub(super) async fn close_open_pep(address: std::net::SocketAddr, child_id: &str) {
    let peps = send(
        address,
        "GET",
        &format!("/api/v1/children/{child_id}/peps"),
        Some(&virtual_school_token(LA)),
        None,
    )
    .await
    .expect(200);
    if let Some(open) = peps["open_pep_id"].as_str() {
        send(
            address,
            "POST",
            &format!("/api/v1/peps/{open}/withdraw"),
            Some(&virtual_school_token(LA)),
            Some(&json!({"reason": "Replaced for the test"})),
        )
        .await
        .expect(200);
    }
}

/// The PEP as the API shows it.
async fn pep_json(address: std::net::SocketAddr, pep_id: &str) -> Value {
    send(
        address,
        "GET",
        &format!("/api/v1/peps/{pep_id}"),
        Some(&virtual_school_token(LA)),
        None,
    )
    .await
    .expect(200)["pep"]
        .clone()
}

fn section_text(pep: &Value, section: &str) -> Option<String> {
    pep["sections"][section]["content"]
        .as_str()
        .map(str::to_owned)
}

/// The value of the hidden input `name` on a page.
pub(super) fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no {name} on the page: {html}"))
        + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_write_their_own_parts_of_a_pep_and_nothing_typed_is_lost() {
    let (service, _directory) = demo_service(|_| {}).await;
    let address = service.address;
    let child_id = carers_child(address).await;
    close_open_pep(address, &child_id).await;

    // The Virtual School starts a PEP from the child's page.
    let mut officer = WebUser::new(address);
    officer.sign_in_as("virtual-school").await;
    let child_page = officer.get(&format!("/children/{child_id}")).await.text();
    let start_link = first_link(&child_page, &format!("/children/{child_id}/peps/new"))
        .expect("the child page offers to start a PEP");
    let form = officer.get(&start_link).await;
    assert_eq!(form.status, 200, "{}", form.text());
    let form_html = form.text();
    // Nothing chosen: the form comes back with the GOV.UK error summary.
    let empty = officer
        .post_form(
            &format!("/children/{child_id}/peps"),
            &[("csrf_token", &csrf_token(&form_html))],
        )
        .await;
    assert_eq!(empty.status, 422);
    assert!(empty.text().contains("There is a problem"));
    assert!(
        empty.text().contains("href=\"#kind-0\""),
        "{}",
        empty.text()
    );
    let started = officer
        .post_form(
            &format!("/children/{child_id}/peps"),
            &[
                ("csrf_token", &csrf_token(&form_html)),
                ("form_key", &hidden(&form_html, "form_key")),
                ("kind", "review"),
                ("trigger", "termly_review"),
            ],
        )
        .await;
    assert_eq!(started.status, 303, "{}", started.text());
    let location = started.header("location").unwrap().to_owned();
    assert!(location.ends_with("?done=started"), "{location}");
    let pep_path = location.trim_end_matches("?done=started").to_owned();
    let pep_id = pep_path.trim_start_matches("/peps/").to_owned();

    // The teacher is offered the school's sections and not the social worker's.
    let mut teacher = WebUser::new(address);
    teacher.sign_in_as("designated-teacher").await;
    let pep_page = teacher.get(&pep_path).await;
    assert_eq!(pep_page.status, 200, "{}", pep_page.text());
    let html = pep_page.text();
    assert!(html.contains(&format!("{pep_path}/sections/education_history")));
    assert!(!html.contains(&format!("{pep_path}/sections/care_context")));
    // Forced, the social worker's section is refused and nothing changes.
    let before = pep_json(address, &pep_id).await;
    let forced = teacher
        .post_form(
            &format!("{pep_path}/sections/care_context"),
            &[
                ("csrf_token", &csrf_token(&html)),
                ("content", "Written by the wrong person"),
                ("based_on_revision", "0"),
            ],
        )
        .await;
    assert_eq!(forced.status, 403, "{}", forced.text());
    assert!(forced.text().contains("Social worker"), "{}", forced.text());
    assert_eq!(pep_json(address, &pep_id).await, before);

    // The teacher and a Virtual School officer open the same section; the officer saves first.
    let editor = teacher
        .get(&format!("{pep_path}/sections/education_history"))
        .await;
    assert_eq!(editor.status, 200, "{}", editor.text());
    let teacher_form = editor.text();
    let officer_form = officer
        .get(&format!("{pep_path}/sections/education_history"))
        .await
        .text();
    let officer_saved = officer
        .post_form(
            &format!("{pep_path}/sections/education_history"),
            &[
                ("csrf_token", &csrf_token(&officer_form)),
                ("form_key", &hidden(&officer_form, "form_key")),
                (
                    "based_on_revision",
                    &hidden(&officer_form, "based_on_revision"),
                ),
                ("content", "Attended Oakfield Primary from Reception."),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(officer_saved.status, 303, "{}", officer_saved.text());
    // The teacher's save from the older revision shows both versions and keeps theirs.
    let theirs = "Moved to Hill Top in Year 4 after a placement move; settled well.";
    let conflict = teacher
        .post_form(
            &format!("{pep_path}/sections/education_history"),
            &[
                ("csrf_token", &csrf_token(&teacher_form)),
                ("form_key", &hidden(&teacher_form, "form_key")),
                (
                    "based_on_revision",
                    &hidden(&teacher_form, "based_on_revision"),
                ),
                ("content", theirs),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(conflict.status, 409, "{}", conflict.text());
    let conflict_html = conflict.text();
    assert!(conflict_html.contains("Someone else saved this section"));
    assert!(conflict_html.contains("Attended Oakfield Primary from Reception."));
    assert!(conflict_html.contains(theirs));
    assert_eq!(
        section_text(&pep_json(address, &pep_id).await, "education_history").as_deref(),
        Some("Attended Oakfield Primary from Reception."),
        "the second save overwrote the first"
    );
    // The teacher saves a merge of the two, from the revision the conflict page carries.
    let merged = "Attended Oakfield Primary from Reception.\n\nMoved to Hill Top in Year 4 after a placement move; settled well.";
    let saved = teacher
        .post_form(
            &format!("{pep_path}/sections/education_history"),
            &[
                ("csrf_token", &csrf_token(&conflict_html)),
                ("form_key", &hidden(&conflict_html, "form_key")),
                (
                    "based_on_revision",
                    &hidden(&conflict_html, "based_on_revision"),
                ),
                ("content", merged),
                ("intent", "complete"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.text());
    assert!(
        saved
            .header("location")
            .unwrap()
            .ends_with("?done=completed")
    );
    let pep = pep_json(address, &pep_id).await;
    assert_eq!(
        section_text(&pep, "education_history").as_deref(),
        Some(merged)
    );

    // The autosave answers the new revision, and the other person's when they saved first.
    let draft_form = teacher
        .get(&format!("{pep_path}/sections/attendance_and_conduct"))
        .await
        .text();
    let autosaved = teacher
        .post_form(
            &format!("{pep_path}/sections/attendance_and_conduct/autosave"),
            &[
                ("csrf_token", &csrf_token(&draft_form)),
                ("based_on_revision", "0"),
                ("content", "Attendance 96% this term."),
            ],
        )
        .await;
    assert_eq!(autosaved.status, 200, "{}", autosaved.text());
    assert_eq!(autosaved.json()["revision"], 1);
    let stale = teacher
        .post_form(
            &format!("{pep_path}/sections/attendance_and_conduct/autosave"),
            &[
                ("csrf_token", &csrf_token(&draft_form)),
                ("based_on_revision", "0"),
                ("content", "Attendance 95% this term."),
            ],
        )
        .await;
    assert_eq!(stale.status, 409, "{}", stale.text());
    assert_eq!(stale.json()["content"], "Attendance 96% this term.");

    // A target form sent twice (a double click) records one target.
    let target_form = teacher.get(&format!("{pep_path}/targets/new")).await;
    assert_eq!(target_form.status, 200, "{}", target_form.text());
    let target_html = target_form.text();
    let next_year = chrono::Utc::now().date_naive().year() + 1;
    let year = next_year.to_string();
    let fields = [
        ("csrf_token", csrf_token(&target_html)),
        ("form_key", hidden(&target_html, "form_key")),
        ("area", "Reading".to_owned()),
        (
            "description",
            "Read a Year 5 book aloud with fewer than five errors a page".to_owned(),
        ),
        (
            "success_criterion",
            "Reading age from 8y2m to 9y0m on the termly test".to_owned(),
        ),
        ("owner", "0".to_owned()),
        ("due_on-day", "1".to_owned()),
        ("due_on-month", "3".to_owned()),
        ("due_on-year", year.clone()),
        ("horizon", "short_term".to_owned()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    for _ in 0..2 {
        let added = teacher
            .post_form(&format!("{pep_path}/targets/new"), &fields)
            .await;
        assert_eq!(added.status, 303, "{}", added.text());
    }
    let pep = pep_json(address, &pep_id).await;
    let set_here = pep["targets"]
        .as_object()
        .unwrap()
        .values()
        .filter(|target| {
            target["description"]
                .as_str()
                .unwrap_or_default()
                .starts_with("Read a Year 5")
        })
        .count();
    assert_eq!(set_here, 1, "{pep}");
    // A date that is not one is named, and what was typed stays.
    let mut bad_date = fields.clone();
    bad_date[1] = ("form_key", "another-key");
    bad_date[6] = ("due_on-day", "31");
    bad_date[7] = ("due_on-month", "2");
    let refused = teacher
        .post_form(&format!("{pep_path}/targets/new"), &bad_date)
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text());
    assert!(
        refused.text().contains("The date must be a real date"),
        "{}",
        refused.text()
    );
    assert!(refused.text().contains("Reading age from 8y2m to 9y0m"));

    // Submitting before the PEP is ready is refused with what it still needs.
    let not_ready = teacher
        .post_form(
            &format!("{pep_path}/submit"),
            &[("csrf_token", &csrf_token(&html))],
        )
        .await;
    assert_eq!(not_ready.status, 422, "{}", not_ready.text());
    assert!(not_ready.text().contains("This could not be done"));
    assert!(
        not_ready.text().contains("not complete"),
        "{}",
        not_ready.text()
    );

    // Once the PEP is closed (here withdrawn through the API, as if by someone else), a save
    // keeps the text on the page with why it was not saved.
    send(
        address,
        "POST",
        &format!("/api/v1/peps/{pep_id}/withdraw"),
        Some(&virtual_school_token(LA)),
        Some(&json!({"reason": "Closed while the teacher was writing"})),
    )
    .await
    .expect(200);
    let late = teacher
        .post_form(
            &format!("{pep_path}/sections/attainment_and_progress"),
            &[
                ("csrf_token", &csrf_token(&html)),
                ("based_on_revision", "0"),
                ("content", "Working at the expected standard in maths."),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(late.status, 409, "{}", late.text());
    assert!(late.text().contains("Your text was not saved"));
    assert!(
        late.text()
            .contains("Working at the expected standard in maths.")
    );
    service.stop().await;
}
