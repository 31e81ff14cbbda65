//! `pep seed-demo`: seeds the demo cohort into a database from the command line, with a
//! progress line while it runs and a summary at the end.

use super::{DEFAULT_DEMO_CHILDREN, DemoOptions, DemoSummary, seed_demo};
use crate::admin::{DatabaseArgs, DatabaseLocation, open_and_migrate};
use anyhow::Context as _;
use chrono::NaiveDate;
use std::io::Write as _;

/// The options of `pep seed-demo`.
#[derive(Debug, Clone, clap::Args)]
pub struct SeedDemoArgs {
    /// Which database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// How many children to seed.
    #[arg(long, default_value_t = DEFAULT_DEMO_CHILDREN)]
    pub children: usize,
    /// The day the cohort is seen from (YYYY-MM-DD); today by default.
    #[arg(long)]
    pub today: Option<NaiveDate>,
    /// Seed even though the database already holds events.
    #[arg(long)]
    pub force: bool,
}

/// Runs `pep seed-demo`.
pub fn run_seed_demo_command(args: &SeedDemoArgs) -> anyhow::Result<()> {
    // The command line is the edge where the real date is read; the generator only sees it
    // as an argument.
    let today = args
        .today
        .unwrap_or_else(|| chrono::Utc::now().date_naive());
    let options = DemoOptions {
        children: args.children,
        today,
        force: args.force,
    };
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?
        .block_on(async {
            let location = DatabaseLocation::from_args(&args.database)?;
            let database = open_and_migrate(&location).await?;
            let mut progress = |done: usize, total: usize| {
                if done.is_multiple_of(10) || done == total {
                    let mut stderr = std::io::stderr().lock();
                    let _ = write!(stderr, "\rseeding demo children: {done}/{total}");
                    if done == total {
                        let _ = writeln!(stderr);
                    }
                    let _ = stderr.flush();
                }
            };
            let summary = seed_demo(database.store.clone(), &options, &mut progress).await?;
            database.read.close().await;
            report(&summary, today)
        })
}

/// The summary printed at the end.
pub fn summary_lines(summary: &DemoSummary, today: NaiveDate) -> Vec<String> {
    let mut lines = vec![
        format!(
            "seeded the demo cohort for LA {} as of {today}",
            super::DEMO_LA
        ),
        format!("children: {}", summary.children),
        format!("events written: {}", summary.events),
        "latest PEP by status:".to_owned(),
    ];
    for (status, count) in &summary.peps_by_status {
        lines.push(format!("  {status}: {count}"));
    }
    lines.push(format!(
        "PP+ requests: {} ({} allocated)",
        summary.funding_requests, summary.funding_allocations
    ));
    lines
}

fn report(summary: &DemoSummary, today: NaiveDate) -> anyhow::Result<()> {
    let mut stdout = std::io::stdout().lock();
    for line in summary_lines(summary, today) {
        writeln!(stdout, "{line}").context("writing to stdout")?;
    }
    stdout.flush().context("writing to stdout")
}
