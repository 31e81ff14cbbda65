//! `pep audit`: what an auditor runs against a database.
//!
//! - `verify`: the store's hash chain, and every read model rebuilt beside the live tables and
//!   compared by checksum; a readable report, non-zero exit on any failure.
//! - `replay --child ID [--as-known-at T] [--as-of D]`: the child's record, PEPs, compliance
//!   facts and due dates as known at T and/or as of D, and every change recorded after T, as JSON.
//! - `export --child ID --out FILE.jsonl`: every event of the child and its PEPs once, in order,
//!   then the verification line (docs/audit.md has the format).

use super::database::{DatabaseArgs, DatabaseLocation, OpenDatabase, open_existing};
use super::migrate::describe;
use super::rebuild::rebuild_and_report;
use super::{block_on, say};
use anyhow::{Context as _, anyhow, bail};
use chrono::{DateTime, NaiveDate, Utc};
use domain::compliance::DueDates;
use domain::ids::ChildId;
use pep_messaging::projection_feed::read_model_projectors;
use pep_reference::ReferenceData;
use projections::audit::{
    ReadModelCheck, ReplaySummary, Verification, export_child_jsonl, replay_child,
};
use projections::runtime::RebuildMode;
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The options of `pep audit`.
#[derive(Debug, Clone, clap::Args)]
pub struct AuditArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: AuditCommand,
}

/// The audit subcommands.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum AuditCommand {
    /// Verify the hash chain and compare every read model with a rebuild from the log.
    Verify(VerifyArgs),
    /// A child's record and PEPs as known at an instant and/or as of a date, as JSON.
    Replay(ReplayArgs),
    /// Export a child's full history and a verification as a JSON Lines file.
    Export(ExportArgs),
}

/// The options of `pep audit verify`.
#[derive(Debug, Clone, clap::Args)]
pub struct VerifyArgs {
    /// Which database.
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// The options of `pep audit replay`.
#[derive(Debug, Clone, clap::Args)]
pub struct ReplayArgs {
    /// The child (a UUID).
    #[arg(long = "child")]
    pub child_id: ChildId,
    /// Only what had been recorded at this instant (RFC 3339, e.g. 2025-03-19T18:00:00Z).
    #[arg(long, value_parser = parse_instant)]
    pub as_known_at: Option<DateTime<Utc>>,
    /// Only what had happened on or before this day (YYYY-MM-DD).
    #[arg(long)]
    pub as_of: Option<NaiveDate>,
    /// Which database.
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// The options of `pep audit export`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExportArgs {
    /// The child (a UUID).
    #[arg(long = "child")]
    pub child_id: ChildId,
    /// The JSON Lines file to write (replaced if it exists).
    #[arg(long)]
    pub out: PathBuf,
    /// Which database.
    #[command(flatten)]
    pub database: DatabaseArgs,
}

fn parse_instant(text: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(text)
        .map(|instant| instant.with_timezone(&Utc))
        .map_err(|error| format!("{error}: give an RFC 3339 instant such as 2025-03-19T18:00:00Z"))
}

/// Runs `pep audit ...`.
pub fn run_audit(args: &AuditArgs, reference: &ReferenceData) -> anyhow::Result<()> {
    match &args.command {
        AuditCommand::Verify(verify) => block_on(run_verify(verify, reference)),
        AuditCommand::Replay(replay) => block_on(run_replay(replay, reference)),
        AuditCommand::Export(export) => block_on(run_export(export, reference)),
    }
}

async fn open(database: &DatabaseArgs) -> anyhow::Result<(DatabaseLocation, OpenDatabase)> {
    let location = DatabaseLocation::from_args(database)?;
    let database = open_existing(&location).await?;
    Ok((location, database))
}

async fn run_verify(args: &VerifyArgs, reference: &ReferenceData) -> anyhow::Result<()> {
    let (location, database) = open(&args.database).await?;
    say(format!("verifying {}", describe(&location)))?;
    let verification = verify_everything(&database, reference).await?;
    database.read.close().await;
    for line in describe_verification(&verification) {
        say(line)?;
    }
    if verification.verified {
        Ok(())
    } else {
        Err(anyhow!("verification failed: {}", failures(&verification)))
    }
}

/// The hash chain, then each read model compared with a rebuild (progress printed).
async fn verify_everything(
    database: &OpenDatabase,
    reference: &ReferenceData,
) -> anyhow::Result<Verification> {
    say("hash chain: checking every link")?;
    let chain = database
        .log
        .chain_check()
        .await
        .context("verifying the hash chain")?;
    let mut read_models = Vec::new();
    for projector in read_model_projectors(reference) {
        let report =
            rebuild_and_report(database, projector.as_ref(), RebuildMode::CompareOnly, 5000)
                .await?;
        read_models.push(ReadModelCheck::from(&report));
    }
    Ok(Verification::combine(chain, read_models))
}

/// The verdict in lines a person reads.
fn describe_verification(verification: &Verification) -> Vec<String> {
    let chain = &verification.chain;
    let mut lines = vec![if chain.intact {
        format!(
            "hash chain: INTACT, {} events checked, verified up to position {}",
            chain.events_checked, chain.verified_up_to
        )
    } else {
        format!(
            "hash chain: BROKEN after position {} ({} events checked); first break: {}",
            chain.verified_up_to,
            chain.events_checked,
            chain
                .first_break
                .as_ref()
                .map_or_else(|| "unknown".to_owned(), ToString::to_string)
        )
    }];
    lines.push(format!(
        "  head hash {} (keep a copy elsewhere to prove the log later)",
        chain.verified_head_hash
    ));
    for check in &verification.read_models {
        lines.push(format!(
            "read model {}: {} at position {}",
            check.projector,
            if check.matched {
                "MATCHES the log"
            } else {
                "DOES NOT MATCH the log"
            },
            check.position
        ));
    }
    lines.push(format!(
        "verified: {}",
        if verification.verified { "yes" } else { "NO" }
    ));
    lines
}

/// What failed, in one line.
fn failures(verification: &Verification) -> String {
    let mut failed = Vec::new();
    if !verification.chain.intact {
        failed.push("the hash chain is broken".to_owned());
    }
    for check in verification
        .read_models
        .iter()
        .filter(|check| !check.matched)
    {
        failed.push(format!(
            "the {} read model does not match the log (`pep rebuild {}` repairs it)",
            check.projector, check.projector
        ));
    }
    failed.join("; ")
}

/// The replay as printed: the summary, and the due dates as they stood.
#[derive(Debug, Serialize)]
struct ReplayOutput {
    #[serde(flatten)]
    summary: ReplaySummary,
    due_dates: DueDates,
}

async fn run_replay(args: &ReplayArgs, reference: &ReferenceData) -> anyhow::Result<()> {
    let (_, database) = open(&args.database).await?;
    let replay = replay_child(&database.log, args.child_id, args.as_known_at, args.as_of)
        .await
        .context("replaying the child")?;
    let output = ReplayOutput {
        summary: replay.summary(),
        due_dates: replay.due_dates(&reference.policy, &reference.calendar),
    };
    let json = serde_json::to_string_pretty(&output).context("writing the replay as JSON")?;
    database.read.close().await;
    say(json)
}

async fn run_export(args: &ExportArgs, reference: &ReferenceData) -> anyhow::Result<()> {
    let (location, database) = open(&args.database).await?;
    // Refuse an unknown child before spending a verification on it.
    let child_stream = args.child_id.stream_id();
    if projections::runtime::EventLog::read_stream(&database.log, &child_stream, None)
        .await?
        .is_empty()
    {
        bail!(
            "no child {} is recorded in {}",
            args.child_id,
            describe(&location)
        );
    }
    say(format!(
        "exporting child {} from {}",
        args.child_id,
        describe(&location)
    ))?;
    let verification = verify_everything(&database, reference).await?;
    let partial = partial_path(&args.out);
    let mut file = std::fs::File::create(&partial)
        .with_context(|| format!("creating {}", partial.display()))?;
    let summary = export_child_jsonl(&database.log, args.child_id, &verification, &mut file)
        .await
        .context("writing the export")?;
    file.sync_all()
        .with_context(|| format!("writing {}", partial.display()))?;
    drop(file);
    // A finished file appears under its name at once; a failed export leaves no half file.
    std::fs::rename(&partial, &args.out)
        .with_context(|| format!("moving the export to {}", args.out.display()))?;
    database.read.close().await;
    say(format!(
        "exported {} events of child {} ({}) to {}",
        summary.events,
        args.child_id,
        summary.streams.join(", "),
        args.out.display()
    ))?;
    say(format!("events sha256: {}", summary.events_sha256))?;
    for line in describe_verification(&verification) {
        say(line)?;
    }
    if verification.verified {
        Ok(())
    } else {
        Err(anyhow!(
            "the export was written, but verification failed: {}",
            failures(&verification)
        ))
    }
}

/// `FILE.partial` beside `FILE`.
fn partial_path(out: &Path) -> PathBuf {
    let mut name = out.as_os_str().to_owned();
    name.push(".partial");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use projections::audit::ChainCheck;

    fn verification(intact: bool, matched: bool) -> Verification {
        Verification::combine(
            ChainCheck {
                intact,
                events_checked: 12,
                verified_up_to: if intact { 12 } else { 7 },
                verified_head_hash: "ab".repeat(32),
                first_break: (!intact).then(|| serde_json::json!({"position": 8})),
            },
            vec![ReadModelCheck {
                projector: "funding".to_owned(),
                position: 12,
                live_digest: "a".to_owned(),
                rebuilt_digest: if matched { "a" } else { "b" }.to_owned(),
                matched,
            }],
        )
    }

    #[test]
    fn a_clean_verification_reads_as_verified() {
        let lines = describe_verification(&verification(true, true));
        assert!(
            lines[0].starts_with("hash chain: INTACT, 12 events checked"),
            "{lines:?}"
        );
        assert_eq!(
            lines[2],
            "read model funding: MATCHES the log at position 12"
        );
        assert_eq!(lines[3], "verified: yes");
    }

    #[test]
    fn every_failure_is_named() {
        let failed = verification(false, false);
        let lines = describe_verification(&failed);
        assert!(lines[0].contains("BROKEN after position 7"), "{lines:?}");
        assert!(lines[0].contains("\"position\":8"), "{lines:?}");
        assert_eq!(
            lines[2],
            "read model funding: DOES NOT MATCH the log at position 12"
        );
        assert_eq!(lines[3], "verified: NO");
        let summary = failures(&failed);
        assert!(summary.contains("hash chain is broken"), "{summary}");
        assert!(summary.contains("`pep rebuild funding`"), "{summary}");
    }

    #[test]
    fn instants_must_be_rfc_3339() {
        assert_eq!(
            parse_instant("2025-03-19T18:00:00+01:00")
                .unwrap()
                .to_rfc3339(),
            "2025-03-19T17:00:00+00:00"
        );
        assert!(parse_instant("2025-03-19").is_err());
    }

    #[test]
    fn the_partial_file_sits_beside_the_export() {
        assert_eq!(
            partial_path(Path::new("out/child.jsonl")),
            PathBuf::from("out/child.jsonl.partial")
        );
    }

    #[test]
    fn the_replay_output_flattens_the_summary_beside_the_due_dates() {
        let child_id = ChildId::from_uuid(uuid::Uuid::nil());
        let output = ReplayOutput {
            summary: ReplaySummary {
                child_id,
                as_known_at: None,
                as_of: None,
                la: None,
                la_child_id: None,
                details: None,
                in_care: false,
                episodes: vec![],
                settings: vec![],
                people: Default::default(),
                open_pep_id: None,
                shared_with: vec![],
                data_quality: vec![],
                peps: vec![],
                facts: None,
                events_included: 0,
                changes_since: vec![],
            },
            due_dates: DueDates::default(),
        };
        let json = serde_json::to_value(&output).unwrap();
        assert_eq!(json["child_id"], child_id.to_string());
        assert_eq!(json["due_dates"]["items"], serde_json::json!([]));
        assert_eq!(json["events_included"], 0);
    }
}
