//! `pep serve`: the whole service in one process (API, relay, projectors, process manager), or
//! the parts named by `--role` when scaling out.
//!
//! With no `DATABASE_URL` and no `NATS_URL` it runs embedded: a SQLite file in the data
//! directory (created and migrated), the in-process bus, and a development JWT secret generated
//! into the data directory; its first log lines say so. With them, PostgreSQL and JetStream.
//!
//! [`run`] takes its listener and its shutdown token from the caller, so tests bind port 0 and
//! stop it at will; [`run_serve_command`] binds the configured address and cancels on SIGTERM
//! or Ctrl-C. Shutdown stops accepting connections and drains requests in flight (axum's
//! graceful shutdown), then stops the process manager, notice delivery (dispatcher, worker and
//! overdue sweeper, which run with the process-manager role), the relay (which saves its
//! checkpoint), and the projectors, each within the configured grace, and finally brings every read model's
//! checkpoint to the head of the log from the store, so nothing committed is left unapplied.

mod auth_source;
mod config;
mod config_file;
mod probes;
mod roles;
mod secret;

pub use auth_source::{AuthSource, DEFAULT_JWKS_REFRESH_SECONDS};
pub use config::{DEFAULT_LISTEN, DEV_SECRET_FILE_NAME, Roles, ServeArgs, ServeConfig};
pub use secret::token_verifier;

use crate::admin::DatabaseLocation;
use anyhow::Context as _;
use axum::extract::Extension;
use commands::clock::{SystemClock, UuidV7Ids};
use commands::handlers::CommandHandler;
use commands::process_manager::ProcessManager;
use commands::store::EventStore;
use pep_http::AppState;
use pep_http::reads::ReadSide;
use pep_inbound::{InboundHandler, InboundLog, InboundMetrics};
use pep_messaging::bus::InProcessBus;
use pep_messaging::event_log::StoreEventLog;
use pep_messaging::projection_feed::{
    FeedSource, JetStreamFeedConfig, ProjectionFeed, read_model_projectors,
};
use pep_messaging::redact_url;
use pep_messaging::relay::{JetStreamConfig, JetStreamPublisher, Publisher, Relay};
use pep_records::RecordDatabase;
use pep_reference::ReferenceData;
use projections::db::ReadDatabase;
use projections::runtime::ProjectorRunner;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The leadership name of the process manager: one runs per database.
pub const PROCESS_MANAGER_LEADERSHIP: &str = "process-manager";

/// Runs `pep serve` to completion on a runtime of its own.
pub fn run_serve_command(args: &ServeArgs, reference: ReferenceData) -> anyhow::Result<()> {
    init_tracing();
    let config = ServeConfig::resolve(args, reference)?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("could not start the async runtime")?
        .block_on(async move {
            let shutdown = CancellationToken::new();
            tokio::spawn(cancel_on_signal(shutdown.clone()));
            let listener = TcpListener::bind(config.listen)
                .await
                .with_context(|| format!("cannot listen on {}", config.listen))?;
            run(listener, config, shutdown).await
        })
}

/// The database opened for serving: the store, the gateway's tables and the read models.
struct Database {
    store: Arc<dyn EventStore>,
    records: RecordDatabase,
    read: ReadDatabase,
    inbound_log: InboundLog,
}

async fn open_database(location: &DatabaseLocation) -> anyhow::Result<Database> {
    let open = crate::admin::open_and_migrate(location).await?;
    let inbound_log = InboundLog::new(open.read.clone());
    Ok(Database {
        store: open.store,
        records: open.records,
        read: open.read,
        inbound_log,
    })
}

/// `--demo`: seeds the demo cohort, as of today, when the database has no events yet.
async fn seed_demo_cohort(store: &Arc<dyn EventStore>) -> anyhow::Result<()> {
    let today = chrono::Utc::now().date_naive();
    match crate::demo::seed_demo_if_empty(store.clone(), today).await? {
        Some(summary) => tracing::info!(
            children = summary.children,
            events = summary.events,
            "--demo: seeded the demo cohort"
        ),
        None => tracing::info!("--demo: the database already holds events; not seeding"),
    }
    Ok(())
}

/// Serves on `listener` until `shutdown` is cancelled, then stops everything in order.
pub async fn run(
    listener: TcpListener,
    config: ServeConfig,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    announce(&config, &listener);
    // Keys first: a JWKS URL that cannot be fetched stops the start before anything is opened.
    let verifier = secret::token_verifier(&config.auth).await?;
    let database = open_database(&config.database).await?;
    if config.demo {
        seed_demo_cohort(&database.store).await?;
    }
    let log = StoreEventLog::new(database.store.clone());
    let projectors = read_model_projectors(&config.reference);
    for projector in &projectors {
        ProjectorRunner::new(database.read.clone(), projector.clone())
            .ensure_schema()
            .await
            .with_context(|| format!("creating the {} read model's tables", projector.name()))?;
    }
    let bus = config
        .nats_url
        .is_none()
        .then(|| InProcessBus::new(database.store.clone(), 4096));

    let process_manager_stop = CancellationToken::new();
    let relay_stop = CancellationToken::new();
    let projectors_stop = CancellationToken::new();
    let inbound_stop = CancellationToken::new();

    let inbound_metrics = InboundMetrics::new();
    let inbound = InboundHandler::new(
        CommandHandler::new(
            database.store.clone(),
            Arc::new(SystemClock),
            Arc::new(UuidV7Ids),
        ),
        database.inbound_log.clone(),
        Arc::new(domain::ssda903::CodeLists::embedded().clone()),
        Arc::new(SystemClock),
        inbound_metrics.clone(),
    );
    let inbound_tasks = match (&config.nats_url, config.roles.inbound) {
        (Some(url), true) => {
            let mut nats = config.inbound.clone();
            nats.url = url.clone();
            vec![
                tokio::spawn(pep_inbound::nats::run_consumer(
                    inbound.clone(),
                    nats.clone(),
                    inbound_stop.clone(),
                )),
                tokio::spawn(pep_inbound::nats::run_dead_letter_publisher(
                    inbound.clone(),
                    nats,
                    inbound_stop.clone(),
                )),
            ]
        }
        _ => Vec::new(),
    };

    let process_manager = config.roles.process_manager.then(|| {
        tokio::spawn(run_process_manager(
            database.store.clone(),
            process_manager_stop.clone(),
        ))
    });

    // --- IRO notice delivery (crate::notify): runs with the process-manager role ---
    let notice_hub = pep_notify::NoticeHub::default();
    let notice_services = if config.roles.process_manager {
        Some(
            pep_notify::spawn_notice_services(pep_notify::NoticeSetup {
                store: database.store.clone(),
                records: database.records.clone(),
                read: database.read.clone(),
                compliance: projections::compliance::ComplianceProjector::new(
                    config.reference.policy.clone(),
                    config.reference.calendar.clone(),
                ),
                rule: config.reference.policy.notices,
                nats_url: config.nats_url.clone(),
                config: config.notices.clone(),
                hub: notice_hub.clone(),
                clock: Arc::new(SystemClock),
            })
            .context("starting notice delivery")?,
        )
    } else {
        None
    };
    // --- end of IRO notice delivery ---

    let mut relay_metrics = None;
    let relay = if config.roles.relay {
        let publisher: Arc<dyn Publisher> = match (&bus, &config.nats_url) {
            (Some(bus), _) => Arc::new(bus.publisher()),
            (None, Some(url)) => {
                Arc::new(JetStreamPublisher::new(JetStreamConfig::new(url.clone())))
            }
            (None, None) => anyhow::bail!("neither NATS nor the in-process bus is configured"),
        };
        let relay = Relay::new(database.store.clone(), publisher, config.relay.clone());
        relay_metrics = Some(relay.metrics());
        let stop = relay_stop.clone();
        Some(tokio::spawn(async move {
            if let Err(error) = relay.run(stop).await {
                tracing::error!(%error, "the relay stopped");
            }
        }))
    } else {
        None
    };

    let feed = if config.roles.projectors {
        let source = match (&bus, &config.nats_url) {
            (Some(bus), _) => FeedSource::Bus(bus.clone()),
            (None, Some(url)) => FeedSource::JetStream(JetStreamFeedConfig::new(url.clone())),
            (None, None) => anyhow::bail!("neither NATS nor the in-process bus is configured"),
        };
        Some(
            ProjectionFeed::start(
                database.read.clone(),
                projectors.clone(),
                log.clone(),
                source,
                config.feed.clone(),
                projectors_stop.clone(),
            )
            .await
            .context("starting the projectors")?,
        )
    } else {
        None
    };

    if config.roles.api {
        let mut builder =
            AppState::builder(database.store.clone(), database.records.clone(), verifier)
                .clock(Arc::new(SystemClock))
                .ids(Arc::new(UuidV7Ids))
                .notice_hub(notice_hub.clone());
        if let Some(metrics) = relay_metrics {
            builder = builder.relay_metrics(metrics);
        }
        if let Some(url) = &config.nats_url {
            builder = builder.readiness_probe(Arc::new(probes::NatsProbe::connect(url).await));
        }
        if let Some(feed) = &feed {
            builder = builder
                .readiness_probe(Arc::new(probes::ProjectorLagProbe::new(
                    feed.status(),
                    config.max_projector_lag,
                )))
                .projection_status(feed.status());
        }
        let read_side = ReadSide::new(
            database.read.clone(),
            config.reference.clone(),
            projectors.clone(),
            config.read_wait_limit,
        );
        let state = builder.build();
        inbound_metrics.register(state.metrics().registry());
        let app = pep_http::router(state)
            .layer(Extension(read_side))
            .layer(Extension(inbound.clone()));
        tracing::info!(address = %local_address(&listener), "serving the API");
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown.clone().cancelled_owned())
            .await
            .context("serving HTTP")?;
        tracing::info!("stopped accepting requests; requests in flight are answered");
    } else {
        drop(listener);
        shutdown.cancelled().await;
    }

    // Stop in the order work flows: commands that react to events, then the relay (it saves
    // its checkpoint), then the projectors.
    let grace = config.shutdown_grace;
    inbound_stop.cancel();
    for task in inbound_tasks {
        join_within("the inbound feeds", Some(task), grace).await;
    }
    process_manager_stop.cancel();
    join_within("the process manager", process_manager, grace).await;
    if let Some(notice_services) = notice_services {
        notice_services.stop(grace).await;
    }
    relay_stop.cancel();
    join_within("the relay", relay, grace).await;
    if let Some(feed) = feed {
        projectors_stop.cancel();
        if tokio::time::timeout(grace, feed.wait()).await.is_err() {
            tracing::warn!("the projectors did not stop within {grace:?}");
        }
        flush_read_models(&database.read, &projectors, &log, grace).await;
    }
    tracing::info!("stopped");
    Ok(())
}

/// Applies whatever the store has beyond each read model's checkpoint, so a clean stop leaves
/// every checkpoint at the head.
async fn flush_read_models(
    read: &ReadDatabase,
    projectors: &[Arc<dyn projections::runtime::Projector>],
    log: &StoreEventLog,
    grace: Duration,
) {
    for projector in projectors {
        let runner = ProjectorRunner::new(read.clone(), projector.clone());
        match tokio::time::timeout(grace, runner.catch_up(log)).await {
            Ok(Ok(report)) if report.applied > 0 => tracing::info!(
                projector = projector.name(),
                applied = report.applied,
                "read model brought to the head before stopping"
            ),
            Ok(Ok(_)) => {}
            Ok(Err(error)) => {
                tracing::warn!(projector = projector.name(), %error, "could not bring the read model to the head")
            }
            Err(_) => tracing::warn!(
                projector = projector.name(),
                "bringing the read model to the head took too long"
            ),
        }
    }
}

async fn join_within(what: &str, task: Option<JoinHandle<()>>, grace: Duration) {
    let Some(task) = task else {
        return;
    };
    match tokio::time::timeout(grace, task).await {
        Ok(Ok(())) => {}
        Ok(Err(error)) => tracing::error!(%error, "{what} failed while stopping"),
        Err(_) => tracing::warn!("{what} did not stop within {grace:?}"),
    }
}

/// Takes the process manager's leadership when free and runs it until `stop`; another process
/// holding it is waited on (it takes over if that one dies).
async fn run_process_manager(store: Arc<dyn EventStore>, stop: CancellationToken) {
    let clock = Arc::new(SystemClock);
    let ids = Arc::new(UuidV7Ids);
    let handler = CommandHandler::new(store.clone(), clock.clone(), ids.clone());
    let manager = ProcessManager::new(handler, clock, ids);
    loop {
        match store
            .try_acquire_leadership(PROCESS_MANAGER_LEADERSHIP)
            .await
        {
            Ok(Some(guard)) => {
                tracing::info!("the process manager is running here");
                let result = manager.run(stop.clone().cancelled_owned()).await;
                drop(guard);
                match result {
                    Ok(()) => return,
                    Err(error) => tracing::warn!(%error, "the process manager failed; restarting"),
                }
            }
            Ok(None) => tracing::debug!("another process runs the process manager"),
            Err(error) => {
                tracing::warn!(%error, "could not ask for the process manager's leadership")
            }
        }
        if !pause(&stop, Duration::from_secs(2)).await {
            return;
        }
    }
}

async fn pause(stop: &CancellationToken, delay: Duration) -> bool {
    tokio::select! {
        () = stop.cancelled() => false,
        () = tokio::time::sleep(delay) => true,
    }
}

fn local_address(listener: &TcpListener) -> String {
    listener
        .local_addr()
        .map(|address| address.to_string())
        .unwrap_or_else(|_| "an unknown address".to_owned())
}

/// The first log lines: which mode, where the data is, what runs. No secret is logged.
fn announce(config: &ServeConfig, listener: &TcpListener) {
    match (&config.database, &config.nats_url) {
        (DatabaseLocation::Sqlite(path), None) => tracing::info!(
            "embedded mode: SQLite database {} and the in-process bus (no DATABASE_URL or NATS_URL \
             given); set both to run on PostgreSQL and NATS",
            path.display()
        ),
        (database, nats) => tracing::info!(
            database = %describe_database(database),
            nats = nats.as_deref().map(redact_url).unwrap_or_else(|| "in-process bus".to_owned()),
            "production mode"
        ),
    }
    tracing::info!(
        roles = %config.roles.describe(),
        listen = %local_address(listener),
        "starting"
    );
}

fn describe_database(location: &DatabaseLocation) -> String {
    match location {
        DatabaseLocation::Postgres(url) => redact_url(url),
        DatabaseLocation::Sqlite(path) => format!("SQLite {}", path.display()),
    }
}

/// Cancels `shutdown` on SIGTERM or Ctrl-C.
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
                tracing::warn!(%error, "cannot listen for SIGTERM; only Ctrl-C stops the service");
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    tracing::info!("stopping: draining requests, then the process manager, relay and projectors");
    shutdown.cancel();
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
