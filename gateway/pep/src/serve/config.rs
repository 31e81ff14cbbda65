//! `pep serve`'s configuration: command-line flags, their environment variables, and a TOML
//! file, in that order of precedence, resolved once at start into a [`ServeConfig`] and
//! checked there with messages that name the setting. Unknown keys in the file are refused
//! (a misspelt key silently ignored is a setting silently not applied). Secrets are never
//! printed: the `Debug` form of the configuration shows only whether one is set.

use super::auth_source::{AuthSettings, AuthSource, resolve_auth};
use super::config_file::{FileConfig, load_file};
use super::oidc_source::{OidcArgs, resolve_oidc};
pub use super::roles::Roles;
use crate::admin::{DATABASE_FILE_NAME, DEFAULT_DATA_DIR, DatabaseArgs, DatabaseLocation};
use anyhow::{Context as _, bail};
use pep_reference::ReferenceData;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The address served when none is configured.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// The file in the data directory holding the generated development JWT secret.
pub const DEV_SECRET_FILE_NAME: &str = "dev-jwt-secret";

/// The options of `pep serve`; each also has an environment variable.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServeArgs {
    /// A TOML configuration file (see docs/configuration.md); flags and environment win over it.
    #[arg(long, env = "PEP_CONFIG")]
    pub config: Option<PathBuf>,
    /// The address to listen on.
    #[arg(long, env = "PEP_LISTEN")]
    pub listen: Option<String>,
    /// The data directory of the embedded mode (SQLite file, development secret).
    #[arg(long, env = "PEP_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL (`postgres://...`) or SQLite (`sqlite://FILE`); default: `<data-dir>/pep.db`.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
    /// NATS with JetStream (`nats://host:4222`); default: the in-process bus.
    #[arg(long, env = "NATS_URL")]
    pub nats_url: Option<String>,
    /// The HS256 secret tokens are verified with (at least 32 bytes; development).
    #[arg(
        long,
        env = "PEP_JWT_SECRET",
        hide_env_values = true,
        conflicts_with_all = ["jwks_file", "jwks_url"]
    )]
    pub jwt_secret: Option<String>,
    /// A JWKS file with the identity provider's RS256/ES256 keys (production).
    #[arg(long, env = "PEP_JWKS_FILE", conflicts_with = "jwks_url")]
    pub jwks_file: Option<PathBuf>,
    /// The identity provider's JWKS URL (`https://`; `http://` only on a loopback host): keys
    /// fetched at start and kept fresh (production).
    #[arg(long, env = "PEP_JWKS_URL")]
    pub jwks_url: Option<String>,
    /// How often the JWKS URL is refetched in the background, in seconds (default 600).
    #[arg(long, env = "PEP_JWKS_REFRESH_SECONDS")]
    pub jwks_refresh_seconds: Option<u64>,
    /// What this process runs, comma-separated: api, relay, projectors, process-manager
    /// (default: all of them).
    #[arg(long, env = "PEP_ROLES")]
    pub role: Option<String>,
    /// Seed a synthetic demo cohort on first start.
    #[arg(long, env = "PEP_DEMO")]
    pub demo: bool,
    /// Web sign-in with the council's identity provider (OpenID Connect).
    #[command(flatten)]
    pub oidc: OidcArgs,
}

/// Everything `pep serve` needs, resolved and checked.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Where to listen (the caller binds; tests use port 0).
    pub listen: SocketAddr,
    /// The data directory.
    pub data_dir: PathBuf,
    /// The database.
    pub database: DatabaseLocation,
    /// NATS, or `None` for the in-process bus.
    pub nats_url: Option<String>,
    /// Token verification.
    pub auth: AuthSource,
    /// What runs here.
    pub roles: Roles,
    /// Seed the demo cohort on first start (and offer its people at the web sign-in).
    pub demo: bool,
    /// How many children `--demo` seeds.
    pub demo_children: usize,
    /// The web pages: sign-in, sessions.
    pub web: pep_web::WebConfig,
    /// The longest a read waits for `min_position`.
    pub read_wait_limit: Duration,
    /// `/readyz` fails while a projector is more than this many events behind.
    pub max_projector_lag: u64,
    /// On shutdown, how long each background part may take to stop.
    pub shutdown_grace: Duration,
    /// Projector timings (tests shorten them).
    pub feed: pep_messaging::projection_feed::FeedConfig,
    /// Relay timings (tests shorten them).
    pub relay: pep_messaging::relay::RelayConfig,
    /// Inbound feed timings and names on NATS (the URL is `nats_url`; tests shorten timings).
    pub inbound: pep_inbound::InboundNatsConfig,
    /// IRO notice delivery: timeouts, attempts, backoff, sweep interval.
    pub notices: pep_notify::NoticeConfig,
    /// Policy and calendar.
    pub reference: ReferenceData,
}

impl ServeConfig {
    /// The embedded default over `data_dir`: SQLite, the in-process bus, the development
    /// secret, every role.
    pub fn embedded(data_dir: impl Into<PathBuf>, reference: ReferenceData) -> Self {
        let data_dir = data_dir.into();
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database: DatabaseLocation::Sqlite(data_dir.join(DATABASE_FILE_NAME)),
            auth: AuthSource::DevelopmentSecret(data_dir.join(DEV_SECRET_FILE_NAME)),
            data_dir,
            nats_url: None,
            roles: Roles::ALL,
            demo: false,
            demo_children: crate::demo::DEFAULT_DEMO_CHILDREN,
            web: pep_web::WebConfig::default(),
            read_wait_limit: Duration::from_secs(5),
            max_projector_lag: 1000,
            shutdown_grace: Duration::from_secs(10),
            feed: pep_messaging::projection_feed::FeedConfig::default(),
            relay: pep_messaging::relay::RelayConfig::default(),
            inbound: pep_inbound::InboundNatsConfig::new(String::new()),
            notices: pep_notify::NoticeConfig::default(),
            reference,
        }
    }

    /// True when no database URL was given: the SQLite file in the data directory.
    pub fn is_embedded_database(&self) -> bool {
        matches!(&self.database, DatabaseLocation::Sqlite(path)
            if path == &self.data_dir.join(DATABASE_FILE_NAME))
    }

    /// Resolves flags and environment (`args`) over the file they name, then checks the result.
    pub fn resolve(args: &ServeArgs, reference: ReferenceData) -> anyhow::Result<Self> {
        let file = match &args.config {
            Some(path) => load_file(path)?,
            None => FileConfig::default(),
        };
        Self::merge(args, file, reference)
    }

    fn merge(args: &ServeArgs, file: FileConfig, reference: ReferenceData) -> anyhow::Result<Self> {
        let data_dir = args
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DATA_DIR));
        let mut config = Self::embedded(data_dir.clone(), reference);
        let listen = args
            .listen
            .clone()
            .or(file.listen)
            .unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        config.listen = listen.parse().with_context(|| {
            format!("listen: {listen:?} is not an address such as 127.0.0.1:8080")
        })?;
        let database_url = args.database_url.clone().or(file.database_url);
        config.database = DatabaseLocation::from_args(&DatabaseArgs {
            database_url: database_url.clone(),
            data_dir,
        })
        .context("database_url")?;
        config.nats_url = args.nats_url.clone().or(file.nats_url);
        if let Some(url) = &config.nats_url
            && !(url.starts_with("nats://") || url.starts_with("tls://"))
        {
            bail!("nats_url: {url:?} is not a NATS URL such as nats://127.0.0.1:4222");
        }
        config.auth = resolve_auth(&AuthSettings {
            jwt_secret: args.jwt_secret.clone().or(file.jwt_secret),
            jwks_file: args.jwks_file.clone().or(file.jwks_file),
            jwks_url: args.jwks_url.clone().or(file.jwks_url),
            jwks_refresh_seconds: args.jwks_refresh_seconds.or(file.jwks_refresh_seconds),
            production: database_url.is_some() || config.nats_url.is_some(),
            development_secret: config.data_dir.join(DEV_SECRET_FILE_NAME),
        })?;
        config.roles = match (&args.role, &file.roles) {
            (Some(text), _) => Roles::parse(&text.split(',').collect::<Vec<_>>())?,
            (None, Some(list)) => Roles::parse(list)?,
            (None, None) => Roles::ALL,
        };
        config.demo = args.demo || file.demo.unwrap_or(false);
        config.web.oidc = resolve_oidc(&args.oidc, file.oidc.as_ref())?;
        if let Some(milliseconds) = file.read_wait_ms {
            if milliseconds == 0 || milliseconds > 60_000 {
                bail!("read_wait_ms: must be between 1 and 60000");
            }
            config.read_wait_limit = Duration::from_millis(milliseconds);
        }
        if let Some(lag) = file.max_projector_lag {
            config.max_projector_lag = lag;
        }
        if let Some(milliseconds) = file.shutdown_grace_ms {
            config.shutdown_grace = Duration::from_millis(milliseconds);
        }
        if let Some(notices) = &file.notices {
            notices.apply(&mut config.notices)?;
        }
        if config.nats_url.is_none() && config.roles != Roles::ALL {
            bail!(
                "roles: without NATS_URL the in-process bus joins the relay and the projectors \
                 in one process, so every role must run here (give NATS_URL to split them)"
            );
        }
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pep_reference::ReferenceDataArgs;

    fn reference() -> ReferenceData {
        ReferenceData::load(&ReferenceDataArgs::default()).unwrap()
    }

    #[test]
    fn with_nothing_configured_the_embedded_default_is_used() {
        let config = ServeConfig::resolve(&ServeArgs::default(), reference()).unwrap();
        assert!(config.is_embedded_database());
        assert_eq!(config.nats_url, None);
        assert_eq!(config.roles, Roles::ALL);
        assert_eq!(
            config.auth,
            AuthSource::DevelopmentSecret(PathBuf::from("./data/dev-jwt-secret"))
        );
        assert_eq!(config.listen.to_string(), DEFAULT_LISTEN);
    }

    #[test]
    fn flags_win_over_the_file_and_unknown_keys_are_refused() {
        let directory = tempfile::tempdir().unwrap();
        let file = directory.path().join("pep.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\ndata_dir = \"/srv/pep\"\n",
        )
        .unwrap();
        let args = ServeArgs {
            config: Some(file.clone()),
            listen: Some("127.0.0.1:7000".to_owned()),
            ..ServeArgs::default()
        };
        let config = ServeConfig::resolve(&args, reference()).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:7000");
        assert_eq!(config.data_dir, PathBuf::from("/srv/pep"));

        std::fs::write(&file, "listen_on = \"0.0.0.0:9000\"\n").unwrap();
        let error = format!(
            "{:#}",
            ServeConfig::resolve(&args, reference()).unwrap_err()
        );
        assert!(error.contains("listen_on"), "{error}");
    }

    #[test]
    fn production_needs_token_verification_and_secrets_are_never_shown() {
        let args = ServeArgs {
            database_url: Some("postgres://pep@db/pep".to_owned()),
            ..ServeArgs::default()
        };
        let error = ServeConfig::resolve(&args, reference())
            .unwrap_err()
            .to_string();
        assert!(error.contains("PEP_JWKS_FILE"), "{error}");

        let secret = "s".repeat(40);
        let args = ServeArgs {
            jwt_secret: Some(secret.clone()),
            nats_url: Some("nats://127.0.0.1:4222".to_owned()),
            ..args
        };
        let config = ServeConfig::resolve(&args, reference()).unwrap();
        assert!(!format!("{config:?}").contains(&secret));

        let short = ServeArgs {
            jwt_secret: Some("short".to_owned()),
            ..args
        };
        let error = ServeConfig::resolve(&short, reference())
            .unwrap_err()
            .to_string();
        assert!(error.contains("at least 32 bytes"), "{error}");
    }

    #[test]
    fn oidc_sign_in_is_configured_by_flags_or_its_own_table() {
        let directory = tempfile::tempdir().unwrap();
        let file = directory.path().join("pep.toml");
        std::fs::write(
            &file,
            "[oidc]\nissuer = \"https://idp.example\"\nclient_id = \"pep\"\n\
             redirect_url = \"https://pep.example/sign-in/callback\"\nrole_claim = \"roles\"\n",
        )
        .unwrap();
        let args = ServeArgs {
            config: Some(file.clone()),
            oidc: OidcArgs {
                client_secret: Some("flag-secret".to_owned()),
                ..OidcArgs::default()
            },
            ..ServeArgs::default()
        };
        let config = ServeConfig::resolve(&args, reference()).unwrap();
        let oidc = config.web.oidc.clone().unwrap();
        assert_eq!(oidc.issuer_url, "https://idp.example");
        assert_eq!(oidc.role_claim, "roles");
        assert_eq!(oidc.client_secret.as_deref(), Some("flag-secret"));
        assert!(!format!("{config:?}").contains("flag-secret"));

        std::fs::write(&file, "[oidc]\nissuer_url = \"https://idp.example\"\n").unwrap();
        let error = format!(
            "{:#}",
            ServeConfig::resolve(&args, reference()).unwrap_err()
        );
        assert!(error.contains("issuer_url"), "{error}");
        assert_eq!(
            ServeConfig::resolve(&ServeArgs::default(), reference())
                .unwrap()
                .web
                .oidc,
            None
        );
    }

    #[test]
    fn notice_delivery_is_configured_in_its_own_table() {
        let directory = tempfile::tempdir().unwrap();
        let file = directory.path().join("pep.toml");
        std::fs::write(
            &file,
            "[notices]\nmax_attempts = 3\nbackoff_base_ms = 100\nbackoff_cap_ms = 1000\n",
        )
        .unwrap();
        let args = ServeArgs {
            config: Some(file.clone()),
            ..ServeArgs::default()
        };
        let config = ServeConfig::resolve(&args, reference()).unwrap();
        assert_eq!(config.notices.max_attempts, 3);
        assert_eq!(config.notices.backoff_cap, Duration::from_secs(1));
        std::fs::write(&file, "[notices]\nmax_attempts = 0\n").unwrap();
        let error = format!(
            "{:#}",
            ServeConfig::resolve(&args, reference()).unwrap_err()
        );
        assert!(error.contains("notices.max_attempts"), "{error}");
    }
}
