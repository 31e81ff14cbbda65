//! What the service says about itself: the first log lines (mode, data, roles, address; never a
//! secret), the log subscriber, and the signals that stop it.

use super::ServeConfig;
use crate::admin::DatabaseLocation;
use pep_messaging::redact_url;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

pub(super) fn local_address(listener: &TcpListener) -> String {
    listener
        .local_addr()
        .map(|address| address.to_string())
        .unwrap_or_else(|_| "an unknown address".to_owned())
}

/// The first log lines: which mode, where the data is, what runs. No secret is logged.
pub(super) fn announce(config: &ServeConfig, listener: &TcpListener) {
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
    match &config.web.oidc {
        Some(oidc) => tracing::info!(
            issuer = %oidc.issuer_url,
            client_id = %oidc.client_id,
            redirect_url = %oidc.redirect_url,
            confidential = oidc.client_secret.is_some(),
            "web sign-in: OpenID Connect with the council's identity provider"
        ),
        None if config.demo => {
            tracing::info!("web sign-in: demonstration people only (--demo); no --oidc-issuer")
        }
        None => tracing::info!(
            "web sign-in is not set up: give --oidc-issuer, --oidc-client-id and \
             --oidc-redirect-url to sign people in with the council's identity provider"
        ),
    }
}

fn describe_database(location: &DatabaseLocation) -> String {
    match location {
        DatabaseLocation::Postgres(url) => redact_url(url),
        DatabaseLocation::Sqlite(path) => format!("SQLite {}", path.display()),
    }
}

/// Cancels `shutdown` on SIGTERM or Ctrl-C.
pub(super) async fn cancel_on_signal(shutdown: CancellationToken) {
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

pub(super) fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
