//! The TOML file `pep serve --config FILE` reads: every key optional, unknown keys refused (a
//! misspelt key silently ignored is a setting silently not applied). Flags and environment
//! variables win over it; `config.rs` merges them.

use anyhow::{Context as _, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The configuration file's keys (all optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub(super) listen: Option<String>,
    pub(super) data_dir: Option<PathBuf>,
    pub(super) database_url: Option<String>,
    pub(super) nats_url: Option<String>,
    pub(super) jwt_secret: Option<String>,
    pub(super) jwks_file: Option<PathBuf>,
    pub(super) jwks_url: Option<String>,
    pub(super) jwks_refresh_seconds: Option<u64>,
    pub(super) roles: Option<Vec<String>>,
    pub(super) demo: Option<bool>,
    pub(super) read_wait_ms: Option<u64>,
    pub(super) max_projector_lag: Option<u64>,
    pub(super) shutdown_grace_ms: Option<u64>,
    pub(super) notices: Option<NoticeFileConfig>,
    pub(super) oidc: Option<super::oidc_source::OidcFileConfig>,
}

/// The `[notices]` table of the configuration file: IRO notice delivery (all optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoticeFileConfig {
    pub(super) attempt_timeout_ms: Option<u64>,
    pub(super) max_attempts: Option<u32>,
    pub(super) backoff_base_ms: Option<u64>,
    pub(super) backoff_cap_ms: Option<u64>,
    pub(super) sweep_interval_seconds: Option<u64>,
}

impl NoticeFileConfig {
    /// Applies the keys given over `config`, refusing impossible values.
    pub(super) fn apply(&self, config: &mut pep_notify::NoticeConfig) -> anyhow::Result<()> {
        if let Some(milliseconds) = self.attempt_timeout_ms {
            if milliseconds == 0 || milliseconds > 300_000 {
                bail!("notices.attempt_timeout_ms: must be between 1 and 300000");
            }
            config.attempt_timeout = Duration::from_millis(milliseconds);
        }
        if let Some(attempts) = self.max_attempts {
            if attempts == 0 || attempts > 100 {
                bail!("notices.max_attempts: must be between 1 and 100");
            }
            config.max_attempts = attempts;
        }
        if let Some(milliseconds) = self.backoff_base_ms {
            config.backoff_base = Duration::from_millis(milliseconds);
        }
        if let Some(milliseconds) = self.backoff_cap_ms {
            config.backoff_cap = Duration::from_millis(milliseconds);
        }
        if config.backoff_cap < config.backoff_base {
            bail!("notices.backoff_cap_ms: must not be below notices.backoff_base_ms");
        }
        if let Some(seconds) = self.sweep_interval_seconds {
            if seconds == 0 {
                bail!("notices.sweep_interval_seconds: must be at least 1");
            }
            config.sweep_interval = Duration::from_secs(seconds);
        }
        Ok(())
    }
}

/// Reads and parses the file, naming every key it may hold when it is not valid.
pub(super) fn load_file(path: &Path) -> anyhow::Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the configuration file {}", path.display()))?;
    toml::from_str(&text)
        .map_err(|error| anyhow::anyhow!("{}: {}", path.display(), error.message()))
        .with_context(|| {
            "the configuration file is not valid (keys: listen, data_dir, database_url, nats_url, \
             jwt_secret, jwks_file, jwks_url, jwks_refresh_seconds, roles, demo, read_wait_ms, max_projector_lag, shutdown_grace_ms, \
             [notices], [oidc])"
        })
}
