//! The service under test: `serve::run` on 127.0.0.1:0 in a task, its configuration with short
//! timings, a known HS256 secret to mint tokens with, and a bounded stop.

use crate::relay::support::{fast_relay_config, wait_until};
use pep::serve::{AuthSource, ServeConfig};
use pep_auth::{Claims, issue_development_token};
use pep_messaging::projection_feed::FeedConfig;
use pep_reference::{ReferenceData, ReferenceDataArgs};
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;
use tests::logging::init_logging;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub const SECRET: &str = "end-to-end-test-secret-of-at-least-32-bytes";

/// The configuration the tests start from: embedded in `data_dir`, short timings.
pub fn test_config(data_dir: &Path) -> ServeConfig {
    let mut config = ServeConfig::embedded(
        data_dir,
        ReferenceData::load(&ReferenceDataArgs::default()).unwrap(),
    );
    config.auth = AuthSource::Secret(SECRET.to_owned());
    config.relay = fast_relay_config();
    config.feed = FeedConfig {
        idle_check_interval: Duration::from_millis(300),
        lag_interval: Duration::from_millis(100),
        initial_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(500),
        ..FeedConfig::default()
    };
    config.read_wait_limit = Duration::from_secs(10);
    config.shutdown_grace = Duration::from_secs(10);
    config
}

/// A running service.
pub struct Service {
    pub address: SocketAddr,
    shutdown: CancellationToken,
    task: JoinHandle<anyhow::Result<()>>,
}

impl Service {
    pub async fn start(config: ServeConfig) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::start_on(listener, config).await
    }

    /// Starts on a listener bound beforehand, for a configuration that must name the service's
    /// own address (an OpenID Connect redirect URL).
    pub async fn start_on(listener: tokio::net::TcpListener, config: ServeConfig) -> Self {
        init_logging();
        let address = listener.local_addr().unwrap();
        let shutdown = CancellationToken::new();
        let task = tokio::spawn(pep::serve::run(listener, config, shutdown.clone()));
        wait_until(
            Duration::from_secs(20),
            "the service answers /healthz",
            || async move {
                match tokio::net::TcpStream::connect(address).await {
                    Ok(_) => {
                        crate::client::send(address, "GET", "/healthz", None, None)
                            .await
                            .status
                            == 200
                    }
                    Err(_) => false,
                }
            },
        )
        .await;
        Self {
            address,
            shutdown,
            task,
        }
    }

    /// Stops the service as SIGTERM would and waits (bounded) for it to finish.
    pub async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(Duration::from_secs(30), self.task)
            .await
            .expect("the service stops within 30 s")
            .unwrap()
            .unwrap();
    }
}

/// A Virtual School token for `la`.
pub fn virtual_school_token(la: &str) -> String {
    token_for("virtual_school", "vs-officer-1", la)
}

/// A development token for `role` in `la`, as person `sub`.
pub fn token_for(role: &str, sub: &str, la: &str) -> String {
    let now = jsonwebtoken::get_current_timestamp();
    issue_development_token(
        SECRET.as_bytes(),
        &Claims {
            sub: sub.to_owned(),
            role: role.to_owned(),
            la: la.to_owned(),
            school_urn: None,
            child_ids: Vec::new(),
            caseload: Vec::new(),
            iro_id: None,
            exp: now + 3600,
            iat: Some(now),
        },
    )
    .unwrap()
}
