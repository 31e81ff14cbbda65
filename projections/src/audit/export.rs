//! The audit export of one child: every event of the child record and of each of its PEPs, as
//! full envelopes (hashes included) in global position order, one JSON object a line, followed
//! by one last line holding the verification result. docs/audit.md describes the format.

use super::AuditError;
use super::verify::Verification;
use crate::runtime::EventLog;
use domain::child::ChildEvent;
use domain::envelope::RecordedEvent;
use domain::event::DomainEvent;
use domain::ids::{ChildId, PepId};
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::io::Write;

/// The export's last line (under the key `audit_export`), and what the call returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExportSummary {
    /// The format of the file, so a reader can tell future versions apart.
    pub format: &'static str,
    /// The child exported.
    pub child_id: ChildId,
    /// Every stream exported: the child record, then each PEP in the order opened.
    pub streams: Vec<String>,
    /// How many event lines precede this one.
    pub events: u64,
    /// The first and last global positions exported (`None` for no events).
    pub first_position: Option<u64>,
    /// See `first_position`.
    pub last_position: Option<u64>,
    /// SHA-256 (hex) of every event line, newlines included, in file order: a fingerprint of
    /// the export's content for the covering letter.
    pub events_sha256: String,
    /// The log and read-model verification the export was made with.
    pub verification: Verification,
}

/// The format tag of the export's last line.
pub const EXPORT_FORMAT: &str = "pep-ledger-audit-export-v1";

/// Writes `child_id`'s full history to `output` as JSON Lines, then the verification line.
pub async fn export_child_jsonl(
    log: &dyn EventLog,
    child_id: ChildId,
    verification: &Verification,
    output: &mut (dyn Write + Send),
) -> Result<ExportSummary, AuditError> {
    let child_stream = child_id.stream_id();
    let mut events = log.read_stream(&child_stream, None).await?;
    if events.is_empty() {
        return Err(AuditError::UnknownChild(child_id));
    }
    let mut streams = vec![child_stream];
    let mut pep_ids: Vec<PepId> = Vec::new();
    for recorded in &events {
        if recorded.event_type != "PepOpened" {
            continue;
        }
        let event = ChildEvent::decode(
            &recorded.event_type,
            recorded.schema_version,
            &recorded.payload,
        )
        .map_err(|source| AuditError::Decode {
            position: recorded.global_position,
            event_id: recorded.event_id,
            source,
        })?;
        if let ChildEvent::PepOpened { pep_id, .. } = event
            && !pep_ids.contains(&pep_id)
        {
            pep_ids.push(pep_id);
        }
    }
    for pep_id in pep_ids {
        let stream_id = pep_id.stream_id();
        events.extend(log.read_stream(&stream_id, None).await?);
        streams.push(stream_id);
    }
    events.sort_by_key(|event| event.global_position);

    let mut digest = Sha256::new();
    for event in &events {
        let line = event_line(event)?;
        digest.update(line.as_bytes());
        output.write_all(line.as_bytes())?;
    }
    let summary = ExportSummary {
        format: EXPORT_FORMAT,
        child_id,
        streams,
        events: events.len() as u64,
        first_position: events.first().map(|event| event.global_position),
        last_position: events.last().map(|event| event.global_position),
        events_sha256: hex::encode(digest.finalize()),
        verification: verification.clone(),
    };
    let last_line = serde_json::json!({ "audit_export": &summary });
    output.write_all(format!("{last_line}\n").as_bytes())?;
    output.flush()?;
    Ok(summary)
}

fn event_line(event: &RecordedEvent) -> Result<String, AuditError> {
    let mut line = serde_json::to_string(event).map_err(std::io::Error::other)?;
    line.push('\n');
    Ok(line)
}
