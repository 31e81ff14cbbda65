//! One PEP walked from initiation to sign-off in a real Chromium, each role writing its own
//! part: the Virtual School starts it and arranges the meeting; the designated teacher writes
//! the school's sections (one of them saved meanwhile by a Virtual School officer, so the
//! teacher sees both versions and saves a merge) and sets a SMART target; the social worker,
//! the carer and the young person write theirs; the meeting is recorded; the PEP is submitted,
//! returned with a reason, changed and resubmitted; the Virtual School rates it; the teacher asks
//! for PP+; the Virtual School signs it off, approves the PP+ and records its first payment; the
//! PDF downloads.
//! The chronology then shows every step as an event with its author. The editor's conflict
//! view, the PEP page, the quality-assurance queue and the PP+ page are photographed into
//! `docs/ui/`.

use super::browser::{check_page, sign_out};
use super::demo_service;
use super::editor::{carers_child, close_open_pep, hidden};
use super::user::{WebUser, csrf_token};
use crate::client::send;
use crate::service::virtual_school_token;
use fantoccini::Locator;
use std::time::Duration;
use tests::browser::Browser;

const LA: &str = "831";

async fn sign_in_as(browser: &Browser, base: &str, key: &str) {
    browser.goto(&format!("{base}/sign-in")).await;
    script(
        browser,
        &format!("document.querySelector('input[name=person][value=\"{key}\"]').click();"),
    )
    .await;
    browser.click_button("Sign in").await;
}

async fn script(browser: &Browser, code: &str) -> serde_json::Value {
    browser
        .client
        .execute(code, vec![])
        .await
        .unwrap_or_else(|error| panic!("{code}: {error}"))
}

/// Ticks the first radio or checkbox named `name`.
async fn tick_first(browser: &Browser, name: &str) {
    script(
        browser,
        &format!("document.querySelector('input[name=\"{name}\"]').click();"),
    )
    .await;
}

async fn fill_date(browser: &Browser, name: &str, day: chrono::NaiveDate) {
    use chrono::Datelike;
    for (part, value) in [
        ("day", day.day().to_string()),
        ("month", day.month().to_string()),
        ("year", day.year().to_string()),
    ] {
        let field = browser
            .client
            .find(Locator::Id(&format!("{name}-{part}")))
            .await
            .unwrap();
        field.clear().await.unwrap();
        field.send_keys(&value).await.unwrap();
    }
}

/// Writes a section from the PEP page and saves it complete.
async fn write_section(browser: &Browser, base: &str, pep_path: &str, section: &str, text: &str) {
    browser
        .goto(&format!("{base}{pep_path}/sections/{section}"))
        .await;
    browser.fill("Your text", text).await;
    browser.click_button("Save and mark as complete").await;
    let page = browser.text().await;
    assert!(
        page.contains("The section is marked complete."),
        "{section}: {page}"
    );
}

async fn page_words(browser: &Browser) -> String {
    browser
        .text()
        .await
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pep_is_walked_from_initiation_to_sign_off_by_every_role_in_a_real_browser() {
    let (service, _directory) = demo_service(|_| {}).await;
    let address = service.address;
    let base = format!("http://{address}");
    let child_id = carers_child(address).await;
    close_open_pep(address, &child_id).await;
    let browser = Browser::start().await;
    let today = chrono::Utc::now().date_naive();

    // The Virtual School starts the PEP and arranges its meeting.
    sign_in_as(&browser, &base, "virtual-school").await;
    browser.goto(&format!("{base}/children/{child_id}")).await;
    browser.click_link("Start a new PEP").await;
    browser.choose("Review PEP").await;
    browser.choose("The termly review").await;
    browser.click_button("Start the PEP").await;
    assert!(browser.text().await.contains("The PEP was started."));
    let pep_path = browser
        .current_path()
        .await
        .trim_end_matches("?done=started")
        .to_owned();
    browser.click_link("Arrange a meeting").await;
    fill_date(&browser, "scheduled_for", today).await;
    tick_first(&browser, "invitees").await;
    browser.click_button("Arrange the meeting").await;
    assert!(browser.text().await.contains("The meeting was arranged."));
    sign_out(&browser).await;

    // The designated teacher writes the school's sections. While they write the first, a
    // Virtual School officer saves it too: the teacher sees both and saves a merge.
    sign_in_as(&browser, &base, "designated-teacher").await;
    browser.goto(&format!("{base}{pep_path}")).await;
    assert!(
        !browser
            .has_link("Write Care context and planned changes")
            .await
    );
    browser
        .goto(&format!("{base}{pep_path}/sections/education_history"))
        .await;
    let mut officer = WebUser::new(address);
    officer.sign_in_as("virtual-school").await;
    let officer_form = officer
        .get(&format!("{pep_path}/sections/education_history"))
        .await
        .text();
    let revision = hidden(&officer_form, "based_on_revision");
    let saved = officer
        .post_form(
            &format!("{pep_path}/sections/education_history"),
            &[
                ("csrf_token", &csrf_token(&officer_form)),
                ("based_on_revision", &revision),
                ("content", "Attended Oakfield Primary from Reception."),
                ("intent", "save"),
            ],
        )
        .await;
    assert_eq!(saved.status, 303, "{}", saved.text());
    browser
        .fill(
            "Your text",
            "Moved schools in Year 4 after a placement move.",
        )
        .await;
    browser.click_button("Save draft").await;
    let conflict = browser.text().await;
    assert!(
        conflict.contains("Someone else saved this section")
            && conflict.contains("Attended Oakfield Primary from Reception."),
        "{conflict}"
    );
    check_page(&browser, "pep-editor-conflict").await;
    browser
        .fill(
            "Your version (edit it to merge the two)",
            "Attended Oakfield Primary from Reception.\n\nMoved schools in Year 4 after a placement move.",
        )
        .await;
    browser.click_button("Save and mark as complete").await;
    assert!(
        browser
            .text()
            .await
            .contains("The section is marked complete.")
    );
    for (section, text) in [
        (
            "current_arrangements",
            "Year 6 at Oakfield; SEN support for reading.",
        ),
        (
            "attendance_and_conduct",
            "Attendance 96% this term; no exclusions.",
        ),
        (
            "attainment_and_progress",
            "Working towards the expected standard in reading.",
        ),
    ] {
        write_section(&browser, &base, &pep_path, section, text).await;
    }
    browser.goto(&format!("{base}{pep_path}")).await;
    browser.click_link("Add a SMART target").await;
    browser.fill("Area", "Reading").await;
    browser
        .fill(
            "What will the child achieve?",
            "Read a Year 6 book aloud fluently",
        )
        .await;
    browser
        .fill(
            "How will you know it is achieved?",
            "Reading age from 9y0m to 10y0m on the termly test",
        )
        .await;
    tick_first(&browser, "owner").await;
    fill_date(&browser, "due_on", today + chrono::Days::new(90)).await;
    browser.choose("Short term (this term)").await;
    browser.click_button("Add the target").await;
    assert!(browser.text().await.contains("The target was added."));
    sign_out(&browser).await;

    // The social worker, the carer and the young person write theirs.
    sign_in_as(&browser, &base, "social-worker").await;
    write_section(
        &browser,
        &base,
        &pep_path,
        "care_context",
        "Settled in a long-term foster placement.",
    )
    .await;
    sign_out(&browser).await;
    sign_in_as(&browser, &base, "carer").await;
    write_section(
        &browser,
        &base,
        &pep_path,
        "carer_contribution",
        "We read together every evening.",
    )
    .await;
    sign_out(&browser).await;
    sign_in_as(&browser, &base, "young-person").await;
    write_section(
        &browser,
        &base,
        &pep_path,
        "child_views",
        "I like science and want more help with reading.",
    )
    .await;
    sign_out(&browser).await;

    // The meeting is recorded and the PEP submitted; the Virtual School returns it.
    sign_in_as(&browser, &base, "virtual-school").await;
    browser.goto(&format!("{base}{pep_path}")).await;
    browser
        .click_link_to(&format!("{pep_path}/meetings/"))
        .await;
    tick_first(&browser, "attendees").await;
    browser.choose("Yes").await;
    browser.click_button("Record the meeting").await;
    assert!(browser.text().await.contains("The meeting was recorded."));
    browser.click_button("Submit for quality assurance").await;
    assert!(
        browser.text().await.contains("The PEP was submitted"),
        "{}",
        browser.text().await
    );
    browser.goto(&format!("{base}/quality-assurance")).await;
    let queue = page_words(&browser).await;
    assert!(queue.contains("Waiting ("), "{queue}");
    check_page(&browser, "quality-assurance").await;
    browser.click_link_to(&pep_path).await;
    browser.click_link("Return it for improvement").await;
    browser
        .fill(
            "What must be improved before it is submitted again?",
            "Say what support is in place for reading.",
        )
        .await;
    browser.click_button("Return the PEP").await;
    assert!(
        browser
            .text()
            .await
            .contains("Say what support is in place for reading.")
    );
    sign_out(&browser).await;

    // The teacher changes the PEP and resubmits it.
    sign_in_as(&browser, &base, "designated-teacher").await;
    write_section(
        &browser,
        &base,
        &pep_path,
        "current_arrangements",
        "Year 6 at Oakfield; SEN support for reading: daily phonics with a teaching assistant.",
    )
    .await;
    browser.click_button("Submit for quality assurance").await;
    assert!(browser.text().await.contains("The PEP was submitted"));
    sign_out(&browser).await;

    // The Virtual School rates it; the teacher, the PEP now quality-assured as this LA's
    // policy requires, asks for PP+; the Virtual School signs the PEP off, approves the PP+ and
    // pays its first instalment.
    sign_in_as(&browser, &base, "virtual-school").await;
    browser.goto(&format!("{base}{pep_path}")).await;
    browser.click_link("Rate this PEP").await;
    browser.choose("Green: good, meets the standard").await;
    browser.click_button("Record the rating").await;
    assert!(
        browser
            .text()
            .await
            .contains("Your quality-assurance rating was recorded.")
    );
    sign_out(&browser).await;
    sign_in_as(&browser, &base, "designated-teacher").await;
    browser.goto(&format!("{base}{pep_path}")).await;
    browser
        .click_link("Ask for PP+ against this PEP's targets")
        .await;
    tick_first(&browser, "target_ids").await;
    browser
        .fill("What will it pay for?", "Ten one-to-one reading sessions")
        .await;
    browser
        .fill("What difference should it make?", "Reading age up a year")
        .await;
    browser.fill("How much, in pounds?", "300").await;
    browser.click_button("Send the request").await;
    assert!(
        browser.text().await.contains("Your PP+ request was sent"),
        "{}",
        browser.text().await
    );
    sign_out(&browser).await;
    sign_in_as(&browser, &base, "virtual-school").await;
    browser.goto(&format!("{base}{pep_path}")).await;
    browser.click_button("Sign off this PEP").await;
    let signed = browser.text().await;
    assert!(
        signed.contains("The PEP is signed off and complete."),
        "{signed}"
    );
    check_page(&browser, "pep").await;
    let funding = send(
        address,
        "GET",
        &format!("/api/v1/children/{child_id}/funding"),
        Some(&virtual_school_token(LA)),
        None,
    )
    .await
    .expect(200);
    let request = funding["requests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|request| request["purpose"] == "Ten one-to-one reading sessions")
        .unwrap_or_else(|| panic!("the request is not in the read model: {funding}"))
        .clone();
    let request_id = request["request_id"].as_str().unwrap().to_owned();
    let year = domain::funding::FinancialYear::containing(pep_http::command::london_date(
        chrono::Utc::now(),
    ))
    .to_string();
    browser
        .goto(&format!(
            "{base}/funding/{year}/requests/{request_id}/decision"
        ))
        .await;
    browser.choose("Approve the full amount").await;
    browser.click_button("Record the decision").await;
    let reference = format!("reference-{request_id}-1");
    browser
        .client
        .find(Locator::Id(&reference))
        .await
        .unwrap_or_else(|error| panic!("no first instalment to pay: {error}"))
        .send_keys("BACS-0001")
        .await
        .unwrap();
    browser
        .client
        .find(Locator::Id(&format!("pay-{reference}")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let mut paid = false;
    for _ in 0..100 {
        if browser.text().await.contains("reference BACS-0001") {
            paid = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(paid, "the payment is not shown: {}", browser.text().await);
    check_page(&browser, "funding").await;

    // The PDF downloads from the PEP's page.
    browser.goto(&format!("{base}{pep_path}")).await;
    let pdf = script(
        &browser,
        "const link = Array.from(document.querySelectorAll('a')).find(a => a.textContent.includes('Download this PEP as a PDF'));\
         const request = new XMLHttpRequest(); request.open('GET', link.href, false);\
         request.overrideMimeType('text/plain; charset=x-user-defined'); request.send();\
         return [request.status, request.getResponseHeader('content-type'), request.responseText.slice(0, 5)];",
    )
    .await;
    assert_eq!(pdf, serde_json::json!([200, "application/pdf", "%PDF-"]));

    // The chronology shows every step as an event, with who did it.
    let mut events = Vec::new();
    for _ in 0..100 {
        let timeline = send(
            address,
            "GET",
            &format!("/api/v1/children/{child_id}/timeline"),
            Some(&virtual_school_token(LA)),
            None,
        )
        .await
        .expect(200);
        events = timeline["entries"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|entry| {
                format!(
                    "{} by {}",
                    entry["event_type"].as_str().unwrap_or_default(),
                    entry["actor_role"].as_str().unwrap_or_default()
                )
            })
            .collect();
        if events
            .iter()
            .any(|event| event.starts_with("PupilPremiumPlusPaid"))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    for step in [
        "PepInitiated by virtual_school",
        "PepMeetingScheduled by virtual_school",
        "PepSectionDrafted by virtual_school",
        "PepSectionDrafted by designated_teacher",
        "PepSectionDrafted by social_worker",
        "PepSectionDrafted by carer",
        "PepSectionDrafted by young_person",
        "SmartTargetSet by designated_teacher",
        "PepMeetingHeld by virtual_school",
        "PepSubmitted by virtual_school",
        "PepReturnedForImprovement by virtual_school",
        "PepSubmitted by designated_teacher",
        "PupilPremiumPlusRequested by designated_teacher",
        "PepQualityAssured by virtual_school",
        "PepSignedOff by virtual_school",
        "PupilPremiumPlusAllocated by virtual_school",
        "PupilPremiumPlusPaid by virtual_school",
    ] {
        assert!(
            events.iter().any(|event| event == step),
            "no {step:?} in {events:#?}"
        );
    }
    browser.close().await;
    service.stop().await;
}
