//! `pep serve`: the whole service in one process (API, relay, projectors, process manager), or
//! the parts named by `--role` when scaling out.
//!
//! With no `DATABASE_URL` and no `NATS_URL` it runs embedded: a SQLite file in the data
//! directory (created and migrated), the in-process bus, and a development JWT secret generated
//! into the data directory; its first log lines say so. With them, PostgreSQL and JetStream.
//! With `--oidc-issuer` the web pages sign people in with the council's identity provider
//! ([`oidc_source`]), discovered at start like a JWKS URL's keys, before anything is opened.
//!
//! [`run`] takes its listener and its shutdown token from the caller, so tests bind port 0 and
//! stop it at will; [`run_serve_command`] binds the configured address and cancels on SIGTERM
//! or Ctrl-C. Shutdown stops accepting connections and drains requests in flight (axum's
//! graceful shutdown), then stops the process manager, notice delivery (dispatcher, worker and
//! overdue sweeper, which run with the process-manager role), the relay (which saves its
//! checkpoint), and the projectors, each within the configured grace, and finally brings every read model's
//! checkpoint to the head of the log from the store, so nothing committed is left unapplied.

mod announce;
mod app;
mod auth_source;
mod config;
mod config_file;
mod lifecycle;
mod oidc_source;
mod probes;
mod roles;
mod secret;

pub use auth_source::{AuthSource, DEFAULT_JWKS_REFRESH_SECONDS};
pub use config::{DEFAULT_LISTEN, DEV_SECRET_FILE_NAME, Roles, ServeArgs, ServeConfig};
pub use oidc_source::{CALLBACK_PATH, OidcArgs};
pub use secret::token_verifier;

use announce::{announce, cancel_on_signal, init_tracing, local_address};
use lifecycle::{flush_read_models, join_within, run_process_manager};

use crate::admin::DatabaseLocation;
use anyhow::Context as _;
use commands::clock::{SystemClock, UuidV7Ids};
use commands::handlers::CommandHandler;
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
use tokio::net::TcpListener;
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
async fn seed_demo_cohort(store: &Arc<dyn EventStore>, children: usize) -> anyhow::Result<()> {
    let today = chrono::Utc::now().date_naive();
    match crate::demo::seed_demo_if_empty(store.clone(), today, children).await? {
        Some(summary) => tracing::info!(
            children = summary.children,
            events = summary.events,
            "--demo: seeded the demo cohort"
        ),
        None => tracing::info!("--demo: the database already holds events; not seeding"),
    }
    Ok(())
}

/// The web pages' identity provider, discovered when OpenID Connect sign-in is configured and
/// this process serves the pages; failing names the issuer and what went wrong.
async fn discover_identity_provider(
    config: &ServeConfig,
) -> anyhow::Result<Option<pep_web::oidc::OidcClient>> {
    let Some(settings) = config.web.oidc.as_ref().filter(|_| config.roles.api) else {
        return Ok(None);
    };
    let client = pep_web::oidc::OidcClient::discover(settings)
        .await
        .with_context(|| {
            format!(
                "oidc_issuer {}: OpenID Connect sign-in cannot start (check the issuer URL and \
                 that the identity provider is reachable from this machine)",
                settings.issuer_url
            )
        })?;
    Ok(Some(client))
}

/// Serves on `listener` until `shutdown` is cancelled, then stops everything in order.
pub async fn run(
    listener: TcpListener,
    config: ServeConfig,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    announce(&config, &listener);
    // Keys first: a JWKS URL that cannot be fetched, or an identity provider that cannot be
    // discovered, stops the start before anything is opened.
    let verifier = secret::token_verifier(&config.auth).await?;
    let oidc = discover_identity_provider(&config).await?;
    let database = open_database(&config.database).await?;
    if config.demo {
        seed_demo_cohort(&database.store, config.demo_children).await?;
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
                .policy(Arc::new(config.reference.policy.clone()))
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
        let app = app::build(
            &config,
            state,
            read_side,
            inbound.clone(),
            database.inbound_log.clone(),
            oidc,
            listener.local_addr().ok(),
        );
        tracing::info!(address = %local_address(&listener), "serving the API and the web pages");
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
