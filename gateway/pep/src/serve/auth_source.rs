//! Where `pep serve` gets the keys it verifies tokens with: one of an HS256 secret, a JWKS file
//! or a JWKS URL (naming two is refused, since which one would win is a guess), or, in the
//! embedded mode only, a development secret generated into the data directory. Checked at start
//! with messages that name the setting; secrets never reach the `Debug` form.

use anyhow::bail;
use pep_auth::validate_jwks_url;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// How often a JWKS URL is refetched when not configured: ten minutes.
pub const DEFAULT_JWKS_REFRESH_SECONDS: u64 = 600;
/// The shortest background refresh accepted: more often would only load the identity provider.
const MIN_JWKS_REFRESH_SECONDS: u64 = 30;
/// The longest: a day, so a key the provider has withdrawn does not linger longer here.
const MAX_JWKS_REFRESH_SECONDS: u64 = 86_400;

/// How tokens are verified.
#[derive(Clone, PartialEq, Eq)]
pub enum AuthSource {
    /// An HS256 secret given in the configuration.
    Secret(String),
    /// A JWKS file.
    JwksFile(PathBuf),
    /// A JWKS URL, fetched at start and refreshed every `refresh_interval` (and when a token
    /// names a `kid` not yet seen).
    JwksUrl {
        /// `https://`, or `http://` on a loopback host (checked).
        url: String,
        /// How often the keys are refetched in the background.
        refresh_interval: Duration,
    },
    /// The development secret in the data directory, generated on first start (embedded mode
    /// only).
    DevelopmentSecret(PathBuf),
}

impl fmt::Debug for AuthSource {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Secret(_) => formatter.write_str("Secret(<redacted>)"),
            Self::JwksFile(path) => formatter.debug_tuple("JwksFile").field(path).finish(),
            Self::JwksUrl {
                url,
                refresh_interval,
            } => formatter
                .debug_struct("JwksUrl")
                .field("url", &super::redact_url(url))
                .field("refresh_interval", refresh_interval)
                .finish(),
            Self::DevelopmentSecret(path) => formatter
                .debug_tuple("DevelopmentSecret")
                .field(path)
                .finish(),
        }
    }
}

/// The token settings as flags, environment and file gave them.
#[derive(Debug, Clone, Default)]
pub(super) struct AuthSettings {
    pub jwt_secret: Option<String>,
    pub jwks_file: Option<PathBuf>,
    pub jwks_url: Option<String>,
    pub jwks_refresh_seconds: Option<u64>,
    /// A database URL or NATS is configured: no development secret is generated.
    pub production: bool,
    /// Where the embedded mode keeps its development secret.
    pub development_secret: PathBuf,
}

/// The one source of keys the settings name, checked.
pub(super) fn resolve_auth(settings: &AuthSettings) -> anyhow::Result<AuthSource> {
    let given: Vec<&str> = [
        (settings.jwt_secret.is_some(), "jwt_secret"),
        (settings.jwks_file.is_some(), "jwks_file"),
        (settings.jwks_url.is_some(), "jwks_url"),
    ]
    .iter()
    .filter(|(set, _)| *set)
    .map(|(_, name)| *name)
    .collect();
    if given.len() > 1 {
        bail!(
            "give only one of jwt_secret, jwks_file and jwks_url (tokens are verified against one \
             source); found {}",
            given.join(" and ")
        );
    }
    if settings.jwks_refresh_seconds.is_some() && settings.jwks_url.is_none() {
        bail!("jwks_refresh_seconds: applies only with jwks_url");
    }
    if let Some(secret) = &settings.jwt_secret {
        if secret.len() < 32 {
            bail!(
                "jwt_secret: must be at least 32 bytes long (it is {})",
                secret.len()
            );
        }
        return Ok(AuthSource::Secret(secret.clone()));
    }
    if let Some(path) = &settings.jwks_file {
        return Ok(AuthSource::JwksFile(path.clone()));
    }
    if let Some(url) = &settings.jwks_url {
        validate_jwks_url(url).map_err(|error| anyhow::anyhow!("jwks_url: {error}"))?;
        let seconds = settings
            .jwks_refresh_seconds
            .unwrap_or(DEFAULT_JWKS_REFRESH_SECONDS);
        if !(MIN_JWKS_REFRESH_SECONDS..=MAX_JWKS_REFRESH_SECONDS).contains(&seconds) {
            bail!(
                "jwks_refresh_seconds: must be between {MIN_JWKS_REFRESH_SECONDS} and \
                 {MAX_JWKS_REFRESH_SECONDS} (it is {seconds})"
            );
        }
        return Ok(AuthSource::JwksUrl {
            url: url.clone(),
            refresh_interval: Duration::from_secs(seconds),
        });
    }
    if settings.production {
        bail!(
            "no token verification configured: give --jwks-url / PEP_JWKS_URL or --jwks-file / \
             PEP_JWKS_FILE (production), or --jwt-secret / PEP_JWT_SECRET; a development secret \
             is only generated in the embedded mode (no DATABASE_URL, no NATS_URL)"
        );
    }
    Ok(AuthSource::DevelopmentSecret(
        settings.development_secret.clone(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> AuthSettings {
        AuthSettings {
            production: true,
            development_secret: PathBuf::from("data/dev-jwt-secret"),
            ..AuthSettings::default()
        }
    }

    #[test]
    fn a_jwks_url_is_checked_and_gets_the_default_refresh() {
        let source = resolve_auth(&AuthSettings {
            jwks_url: Some("https://idp.example/jwks.json".to_owned()),
            ..settings()
        })
        .unwrap();
        assert_eq!(
            source,
            AuthSource::JwksUrl {
                url: "https://idp.example/jwks.json".to_owned(),
                refresh_interval: Duration::from_secs(600),
            }
        );
        let error = resolve_auth(&AuthSettings {
            jwks_url: Some("http://idp.example/jwks.json".to_owned()),
            ..settings()
        })
        .unwrap_err()
        .to_string();
        assert!(error.starts_with("jwks_url:"), "{error}");
        assert!(error.contains("http://idp.example/jwks.json"), "{error}");
        assert!(error.contains("loopback"), "{error}");
        let error = resolve_auth(&AuthSettings {
            jwks_url: Some("http://127.0.0.1:9/jwks.json".to_owned()),
            jwks_refresh_seconds: Some(5),
            ..settings()
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("jwks_refresh_seconds"), "{error}");
    }

    #[test]
    fn only_one_source_of_keys_is_accepted() {
        let error = resolve_auth(&AuthSettings {
            jwks_url: Some("https://idp.example/jwks.json".to_owned()),
            jwks_file: Some(PathBuf::from("jwks.json")),
            ..settings()
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("found jwks_file and jwks_url"), "{error}");
        let error = resolve_auth(&AuthSettings {
            jwks_url: Some("https://idp.example/jwks.json".to_owned()),
            jwt_secret: Some("s".repeat(40)),
            ..settings()
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("found jwt_secret and jwks_url"), "{error}");
        let error = resolve_auth(&AuthSettings {
            jwks_file: Some(PathBuf::from("jwks.json")),
            jwks_refresh_seconds: Some(60),
            ..settings()
        })
        .unwrap_err()
        .to_string();
        assert!(error.contains("applies only with jwks_url"), "{error}");
    }
}
