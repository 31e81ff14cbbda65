//! `pep import 903 --la 831 HEADER.csv EPISODES.csv`: feeds an SSDA903 extract through exactly
//! the path the inbound feeds take (the same checks, the same exactly-once keys, the same
//! rejections list), showing progress on stderr and ending with a summary on stdout.
//!
//! Header rows go first, so each child is registered before its episodes; an episode whose
//! child is not in the header file waits for its child like a feed message would. Importing the
//! same extract again is all duplicates. A crash part way is safe to resume by running the same
//! command again: what was applied answers as duplicate. Refused rows are in
//! `GET /api/v1/inbound/rejections`, and reach the dead-letter subject when `pep serve` runs
//! with NATS.

use super::database::{DatabaseArgs, DatabaseLocation};
use super::migrate::migrate;
use super::{block_on, say};
use anyhow::Context as _;
use commands::clock::{SystemClock, UuidV7Ids};
use commands::handlers::CommandHandler;
use pep_inbound::ssda903_csv::{ExtractRow, episode_rows, header_rows};
use pep_inbound::{
    Feed, InboundHandler, InboundLog, InboundMetrics, InboundOutcome, Received, Transport,
};
use pep_reference::ReferenceData;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// `pep import ...`.
#[derive(Debug, Clone, clap::Args)]
pub struct ImportArgs {
    /// What to import.
    #[command(subcommand)]
    pub what: ImportCommand,
}

/// The kinds of import.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum ImportCommand {
    /// An SSDA903 extract: the header file (CHILD, SEX, DOB, UPN...) and the episodes file
    /// (CHILD, DECOM, RNE, LS, PLACE, PLACE_PROVIDER, DEC, REC, REASON_PLACE_CHANGE, PL_POST,
    /// URN). Dates as dd/mm/yyyy or yyyy-mm-dd.
    #[command(name = "903")]
    Ssda903(Import903Args),
}

/// `pep import 903`.
#[derive(Debug, Clone, clap::Args)]
pub struct Import903Args {
    /// The header file (CSV).
    pub header: PathBuf,
    /// The episodes file (CSV).
    pub episodes: PathBuf,
    /// The LA the extract belongs to (3 digits).
    #[arg(long)]
    pub la: String,
    /// Recorded as the messages' source system.
    #[arg(long, default_value = "ssda903-import")]
    pub source_system: String,
    /// Which database.
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Rows read.
    pub rows: u64,
    /// Rows applied.
    pub applied: u64,
    /// Rows already applied before.
    pub duplicates: u64,
    /// Episodes whose child is not registered yet.
    pub waiting_for_child: u64,
    /// Refused rows, by kind.
    pub rejected: BTreeMap<String, u64>,
    /// Children registered by this import.
    pub children_registered: u64,
    /// Children whose record carries a data-quality flag after the import, by kind.
    pub flagged: BTreeMap<String, u64>,
}

impl ImportSummary {
    /// The summary as lines for people.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![
            format!("rows read:          {}", self.rows),
            format!("applied:            {}", self.applied),
            format!("duplicates:         {}", self.duplicates),
            format!("waiting for child:  {}", self.waiting_for_child),
            format!(
                "rejected:           {}",
                self.rejected.values().sum::<u64>()
            ),
        ];
        for (kind, count) in &self.rejected {
            lines.push(format!("  {kind}: {count}"));
        }
        lines.push(format!("children registered: {}", self.children_registered));
        lines.push(format!(
            "children flagged:   {}",
            self.flagged.values().sum::<u64>()
        ));
        for (kind, count) in &self.flagged {
            lines.push(format!("  {kind}: {count}"));
        }
        lines
    }
}

/// Runs `pep import`.
pub fn run_import(args: &ImportArgs, reference: &ReferenceData) -> anyhow::Result<()> {
    let ImportCommand::Ssda903(args) = &args.what;
    block_on(async {
        let location = DatabaseLocation::from_args(&args.database)?;
        let database = migrate(&location, reference).await?;
        let handler = InboundHandler::new(
            CommandHandler::new(
                database.store.clone(),
                Arc::new(SystemClock),
                Arc::new(UuidV7Ids),
            ),
            InboundLog::new(database.read.clone()),
            Arc::new(domain::ssda903::CodeLists::embedded().clone()),
            Arc::new(SystemClock),
            InboundMetrics::new(),
        );
        let summary = import_903(&handler, args).await?;
        database.read.close().await;
        for line in summary.lines() {
            say(line)?;
        }
        Ok(())
    })
}

/// Reads both files and feeds every row through `handler`.
pub async fn import_903(
    handler: &InboundHandler,
    args: &Import903Args,
) -> anyhow::Result<ImportSummary> {
    let open = |path: &PathBuf| {
        std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))
    };
    let mut rows = header_rows(open(&args.header)?, &args.la, &args.source_system)?;
    rows.extend(episode_rows(
        open(&args.episodes)?,
        &args.la,
        &args.source_system,
    )?);
    let total = rows.len() as u64;
    let mut summary = ImportSummary {
        rows: total,
        ..ImportSummary::default()
    };
    let mut children = std::collections::BTreeSet::new();
    let started = Instant::now();
    let mut last_report = Instant::now();
    for (done, row) in rows.iter().enumerate() {
        let outcome = handle_row(handler, &args.la, row).await?;
        match outcome {
            InboundOutcome::Applied {
                child_id,
                registered,
                ..
            } => {
                summary.applied += 1;
                summary.children_registered += u64::from(registered);
                children.insert(child_id);
            }
            InboundOutcome::Duplicate { child_id } => {
                summary.duplicates += 1;
                children.insert(child_id);
            }
            InboundOutcome::WaitingForChild { .. } => summary.waiting_for_child += 1,
            InboundOutcome::Rejected { reason, .. } => {
                tracing::warn!(feed = row.feed.as_str(), line = row.line, reason = %reason.summary(), "row refused");
                *summary
                    .rejected
                    .entry(reason.kind.as_str().to_owned())
                    .or_default() += 1;
            }
        }
        if last_report.elapsed() >= Duration::from_secs(1) {
            report_progress(done as u64 + 1, total, started);
            last_report = Instant::now();
        }
    }
    report_progress(total, total, started);
    for child_id in children {
        for kind in handler
            .flags_of(domain::ids::ChildId::from_uuid(child_id))
            .await?
        {
            *summary.flagged.entry(kind).or_default() += 1;
        }
    }
    Ok(summary)
}

async fn handle_row(
    handler: &InboundHandler,
    la: &str,
    row: &ExtractRow,
) -> anyhow::Result<InboundOutcome> {
    // A database that went away for a moment is waited for, as the feed consumer would.
    let mut attempts = 0;
    loop {
        match handler
            .handle(Received {
                feed: row.feed,
                la,
                bytes: &row.body,
                transport: Transport::Import,
            })
            .await
        {
            Ok(outcome) => return Ok(outcome),
            Err(pep_inbound::InboundError::Unavailable(reason)) if attempts < 10 => {
                attempts += 1;
                tracing::warn!(%reason, attempts, "database unavailable; retrying the row");
                tokio::time::sleep(Duration::from_millis(500 * attempts)).await;
            }
            Err(error) => {
                let file = match row.feed {
                    Feed::Child => "header file",
                    Feed::Placement => "episodes file",
                };
                return Err(error).with_context(|| format!("{file} line {}", row.line));
            }
        }
    }
}

fn report_progress(done: u64, total: u64, started: Instant) {
    let seconds = started.elapsed().as_secs_f64().max(0.001);
    #[allow(clippy::cast_precision_loss)]
    let rate = done as f64 / seconds;
    eprintln!("imported {done} of {total} rows ({rate:.0} rows/s)");
}
