//! `pep relay`: runs the relay alone against PostgreSQL and NATS, until SIGTERM or Ctrl-C.

use anyhow::Context as _;
use commands::store::{EventStore, PostgresEventStore};
use pep_messaging::relay::{
    JetStreamConfig, JetStreamPublisher, Relay, RelayConfig, StreamSettings,
};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// The options of `pep relay`.
#[derive(Debug, Clone, clap::Args)]
pub struct RelayArgs {
    /// The PostgreSQL database holding the events (`postgres://user@host:5432/db`).
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: String,
    /// The NATS server with JetStream (`nats://127.0.0.1:4222`).
    #[arg(long, env = "NATS_URL")]
    pub nats_url: String,
    /// The JetStream stream to publish to.
    #[arg(long, env = "PEP_RELAY_STREAM", default_value = "PEP_EVENTS")]
    pub stream: String,
    /// At most this many publishes wait for their acknowledgement at once.
    #[arg(long, env = "PEP_RELAY_MAX_IN_FLIGHT", default_value_t = 256)]
    pub max_in_flight: usize,
    /// How long a publish waits for its acknowledgement, in milliseconds.
    #[arg(long, env = "PEP_RELAY_ACK_TIMEOUT_MS", default_value_t = 5000)]
    pub ack_timeout_ms: u64,
    /// The longest the saved checkpoint trails acknowledgements while events keep coming, in
    /// milliseconds.
    #[arg(long, env = "PEP_RELAY_CHECKPOINT_INTERVAL_MS", default_value_t = 250)]
    pub checkpoint_interval_ms: u64,
}

impl RelayArgs {
    /// The relay's settings from these options.
    pub fn relay_config(&self) -> RelayConfig {
        RelayConfig {
            max_in_flight: self.max_in_flight,
            ack_timeout: Duration::from_millis(self.ack_timeout_ms),
            checkpoint_interval: Duration::from_millis(self.checkpoint_interval_ms),
            ..RelayConfig::default()
        }
    }

    /// The JetStream settings from these options.
    pub fn jetstream_config(&self) -> JetStreamConfig {
        JetStreamConfig {
            stream: StreamSettings {
                name: self.stream.clone(),
                ..StreamSettings::default()
            },
            ack_timeout: Duration::from_millis(self.ack_timeout_ms),
            ..JetStreamConfig::new(self.nats_url.clone())
        }
    }
}

/// Runs `pep relay` to completion on a runtime of its own.
pub fn run_relay_command(args: RelayArgs) -> anyhow::Result<()> {
    init_tracing();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?;
    runtime.block_on(relay_until_stopped(args))
}

async fn relay_until_stopped(args: RelayArgs) -> anyhow::Result<()> {
    let shutdown = CancellationToken::new();
    tokio::spawn(cancel_on_signal(shutdown.clone()));
    let Some(store) = connect_store(&args.database_url, &shutdown).await else {
        return Ok(());
    };
    let publisher = Arc::new(JetStreamPublisher::new(args.jetstream_config()));
    let relay = Relay::new(store, publisher, args.relay_config());
    relay
        .run(shutdown)
        .await
        .context("the relay stopped on an event it cannot publish")
}

/// Connects to PostgreSQL, retrying while it is unreachable (the relay outlives database
/// restarts, and should not need starting after the database). `None` on shutdown.
async fn connect_store(url: &str, shutdown: &CancellationToken) -> Option<Arc<dyn EventStore>> {
    loop {
        match PostgresEventStore::connect(url).await {
            Ok(store) => return Some(Arc::new(store)),
            Err(error) => tracing::warn!(%error, "could not connect to the event store; retrying"),
        }
        tokio::select! {
            () = shutdown.cancelled() => return None,
            () = tokio::time::sleep(Duration::from_secs(1)) => {}
        }
    }
}

/// Cancels `shutdown` on SIGTERM (how service managers stop us) or Ctrl-C.
async fn cancel_on_signal(shutdown: CancellationToken) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut terminate) => {
                tokio::select! {
                    _ = terminate.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM; only Ctrl-C stops the relay");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("stopping: waiting for acknowledgements in flight, then saving the checkpoint");
    shutdown.cancel();
}

/// Logs to stderr, filtered by `RUST_LOG` (default `info`). Does nothing if a subscriber is
/// already installed (another subcommand, or a test).
fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
