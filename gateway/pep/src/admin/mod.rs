//! The operator's commands on a database: `pep migrate` (event store and read-model schemas),
//! `pep rebuild` (read models from the log, with progress and a checksum compare) and
//! `pep audit` (verify, replay, export). `docs/operations.md` is their manual.
//!
//! Each command runs on a runtime of its own, writes its report to stdout and logs warnings to
//! stderr, and fails (non-zero exit) when what it checked did not hold.

mod audit;
mod database;
mod import903;
mod migrate;
mod rebuild;

pub use audit::{AuditArgs, AuditCommand, ExportArgs, ReplayArgs, VerifyArgs, run_audit};
pub use database::{
    DATABASE_FILE_NAME, DEFAULT_DATA_DIR, DatabaseArgs, DatabaseLocation, OpenDatabase,
    open_and_migrate, open_existing,
};
pub use import903::{
    Import903Args, ImportArgs, ImportCommand, ImportSummary, import_903, run_import,
};
pub use migrate::{MigrateArgs, migrate, run_migrate};
pub use rebuild::{RebuildArgs, describe_progress, run_rebuild};

use anyhow::Context as _;
use std::future::Future;
use std::io::Write as _;

/// Runs `work` to completion on a new multi-threaded runtime, with warnings logged to stderr.
fn block_on<T>(work: impl Future<Output = anyhow::Result<T>>) -> anyhow::Result<T> {
    init_tracing();
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?
        .block_on(work)
}

/// Logs to stderr, filtered by `RUST_LOG` (default `warn`, so reports stay readable). Does
/// nothing if a subscriber is already installed.
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Writes one line of the report to stdout, flushed at once so progress shows while a long
/// command runs.
fn say(line: impl std::fmt::Display) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}").context("writing to stdout")?;
    stdout.flush().context("writing to stdout")
}
