//! What `/readyz` checks besides the event store when `pep serve` runs: the NATS connection
//! (when configured) and the projectors' lag.

use async_trait::async_trait;
use pep_http::ReadinessProbe;
use pep_messaging::projection_feed::ProjectionStatus;
use std::time::Duration;

/// Ready while a NATS connection made for the purpose is up. The connection is made in the
/// background and kept (the client reconnects by itself), so a NATS that starts after the
/// service makes it ready once it comes.
#[derive(Debug)]
pub(super) struct NatsProbe {
    client: Option<async_nats::Client>,
    reason: String,
}

impl NatsProbe {
    pub(super) async fn connect(url: &str) -> Self {
        match async_nats::ConnectOptions::new()
            .name("pep-readiness")
            .connection_timeout(Duration::from_secs(5))
            .retry_on_initial_connect()
            .connect(url)
            .await
        {
            Ok(client) => Self {
                client: Some(client),
                reason: String::new(),
            },
            Err(error) => Self {
                client: None,
                reason: format!("cannot connect to NATS: {error}"),
            },
        }
    }
}

#[async_trait]
impl ReadinessProbe for NatsProbe {
    fn name(&self) -> &str {
        "nats"
    }

    async fn check(&self) -> Result<(), String> {
        match &self.client {
            Some(client) => match client.connection_state() {
                async_nats::connection::State::Connected => Ok(()),
                state => Err(format!("NATS connection is {state}")),
            },
            None => Err(self.reason.clone()),
        }
    }
}

/// Ready once every projector has caught up with the log and stays within a bound of it.
#[derive(Debug)]
pub(super) struct ProjectorLagProbe {
    status: ProjectionStatus,
    max_positions_behind: u64,
}

impl ProjectorLagProbe {
    pub(super) fn new(status: ProjectionStatus, max_positions_behind: u64) -> Self {
        Self {
            status,
            max_positions_behind,
        }
    }
}

#[async_trait]
impl ReadinessProbe for ProjectorLagProbe {
    fn name(&self) -> &str {
        "projectors"
    }

    async fn check(&self) -> Result<(), String> {
        self.status
            .readiness(self.max_positions_behind)
            .map_err(|reasons| reasons.join("; "))
    }
}
