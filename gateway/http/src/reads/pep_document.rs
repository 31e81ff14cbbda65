//! A PEP as a printable, accessible PDF (`GET /api/v1/peps/{pep_id}.pdf`, and the download on
//! the web page): every section in document order, the meetings and who attended, the child's
//! views, the SMART targets and their reviews, the actions, the PP+ asked for against the PEP
//! and the record's hash at the time of printing, so a printed copy can be matched to the log.
//! Reading it is authorised and access-logged like any other read of the child's record.
//!
//! This file only lays the PEP out as [`pep_documents`] blocks; the PDF itself is written by
//! that crate.

use crate::access;
use crate::problem::ApiError;
use crate::reads::ReadSide;
use crate::state::AppState;
use chrono::{DateTime, NaiveDate, Utc};
use commands::store::ReadStreamOptions;
use domain::child::ChildState;
use domain::event::{Decider, DomainEvent};
use domain::ids::PepId;
use domain::pep::{PepDecider, PepSection, PepState};
use domain::values::Money;
use pep_auth::Principal;
use pep_documents::{Block, Document, render_pdf};
use projections::funding::{FundingRequestFilter, FundingRequestRow, funding_requests};
use uuid::Uuid;

/// A rendered PEP: the PDF and the file name to offer.
#[derive(Debug, Clone)]
pub struct PepPdf {
    /// The PDF.
    pub bytes: Vec<u8>,
    /// `pep-<child's LA id>-<date started>.pdf`.
    pub file_name: String,
}

/// Renders `pep_id` for `principal`, logging the read as `what`. PP+ comes from the funding
/// read model when `read` is given.
pub async fn pep_pdf(
    state: &AppState,
    read: Option<&ReadSide>,
    principal: &Principal,
    pep_id: PepId,
    what: &str,
    request_id: Uuid,
) -> Result<PepPdf, ApiError> {
    let header = access::authorize_pep_read(state, principal, pep_id, what, request_id).await?;
    let child = access::load_child(state, header.child_id).await?;
    let recorded = state
        .store()
        .read_stream(&pep_id.stream_id(), ReadStreamOptions::all())
        .await
        .map_err(|error| ApiError::unavailable(error.to_string(), 5))?;
    let mut pep = PepState::default();
    for event in &recorded {
        let event = <PepDecider as Decider>::Event::decode(
            &event.event_type,
            event.schema_version,
            &event.payload,
        )
        .map_err(|error| ApiError::internal(error.to_string()))?;
        pep = PepDecider::evolve(pep, &event);
    }
    let last = recorded
        .last()
        .ok_or_else(|| ApiError::not_found(format!("PEP {pep_id} was not found")))?;
    let funding = match read {
        Some(read) => funding_requests(
            read.database(),
            &FundingRequestFilter {
                la: header.la.as_str().to_owned(),
                child_id: Some(header.child_id.to_string()),
                ..FundingRequestFilter::default()
            },
        )
        .await
        .map_err(|error| ApiError::unavailable(error.to_string(), 5))?
        .into_iter()
        .filter(|request| request.pep_id == pep_id.to_string())
        .collect(),
        None => Vec::new(),
    };
    let printed = Record {
        hash: last.hash.to_hex(),
        stream_version: last.stream_version,
        printed_at: state.clock().now(),
    };
    let document = pep_document(&child, &pep, &funding, &printed);
    let bytes = render_pdf(&document).map_err(|error| ApiError::internal(error.to_string()))?;
    Ok(PepPdf {
        bytes,
        file_name: format!("pep-{}-{}.pdf", la_child_id(&child), header.initiated_on),
    })
}

/// Where the record stood when it was printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The hash of the PEP's latest event.
    pub hash: String,
    /// That event's version in the PEP's stream.
    pub stream_version: u64,
    /// When printed.
    pub printed_at: DateTime<Utc>,
}

fn la_child_id(child: &ChildState) -> String {
    child.registration.as_ref().map_or_else(
        || "unknown".to_owned(),
        |registration| registration.la_child_id.clone(),
    )
}

fn day(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

fn words(debug_name: impl std::fmt::Debug) -> String {
    let name = format!("{debug_name:?}");
    let mut out = String::new();
    for (index, character) in name.chars().enumerate() {
        if character.is_uppercase() && index > 0 {
            out.push(' ');
            out.extend(character.to_lowercase());
        } else {
            out.push(character);
        }
    }
    out
}

fn or_none(text: &str, none: &str) -> String {
    if text.trim().is_empty() {
        none.to_owned()
    } else {
        text.to_owned()
    }
}

fn heading(level: u8, text: &str) -> Block {
    Block::Heading {
        level,
        text: text.to_owned(),
    }
}

/// The PEP as document blocks.
pub fn pep_document(
    child: &ChildState,
    pep: &PepState,
    funding: &[FundingRequestRow],
    record: &Record,
) -> Document {
    let name = child
        .details
        .as_ref()
        .and_then(|details| {
            let parts: Vec<&str> = [
                details.given_name.as_deref(),
                details.family_name.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect();
            (!parts.is_empty()).then(|| parts.join(" "))
        })
        .unwrap_or_else(|| format!("child {}", la_child_id(child)));
    let mut facts = vec![
        ("Child".to_owned(), name.clone()),
        ("Child's LA id".to_owned(), la_child_id(child)),
        ("Status".to_owned(), words(pep.status())),
    ];
    if let Some(details) = &child.details {
        facts.push(("Date of birth".to_owned(), day(details.date_of_birth)));
        if let Some(upn) = &details.upn {
            facts.push(("UPN".to_owned(), upn.clone()));
        }
    }
    if let Some(header) = &pep.header {
        facts.push(("Responsible LA".to_owned(), header.la.as_str().to_owned()));
        facts.push(("Kind of PEP".to_owned(), words(header.kind)));
        facts.push(("What made it due".to_owned(), words(header.trigger)));
        facts.push(("Started".to_owned(), day(header.initiated_on)));
    }
    if let Some(rating) = pep.rating {
        facts.push(("Quality-assurance rating".to_owned(), words(rating)));
    }
    facts.push((
        "Printed".to_owned(),
        record.printed_at.format("%-d %B %Y %H:%M UTC").to_string(),
    ));
    facts.push((
        "Record hash".to_owned(),
        format!("{} (event {})", record.hash, record.stream_version),
    ));
    let mut blocks = vec![Block::Facts(facts), heading(2, "Sections")];
    for section in PepSection::ALL {
        blocks.push(heading(3, section.title()));
        let written = pep.sections.get(&section);
        let progress = match written {
            Some(state) => match state.completed_on {
                Some(completed_on) => format!("Completed {}", day(completed_on)),
                None => "Draft".to_owned(),
            },
            None => "Not started".to_owned(),
        };
        blocks.push(Block::Facts(vec![
            ("Written by".to_owned(), words(section.owner())),
            ("Progress".to_owned(), progress),
        ]));
        blocks.push(Block::Paragraph(or_none(
            written.map_or("", |state| state.content.as_str()),
            "Nothing written yet.",
        )));
    }
    blocks.push(heading(2, "Meetings and who attended"));
    if pep.meetings.is_empty() {
        blocks.push(Block::Paragraph("No meeting arranged.".to_owned()));
    } else {
        blocks.push(Block::Table {
            headers: vec!["Arranged for".into(), "Held".into(), "Who attended".into()],
            rows: pep
                .meetings
                .values()
                .map(|meeting| {
                    vec![
                        day(meeting.scheduled_for),
                        meeting.held_on.map_or("Not yet".to_owned(), day),
                        or_none(
                            &meeting
                                .attendees
                                .iter()
                                .map(|attendee| {
                                    format!("{} ({})", attendee.person.name, attendee.capacity)
                                })
                                .collect::<Vec<_>>()
                                .join(", "),
                            "Not recorded",
                        ),
                    ]
                })
                .collect(),
        });
    }
    blocks.push(heading(2, "The child's views"));
    if pep.child_views.is_empty() {
        blocks.push(Block::Paragraph("Not recorded yet.".to_owned()));
    }
    for (views, attachments) in &pep.child_views {
        blocks.push(Block::Paragraph(or_none(views, "(given as attachments)")));
        for attachment in attachments {
            blocks.push(Block::Paragraph(format!(
                "Attached: {} ({}, SHA-256 {})",
                attachment.file_name, attachment.media_type, attachment.sha256
            )));
        }
    }
    blocks.push(heading(2, "SMART targets"));
    if pep.targets.is_empty() {
        blocks.push(Block::Paragraph("No targets set.".to_owned()));
    } else {
        blocks.push(Block::Table {
            headers: vec![
                "Target".into(),
                "How success is measured".into(),
                "Owner".into(),
                "Due".into(),
                "Review".into(),
            ],
            rows: pep
                .targets
                .values()
                .map(|target| {
                    vec![
                        target.description.clone(),
                        target.success_criterion.clone(),
                        or_none(&target.owner_name, "Set in the previous PEP"),
                        day(target.due_on),
                        target.outcome.map_or("Not reviewed yet".to_owned(), words),
                    ]
                })
                .collect(),
        });
    }
    blocks.push(heading(2, "Actions"));
    if pep.actions.is_empty() {
        blocks.push(Block::Paragraph("No actions agreed.".to_owned()));
    } else {
        blocks.push(Block::Table {
            headers: vec!["Action".into(), "Who".into(), "By".into(), "Done".into()],
            rows: pep
                .actions
                .values()
                .map(|action| {
                    vec![
                        action.description.clone(),
                        action.owner.name.clone(),
                        day(action.due_on),
                        action.completed_on.map_or("Not yet".to_owned(), day),
                    ]
                })
                .collect(),
        });
    }
    blocks.push(heading(2, "Pupil Premium Plus asked for against this PEP"));
    if funding.is_empty() {
        blocks.push(Block::Paragraph("None.".to_owned()));
    } else {
        blocks.push(Block::Table {
            headers: vec![
                "Asked on".into(),
                "What for".into(),
                "Asked".into(),
                "Decision".into(),
                "Paid".into(),
                "Impact".into(),
            ],
            rows: funding.iter().map(funding_row).collect(),
        });
    }
    Document {
        title: format!("Personal Education Plan: {name}"),
        subject: pep.header.as_ref().map(|header| {
            format!(
                "{} PEP started {}",
                words(header.kind),
                day(header.initiated_on)
            )
        }),
        author: pep
            .header
            .as_ref()
            .map(|header| format!("Virtual School of LA {}", header.la.as_str())),
        language: "en-GB".to_owned(),
        footer: Some(format!(
            "PEP record hash {} · printed {}",
            record.hash,
            record.printed_at.format("%-d %B %Y %H:%M UTC")
        )),
        blocks,
    }
}

fn funding_row(request: &FundingRequestRow) -> Vec<String> {
    let pounds = |pence: i64| Money::from_pence(pence).to_string();
    let decision = match request.status.as_str() {
        "allocated" => format!("Agreed {}", pounds(request.allocated_pence)),
        "rejected" => format!(
            "Turned down: {}",
            request.rejected_reason.clone().unwrap_or_default()
        ),
        _ => "Waiting for a decision".to_owned(),
    };
    let paid: i64 = request
        .payments
        .iter()
        .filter(|payment| payment.paid_on.is_some())
        .map(|payment| payment.amount_pence)
        .sum();
    vec![
        day(request.requested_on),
        request.purpose.clone(),
        pounds(request.requested_pence),
        decision,
        pounds(paid),
        request
            .impact
            .clone()
            .unwrap_or_else(|| "Not recorded yet".to_owned()),
    ]
}
