//! `pep rebuild [PROJECTOR|--all] [--compare-only]`: rebuilds read models from the event store
//! into shadow tables while the service keeps running, printing progress (events done of the
//! total, events per second, ETA), and ends with the checksum comparison of live and rebuilt
//! rows. Without `--compare-only` the rebuilt tables are swapped in (repairing a damaged model);
//! with it the live tables are left alone and a mismatch makes the command fail.

use super::database::{DatabaseArgs, DatabaseLocation, OpenDatabase, open_existing};
use super::migrate::describe;
use super::{block_on, say};
use anyhow::{Context as _, bail};
use pep_messaging::projection_feed::{READ_MODEL_NAMES, read_model_projectors};
use pep_reference::ReferenceData;
use projections::runtime::{
    Projector, RebuildMode, RebuildOptions, RebuildPhase, RebuildProgress, RebuildReport,
    rebuild_with,
};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The options of `pep rebuild`.
#[derive(Debug, Clone, clap::Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["projector", "all"])))]
pub struct RebuildArgs {
    /// The read model to rebuild.
    #[arg(value_parser = clap::builder::PossibleValuesParser::new(READ_MODEL_NAMES))]
    pub projector: Option<String>,
    /// Rebuild every read model, one after another.
    #[arg(long)]
    pub all: bool,
    /// Build beside the live tables and compare checksums only; leave the live tables as they
    /// are. Exits non-zero when a read model does not match the log.
    #[arg(long)]
    pub compare_only: bool,
    /// Events read from the store and applied per transaction.
    #[arg(long, default_value_t = 5000)]
    pub batch_size: usize,
    /// Which database.
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Runs `pep rebuild`.
pub fn run_rebuild(args: &RebuildArgs, reference: &ReferenceData) -> anyhow::Result<()> {
    let mode = if args.compare_only {
        RebuildMode::CompareOnly
    } else {
        RebuildMode::Swap
    };
    let projectors: Vec<Arc<dyn Projector>> = read_model_projectors(reference)
        .into_iter()
        .filter(|projector| args.all || args.projector.as_deref() == Some(projector.name()))
        .collect();
    block_on(async {
        let location = DatabaseLocation::from_args(&args.database)?;
        let database = open_existing(&location).await?;
        say(format!("rebuilding from {}", describe(&location)))?;
        let mut mismatched = Vec::new();
        for projector in &projectors {
            let report =
                rebuild_and_report(&database, projector.as_ref(), mode, args.batch_size).await?;
            if !report.matched {
                mismatched.push(report.projector);
            }
        }
        database.read.close().await;
        match (mismatched.is_empty(), mode) {
            (true, _) => say(format!(
                "all {} read model(s) rebuilt match the event log",
                projectors.len()
            )),
            (false, RebuildMode::Swap) => say(format!(
                "repaired: {} did not match the event log; the rebuilt tables are now live",
                mismatched.join(", ")
            )),
            (false, RebuildMode::CompareOnly) => bail!(describe_mismatches(&mismatched)),
        }
    })
}

/// Why `--compare-only` failed, with the command that repairs it.
fn describe_mismatches(mismatched: &[&str]) -> String {
    match mismatched {
        [one] => format!("{one} does not match the event log; `pep rebuild {one}` repairs it"),
        many => format!(
            "{} do not match the event log; `pep rebuild --all` repairs them",
            many.join(", ")
        ),
    }
}

/// Rebuilds one read model in `mode`, printing progress and then the comparison.
pub(super) async fn rebuild_and_report(
    database: &OpenDatabase,
    projector: &dyn Projector,
    mode: RebuildMode,
    batch_size: usize,
) -> anyhow::Result<RebuildReport> {
    let name = projector.name();
    say(match mode {
        RebuildMode::Swap => format!("{name}: rebuilding into shadow tables"),
        RebuildMode::CompareOnly => {
            format!("{name}: rebuilding beside the live tables (compare only)")
        }
    })?;
    let options = RebuildOptions { batch_size, mode };
    let mut printer = ProgressPrinter::new(Duration::from_secs(1));
    let report = rebuild_with(
        &database.read,
        projector,
        &database.log,
        options,
        &mut |progress| printer.report(progress),
    )
    .await
    .with_context(|| format!("rebuilding {name}"))?;
    for line in describe_report(&report) {
        say(line)?;
    }
    Ok(report)
}

/// Prints progress at most once per interval while filling, and always at phase changes.
struct ProgressPrinter {
    interval: Duration,
    last_printed: Option<Instant>,
}

impl ProgressPrinter {
    fn new(interval: Duration) -> Self {
        Self {
            interval,
            last_printed: None,
        }
    }

    fn report(&mut self, progress: &RebuildProgress) {
        let due = self
            .last_printed
            .is_none_or(|printed| printed.elapsed() >= self.interval);
        if progress.phase == RebuildPhase::Filling && !due {
            return;
        }
        self.last_printed = Some(Instant::now());
        // Progress is informative; a closed stdout must not abort the rebuild itself.
        let _ = say(describe_progress(progress));
    }
}

/// One progress line: `chronology: 5000 / 100801 events (5.0%), 12345 events/s, ETA 8 s`.
pub fn describe_progress(progress: &RebuildProgress) -> String {
    let name = progress.projector;
    let done = progress.events_done;
    let total = progress.head_position.max(done);
    let percent = if total == 0 {
        100.0
    } else {
        done as f64 * 100.0 / total as f64
    };
    let rate = progress.events_per_second;
    match progress.phase {
        RebuildPhase::Filling => {
            let eta = progress
                .eta_seconds
                .map_or_else(|| "unknown".to_owned(), |seconds| format!("{seconds:.0} s"));
            format!(
                "{name}: {done} / {total} events ({percent:.1}%), {rate:.0} events/s, ETA {eta}"
            )
        }
        RebuildPhase::Swapping => format!(
            "{name}: {done} / {total} events ({percent:.1}%), {rate:.0} events/s; catching up and \
             comparing at the head"
        ),
        RebuildPhase::Done => format!(
            "{name}: {done} events applied in {:.1} s ({rate:.0} events/s)",
            progress.elapsed_seconds
        ),
    }
}

/// The comparison: both digests, each table's row counts, and what was done.
fn describe_report(report: &RebuildReport) -> Vec<String> {
    let name = report.projector;
    let mut lines = vec![
        format!("{name}: compared at position {}", report.position),
        format!("  live     {}", report.live_checksum.digest),
        format!("  rebuilt  {}", report.shadow_checksum.digest),
    ];
    for rebuilt in &report.shadow_checksum.tables {
        let live = report
            .live_checksum
            .tables
            .iter()
            .find(|live| live.table == rebuilt.table);
        let differs = live.is_none_or(|live| live.digest != rebuilt.digest);
        lines.push(format!(
            "  {:<32} live {:>8} rows, rebuilt {:>8} rows{}",
            rebuilt.table,
            live.map_or(0, |live| live.rows),
            rebuilt.rows,
            if differs { "  DIFFERENT" } else { "" }
        ));
    }
    lines.push(match (report.matched, report.swapped) {
        (true, true) => format!("{name}: checksums MATCH; rebuilt tables swapped in"),
        (true, false) => {
            format!("{name}: checksums MATCH; live tables left as they were (compare only)")
        }
        (false, true) => format!(
            "{name}: checksums DIFFER: the live read model was not what the log says; the \
             rebuilt tables are swapped in"
        ),
        (false, false) => format!(
            "{name}: checksums DIFFER: the live read model is not what the log says; live tables \
             left as they were (compare only)"
        ),
    });
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use projections::runtime::{TableChecksum, TablesChecksum};

    fn progress(phase: RebuildPhase, done: u64, head: u64) -> RebuildProgress {
        RebuildProgress {
            projector: "chronology",
            phase,
            events_done: done,
            position: done,
            head_position: head,
            events_per_second: 2500.0,
            eta_seconds: Some((head - done) as f64 / 2500.0),
            elapsed_seconds: 2.0,
        }
    }

    #[test]
    fn a_failed_comparison_names_the_repair() {
        assert_eq!(
            describe_mismatches(&["funding"]),
            "funding does not match the event log; `pep rebuild funding` repairs it"
        );
        assert_eq!(
            describe_mismatches(&["funding", "notices"]),
            "funding, notices do not match the event log; `pep rebuild --all` repairs them"
        );
    }

    #[test]
    fn progress_shows_done_of_total_rate_and_eta() {
        assert_eq!(
            describe_progress(&progress(RebuildPhase::Filling, 5000, 20000)),
            "chronology: 5000 / 20000 events (25.0%), 2500 events/s, ETA 6 s"
        );
        assert_eq!(
            describe_progress(&progress(RebuildPhase::Done, 20000, 20000)),
            "chronology: 20000 events applied in 2.0 s (2500 events/s)"
        );
    }

    fn checksum(digest: &str, rows: u64) -> TablesChecksum {
        TablesChecksum {
            tables: vec![TableChecksum {
                table: "chronology_entries".to_owned(),
                rows,
                digest: digest.to_owned(),
            }],
            digest: digest.to_owned(),
        }
    }

    #[test]
    fn a_mismatch_names_the_differing_table_and_what_was_done() {
        let report = RebuildReport {
            projector: "chronology",
            position: 42,
            events_applied: 42,
            live_checksum: checksum("aaaa", 41),
            shadow_checksum: checksum("bbbb", 42),
            matched: false,
            swapped: false,
            elapsed_seconds: 0.5,
        };
        let lines = describe_report(&report);
        assert_eq!(lines[0], "chronology: compared at position 42");
        assert!(
            lines[3].contains("live       41 rows, rebuilt       42 rows  DIFFERENT"),
            "{lines:?}"
        );
        assert!(lines[4].contains("checksums DIFFER"), "{lines:?}");
        assert!(lines[4].contains("compare only"), "{lines:?}");
    }
}
