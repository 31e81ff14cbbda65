//! What the read routes read from, and waiting for a read model to reach a position so that a
//! client reads its own write (`?min_position=`).

use crate::problem::{ApiError, ProblemKind};
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use pep_reference::ReferenceData;
use projections::compliance::ComplianceProjector;
use projections::db::ReadDatabase;
use projections::runtime::{Projector, ProjectorRunner};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The header on every read-model answer: the position that read model had applied.
pub const READ_POSITION_HEADER: &str = "pep-read-position";

/// How often a waiting read looks at the checkpoint again.
const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// What the read routes share: the read database, the compliance projector (its policy dates
/// and judges obligations), the reference data, and a checkpoint reader per read model.
#[derive(Clone)]
pub struct ReadSide {
    database: ReadDatabase,
    compliance: Arc<ComplianceProjector>,
    reference: Arc<ReferenceData>,
    checkpoints: Arc<BTreeMap<&'static str, ProjectorRunner>>,
    wait_limit: Duration,
}

impl fmt::Debug for ReadSide {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter
            .debug_struct("ReadSide")
            .field("read_models", &self.checkpoints.keys().collect::<Vec<_>>())
            .field("wait_limit", &self.wait_limit)
            .finish()
    }
}

impl ReadSide {
    /// The read side over `database`, for these projectors (the service's, from
    /// `projection_feed::read_model_projectors`), waiting at most `wait_limit` for a position.
    pub fn new(
        database: ReadDatabase,
        reference: ReferenceData,
        projectors: Vec<Arc<dyn Projector>>,
        wait_limit: Duration,
    ) -> Self {
        let checkpoints = projectors
            .into_iter()
            .map(|projector| {
                (
                    projector.name(),
                    ProjectorRunner::new(database.clone(), projector),
                )
            })
            .collect();
        Self {
            compliance: Arc::new(ComplianceProjector::new(
                reference.policy.clone(),
                reference.calendar.clone(),
            )),
            database,
            reference: Arc::new(reference),
            checkpoints: Arc::new(checkpoints),
            wait_limit,
        }
    }

    /// The read models' database.
    pub fn database(&self) -> &ReadDatabase {
        &self.database
    }

    /// The compliance read model's queries.
    pub fn compliance(&self) -> &ComplianceProjector {
        &self.compliance
    }

    /// Policy and calendar.
    pub fn reference(&self) -> &ReferenceData {
        &self.reference
    }

    /// The read models' projectors.
    pub fn projectors(&self) -> Vec<Arc<dyn Projector>> {
        self.checkpoints
            .values()
            .map(|runner| runner.projector().clone())
            .collect()
    }

    /// The longest a read waits for `min_position`.
    pub fn wait_limit(&self) -> Duration {
        self.wait_limit
    }

    /// The position `read_model` has applied.
    pub async fn position(&self, read_model: &str) -> Result<u64, ApiError> {
        let runner = self
            .checkpoints
            .get(read_model)
            .ok_or_else(|| ApiError::internal(format!("no read model named {read_model}")))?;
        runner.checkpoint().await.map_err(|error| {
            ApiError::unavailable(
                error.to_string(),
                crate::domain_errors::UNAVAILABLE_RETRY_AFTER_SECONDS,
            )
        })
    }

    /// Waits until `read_model` has applied `min_position` (when given), at most the wait
    /// limit; returns the position it has applied. Past the limit: 503 with `Retry-After: 1`
    /// and how far it got.
    pub async fn wait_for(
        &self,
        read_model: &str,
        min_position: Option<u64>,
    ) -> Result<u64, ApiError> {
        let deadline = Instant::now() + self.wait_limit;
        loop {
            let position = self.position(read_model).await?;
            let Some(wanted) = min_position else {
                return Ok(position);
            };
            if position >= wanted {
                return Ok(position);
            }
            if Instant::now() >= deadline {
                return Err(ApiError::new(
                    ProblemKind::Unavailable,
                    format!(
                        "the {read_model} read model has reached position {position}, not yet \
                         {wanted}, after waiting {} ms; retry shortly",
                        self.wait_limit.as_millis()
                    ),
                )
                .with_retry_after(1));
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }
}

/// An answer with the read position header added.
pub(crate) fn with_position(response: impl IntoResponse, position: u64) -> Response {
    let mut response = response.into_response();
    if let Ok(value) = HeaderValue::from_str(&position.to_string()) {
        response.headers_mut().insert(READ_POSITION_HEADER, value);
    }
    response
}
