//! `GET /api/v1/peps/{pep_id}.pdf`: the PEP as a PDF whose text (read back with Poppler's
//! `pdftotext`) holds every section, the targets, the actions, who attended and the record's
//! hash; the read is authorised and access-logged like any other.

use crate::fixtures::{child_in_care, submitted_pep};
use crate::support::{Backend, TestApp, Who, on_both_back_ends};
use std::process::Command;

/// The text of `pdf`, as `pdftotext` extracts it.
fn pdf_text(pdf: &[u8]) -> String {
    let directory = tempfile::tempdir().unwrap();
    let path = directory.path().join("pep.pdf");
    std::fs::write(&path, pdf).unwrap();
    let output = Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|error| {
            panic!("pdftotext did not run ({error}): install poppler-utils: apt-get install -y poppler-utils")
        });
    assert!(output.status.success(), "{output:?}");
    String::from_utf8(output.stdout).unwrap()
}

async fn a_pep_downloads_as_a_pdf_with_every_part_of_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let child_id = child_in_care(&app, "831", "100001", "sw-own", "iro-own").await;
    let pep = submitted_pep(&app, "831", child_id, "100001", "sw-own").await;
    let virtual_school = Who::new("virtual_school", "831").sub("vs-print").token();
    let response = app
        .get(&format!("/api/v1/peps/{}.pdf", pep.pep_id), &virtual_school)
        .await;
    assert_eq!(
        response.status,
        200,
        "{:?}",
        String::from_utf8_lossy(&response.body)
    );
    assert_eq!(response.headers["content-type"], "application/pdf");
    assert!(
        response.headers["content-disposition"]
            .to_str()
            .unwrap()
            .ends_with(".pdf\""),
    );
    assert!(response.body.starts_with(b"%PDF-"));
    let text = pdf_text(&response.body);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for section in domain::pep::PepSection::ALL {
        assert!(
            flat.contains(section.title()),
            "{} missing from:\n{text}",
            section.title()
        );
    }
    for expected in [
        "Personal Education Plan",
        "Settled with long-term foster carers.",
        "Read a chapter book independently",
        "Weekly reading sessions with a tutor",
        "D Teacher",
        "I like maths and want to join the football team.",
        "Record hash",
    ] {
        assert!(
            flat.contains(expected),
            "{expected:?} missing from:\n{text}"
        );
    }
    let head_hash = app
        .events(&format!("pep-{}", pep.pep_id))
        .await
        .last()
        .unwrap()
        .hash
        .to_hex();
    assert!(
        flat.replace(' ', "").contains(&head_hash),
        "the record's hash {head_hash} is printed:\n{text}"
    );
    // Logged as a read of the child's record.
    let logged = app
        .records
        .access_log(&pep_records::AccessLogQuery {
            la: domain::values::LaCode::parse("831").unwrap(),
            child_id: Some(domain::ids::ChildId::from_uuid(child_id)),
            actor_id: Some("vs-print".to_owned()),
            from: None,
            to: None,
            limit: 100,
        })
        .await
        .unwrap();
    assert!(
        logged
            .iter()
            .any(|row| row.what == "GET /api/v1/peps/{id}.pdf"),
        "{logged:?}"
    );
    // Another LA cannot print it.
    app.get(
        &format!("/api/v1/peps/{}.pdf", pep.pep_id),
        &Who::new("virtual_school", "832").token(),
    )
    .await
    .assert_problem(404, "not-found");
}

on_both_back_ends!(a_pep_downloads_as_a_pdf_with_every_part_of_it);
