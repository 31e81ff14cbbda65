//! The `pep` binary: one command-line entry point whose subcommands do the work in modules
//! (`pep schedule` now; `pep serve`, `pep migrate` and the rest join the same enum).
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod demo_child;
mod schedule;

use clap::{Parser, Subcommand};
use pep_reference::{ReferenceData, ReferenceDataArgs};

/// PEP Ledger: every looked-after child's Personal Education Plan as an immutable history.
#[derive(Debug, Parser)]
#[command(name = "pep", version, about)]
struct Cli {
    /// Reference data files, shared by every subcommand.
    #[command(flatten)]
    reference_data: ReferenceDataArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print a child's PEP compliance schedule: every obligation, its due date and its status.
    Schedule(schedule::ScheduleArgs),
    /// Publish every committed event to NATS JetStream, in order, until stopped.
    Relay(pep::relay_cli::RelayArgs),
    /// Create or update the database: the event store's migrations and every read model's tables.
    Migrate(pep::admin::MigrateArgs),
    /// Rebuild read models from the event log beside the live ones, compare checksums, swap.
    Rebuild(pep::admin::RebuildArgs),
    /// Verify the hash chain and read models, replay a child, or export a child's history.
    Audit(pep::admin::AuditArgs),
    /// Development tokens: `pep token issue --role R --la 831` prints one.
    Token(pep::token::TokenArgs),
    /// Run the service: API, relay, projectors and process manager (embedded by default).
    /// Boxed: its many options would make every other command's value as large.
    Serve(Box<pep::serve::ServeArgs>),
    /// Seed a synthetic demo cohort for LA 831 into an empty database.
    SeedDemo(pep::demo::SeedDemoArgs),
    /// Import an SSDA903 extract through the inbound feed's checks: `pep import 903 --la 831
    /// header.csv episodes.csv`.
    Import(pep::admin::ImportArgs),
}

/// Prints a failure as one line with its causes (`error: reading ...: No such file`) and exits 1,
/// never with a stack trace, whatever `RUST_BACKTRACE` says: these are users' mistakes to fix,
/// not crashes to debug.
fn main() -> std::process::ExitCode {
    match run(Cli::parse()) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Schedule(args) => {
            let reference = ReferenceData::load(&cli.reference_data)?;
            schedule::run(args, &reference)
        }
        Command::Relay(args) => pep::relay_cli::run_relay_command(args.clone()),
        Command::Migrate(args) => {
            pep::admin::run_migrate(args, &ReferenceData::load(&cli.reference_data)?)
        }
        Command::Rebuild(args) => {
            pep::admin::run_rebuild(args, &ReferenceData::load(&cli.reference_data)?)
        }
        Command::Audit(args) => {
            pep::admin::run_audit(args, &ReferenceData::load(&cli.reference_data)?)
        }
        Command::Token(args) => pep::token::run_token_command(args),
        Command::Serve(args) => {
            pep::serve::run_serve_command(args, ReferenceData::load(&cli.reference_data)?)
        }
        Command::SeedDemo(args) => pep::demo::run_seed_demo_command(args),
        Command::Import(args) => {
            pep::admin::run_import(args, &ReferenceData::load(&cli.reference_data)?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn reference_data_options_are_accepted_after_the_subcommand() {
        let cli = Cli::try_parse_from([
            "pep",
            "schedule",
            "--demo",
            "--today",
            "2025-04-22",
            "--policy",
            "la.toml",
        ])
        .unwrap();
        assert_eq!(
            cli.reference_data.policy_file.as_deref(),
            Some(std::path::Path::new("la.toml"))
        );
        let Command::Schedule(args) = cli.command else {
            panic!("expected the schedule subcommand");
        };
        assert!(args.demo);
        assert_eq!(args.today, chrono::NaiveDate::from_ymd_opt(2025, 4, 22));
    }
}
