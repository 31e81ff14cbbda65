//! `pep-bench`: measures PEP Ledger's hot paths on a real PostgreSQL, each against a same-run
//! baseline, so figures from different machines can still be compared by their ratio.
//!
//! `pep-bench append --writers N --seconds S --events-per-command K` appends through the
//! store's group-commit writer and then through the naive design (one transaction per
//! command), each on a fresh database. `pep-bench dashboard --children N` times the Virtual
//! School dashboard page on a seeded cohort. See `docs/benchmark.md`.

use anyhow::Context;
use clap::{Parser, Subcommand};
use commands::store::{
    AppendRequest, EventMetadata, EventStore, ExpectedVersion, IdempotencyKey, NewEvent,
    PostgresEventStore,
};
use domain::{Actor, Role};
use std::io::Write;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tests::fresh_database::{DEFAULT_ADMIN_URL, FreshDatabase};
use tests::naive_append::NaiveWriter;
use uuid::Uuid;

mod dashboard;

#[derive(Debug, Parser)]
#[command(
    name = "pep-bench",
    about = "Benchmarks PEP Ledger against same-run baselines"
)]
struct Cli {
    #[command(subcommand)]
    benchmark: Benchmark,
}

#[derive(Debug, Subcommand)]
enum Benchmark {
    /// Appends through the group-commit writer, then through one transaction per command.
    Append(AppendOptions),
    /// Times the Virtual School dashboard page on a seeded cohort, beside the API's summary,
    /// a bounded page and a page with no query.
    Dashboard(dashboard::DashboardOptions),
}

#[derive(Debug, clap::Args)]
struct AppendOptions {
    /// Concurrent writers (tasks issuing commands one after another).
    #[arg(long, default_value_t = 8)]
    writers: usize,
    /// How long each design runs.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Events per command (per append).
    #[arg(long, default_value_t = 1)]
    events_per_command: usize,
    /// How many streams the commands pick from at random.
    #[arg(long, default_value_t = 10_000)]
    streams: u64,
    /// An admin URL of the server; each design gets a fresh database created through it.
    #[arg(long, env = "PEP_TEST_DATABASE_URL", default_value = DEFAULT_ADMIN_URL)]
    database_url: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().benchmark {
        Benchmark::Append(options) => append(options).await,
        Benchmark::Dashboard(options) => dashboard::run(options).await,
    }
}

/// What one design achieved.
struct Measurement {
    design: &'static str,
    commands: u64,
    events: u64,
    elapsed: Duration,
    latencies: Vec<Duration>,
    verified: bool,
}

async fn append(options: AppendOptions) -> anyhow::Result<()> {
    anyhow::ensure!(options.writers > 0, "--writers must be at least 1");
    anyhow::ensure!(
        options.events_per_command > 0,
        "--events-per-command must be at least 1"
    );
    anyhow::ensure!(options.streams > 0, "--streams must be at least 1");
    let group_commit = measure_group_commit(&options).await?;
    let naive = measure_naive(&options).await?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "append: {} writers, {} event(s) per command, {} s per design, {} streams",
        options.writers, options.events_per_command, options.seconds, options.streams
    )?;
    writeln!(
        out,
        "{:<28} {:>10} {:>11} {:>9} {:>9} {:>8}",
        "design", "commands/s", "events/s", "p50 ms", "p99 ms", "chain"
    )?;
    for measurement in [&group_commit, &naive] {
        let seconds = measurement.elapsed.as_secs_f64();
        writeln!(
            out,
            "{:<28} {:>10.0} {:>11.0} {:>9.2} {:>9.2} {:>8}",
            measurement.design,
            measurement.commands as f64 / seconds,
            measurement.events as f64 / seconds,
            percentile(&measurement.latencies, 50.0),
            percentile(&measurement.latencies, 99.0),
            if measurement.verified {
                "intact"
            } else {
                "BROKEN"
            },
        )?;
    }
    let speedup = (group_commit.events as f64 / group_commit.elapsed.as_secs_f64())
        / (naive.events as f64 / naive.elapsed.as_secs_f64()).max(f64::MIN_POSITIVE);
    writeln!(out, "group commit / naive throughput: {speedup:.2}x")?;
    anyhow::ensure!(
        group_commit.verified && naive.verified,
        "a hash chain did not verify"
    );
    Ok(())
}

fn metadata() -> EventMetadata {
    EventMetadata {
        la: "831".to_owned(),
        occurred_at: chrono::Utc::now(),
        actor: Actor::new("pep-bench", Role::System),
        correlation_id: Uuid::now_v7(),
        causation_id: Uuid::now_v7(),
        source: "pep-bench".to_owned(),
    }
}

/// A command's events: a payload about the size of a real PEP event.
fn command_events(count: usize) -> Vec<NewEvent> {
    let metadata = metadata();
    (0..count)
        .map(|n| {
            let payload = serde_json::json!({
                "target_id": Uuid::now_v7(),
                "description": "Improve reading age by 12 months through daily guided reading",
                "measure": "Salford reading test at the spring review",
                "owner": "designated_teacher",
                "due": "2025-03-31",
                "n": n,
            });
            NewEvent::new(Uuid::now_v7(), "TargetSet", 1, payload, &metadata)
        })
        .collect()
}

/// A small generator per writer, so stream choice costs nothing and needs no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

async fn measure_group_commit(options: &AppendOptions) -> anyhow::Result<Measurement> {
    let database = FreshDatabase::create(&options.database_url, "pep_bench").await?;
    let store = PostgresEventStore::connect(&database.url).await?;
    store.migrate().await?;
    let store: Arc<dyn EventStore> = Arc::new(store);
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let started = Instant::now();
    let writers: Vec<_> = (0..options.writers)
        .map(|writer| {
            let store = store.clone();
            let events_per_command = options.events_per_command;
            let streams = options.streams;
            tokio::spawn(async move {
                let mut random = XorShift(0x9E37_79B9_7F4A_7C15 ^ (writer as u64 + 1));
                let mut latencies = Vec::new();
                while Instant::now() < deadline {
                    let request = AppendRequest::single(
                        format!("child-{}", random.next(streams)),
                        ExpectedVersion::Any,
                        command_events(events_per_command),
                        Some(IdempotencyKey {
                            key: Uuid::now_v7().to_string(),
                            request_fingerprint: "bench".to_owned(),
                        }),
                    );
                    let sent = Instant::now();
                    store.append(request).await?;
                    latencies.push(sent.elapsed());
                }
                anyhow::Ok(latencies)
            })
        })
        .collect();
    let latencies = join_latencies(writers).await?;
    let elapsed = started.elapsed();
    let verified = store.verify_chain().await?.is_intact();
    let events = store.head_position().await?;
    drop(store);
    database.drop_database().await?;
    Ok(Measurement {
        design: "group commit (store writer)",
        commands: latencies.len() as u64,
        events,
        elapsed,
        latencies,
        verified,
    })
}

async fn measure_naive(options: &AppendOptions) -> anyhow::Result<Measurement> {
    let database = FreshDatabase::create(&options.database_url, "pep_bench").await?;
    // The store only creates the schema and verifies the chain afterwards; it appends nothing.
    let store = PostgresEventStore::connect(&database.url).await?;
    store.migrate().await?;
    let deadline = Instant::now() + Duration::from_secs(options.seconds);
    let started = Instant::now();
    let mut writers = Vec::with_capacity(options.writers);
    for writer in 0..options.writers {
        let mut naive = NaiveWriter::connect(&database.url).await?;
        let events_per_command = options.events_per_command;
        let streams = options.streams;
        writers.push(tokio::spawn(async move {
            let mut random = XorShift(0x9E37_79B9_7F4A_7C15 ^ (writer as u64 + 1));
            let mut latencies = Vec::new();
            while Instant::now() < deadline {
                let stream = format!("child-{}", random.next(streams));
                let events = command_events(events_per_command);
                let key = Uuid::now_v7().to_string();
                let sent = Instant::now();
                naive.append(&stream, &events, &key).await?;
                latencies.push(sent.elapsed());
            }
            anyhow::Ok(latencies)
        }));
    }
    let latencies = join_latencies(writers).await?;
    let elapsed = started.elapsed();
    let verified = store.verify_chain().await?.is_intact();
    let events = store.head_position().await?;
    drop(store);
    database.drop_database().await?;
    Ok(Measurement {
        design: "naive (1 transaction/command)",
        commands: latencies.len() as u64,
        events,
        elapsed,
        latencies,
        verified,
    })
}

async fn join_latencies(
    writers: Vec<tokio::task::JoinHandle<anyhow::Result<Vec<Duration>>>>,
) -> anyhow::Result<Vec<Duration>> {
    let mut all = Vec::new();
    for writer in writers {
        all.extend(writer.await.context("a writer task panicked")??);
    }
    all.sort();
    Ok(all)
}

/// The latency at `percent` of sorted samples, in milliseconds.
fn percentile(sorted: &[Duration], percent: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((percent / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}
