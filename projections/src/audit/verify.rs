//! `verify`: the log is what was committed (the store's hash chain) and the read models are what
//! the log says (each rebuilt beside the live tables and compared by checksum, changing nothing).
//!
//! The hash chain belongs to the event store, which this crate may not call, so the caller
//! passes a closure that runs the store's verification and converts it into a [`ChainCheck`].

use super::AuditError;
use crate::db::ReadDatabase;
use crate::runtime::{
    EventLog, EventLogError, Projector, RebuildMode, RebuildOptions, RebuildReport, rebuild_with,
};
use serde::{Deserialize, Serialize};
use std::future::Future;

/// What the store's hash-chain verification found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainCheck {
    /// Every link verified.
    pub intact: bool,
    /// Events checked before the walk ended.
    pub events_checked: u64,
    /// The last position that verified.
    pub verified_up_to: u64,
    /// The hash at `verified_up_to` (hex), to compare with a copy published elsewhere.
    pub verified_head_hash: String,
    /// The first broken link as the store describes it (position, event id, what differs).
    pub first_break: Option<serde_json::Value>,
}

/// One read model rebuilt from the log and compared with the live tables.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadModelCheck {
    /// The projector.
    pub projector: String,
    /// The position both were compared at.
    pub position: u64,
    /// The live tables' checksum.
    pub live_digest: String,
    /// The rebuilt tables' checksum.
    pub rebuilt_digest: String,
    /// True when the rebuilt rows are exactly the live rows.
    pub matched: bool,
}

impl From<&RebuildReport> for ReadModelCheck {
    fn from(report: &RebuildReport) -> Self {
        Self {
            projector: report.projector.to_owned(),
            position: report.position,
            live_digest: report.live_checksum.digest.clone(),
            rebuilt_digest: report.shadow_checksum.digest.clone(),
            matched: report.matched,
        }
    }
}

/// The combined verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    /// The chain is intact and every read model compared matched.
    pub verified: bool,
    /// The hash chain.
    pub chain: ChainCheck,
    /// Each read model compared.
    pub read_models: Vec<ReadModelCheck>,
}

impl Verification {
    /// Combines a chain check with read-model comparisons.
    pub fn combine(chain: ChainCheck, read_models: Vec<ReadModelCheck>) -> Self {
        let verified = chain.intact && read_models.iter().all(|check| check.matched);
        Self {
            verified,
            chain,
            read_models,
        }
    }
}

/// Rebuilds each projector beside its live tables (compare only: the live model is left as it
/// is) and reports whether each matched.
pub async fn verify_read_models(
    database: &ReadDatabase,
    projectors: &[&dyn Projector],
    log: &dyn EventLog,
) -> Result<Vec<ReadModelCheck>, AuditError> {
    let options = RebuildOptions {
        mode: RebuildMode::CompareOnly,
        ..RebuildOptions::default()
    };
    let mut checks = Vec::with_capacity(projectors.len());
    for projector in projectors {
        let report = rebuild_with(database, *projector, log, options, &mut |_| {}).await?;
        checks.push(ReadModelCheck::from(&report));
    }
    Ok(checks)
}

/// Runs the store's chain verification (through `verify_chain`) and the read-model comparison,
/// and combines them.
pub async fn verify<VerifyChain, ChainFuture>(
    database: &ReadDatabase,
    projectors: &[&dyn Projector],
    log: &dyn EventLog,
    verify_chain: VerifyChain,
) -> Result<Verification, AuditError>
where
    VerifyChain: FnOnce() -> ChainFuture,
    ChainFuture: Future<Output = Result<ChainCheck, EventLogError>>,
{
    let chain = verify_chain().await?;
    let read_models = verify_read_models(database, projectors, log).await?;
    Ok(Verification::combine(chain, read_models))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(intact: bool) -> ChainCheck {
        ChainCheck {
            intact,
            events_checked: 3,
            verified_up_to: if intact { 3 } else { 1 },
            verified_head_hash: "00".repeat(32),
            first_break: None,
        }
    }

    fn read_model(matched: bool) -> ReadModelCheck {
        ReadModelCheck {
            projector: "compliance".to_owned(),
            position: 3,
            live_digest: "a".to_owned(),
            rebuilt_digest: if matched { "a" } else { "b" }.to_owned(),
            matched,
        }
    }

    #[test]
    fn verified_only_when_the_chain_is_intact_and_every_read_model_matched() {
        assert!(Verification::combine(chain(true), vec![read_model(true)]).verified);
        assert!(Verification::combine(chain(true), Vec::new()).verified);
        assert!(!Verification::combine(chain(false), vec![read_model(true)]).verified);
        assert!(
            !Verification::combine(chain(true), vec![read_model(true), read_model(false)]).verified
        );
    }
}
