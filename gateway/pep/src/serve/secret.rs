//! The token verifier `pep serve` uses, and the development secret of the embedded mode:
//! generated once into the data directory (readable by its owner only) so tokens minted with
//! `pep token issue` keep working across restarts. The secret itself is never logged; the log
//! says where it is and how to mint a token with it.

use super::auth_source::AuthSource;
use anyhow::Context as _;
use pep_auth::{JwksRefresh, TokenVerifier};
use std::io::Read as _;
use std::path::Path;

/// The verifier `source` describes. A JWKS URL is fetched here, so this fails (naming the URL
/// and why) when the identity provider cannot be reached at start.
pub async fn token_verifier(source: &AuthSource) -> anyhow::Result<TokenVerifier> {
    match source {
        AuthSource::Secret(secret) => {
            TokenVerifier::hs256(secret.as_bytes()).context("jwt_secret is not usable")
        }
        AuthSource::JwksFile(path) => TokenVerifier::from_jwks_file(path)
            .with_context(|| format!("jwks_file {}", path.display())),
        AuthSource::JwksUrl {
            url,
            refresh_interval,
        } => {
            let refresh = JwksRefresh {
                interval: *refresh_interval,
                ..JwksRefresh::default()
            };
            let verifier = TokenVerifier::from_jwks_url(url, refresh)
                .await
                .context("jwks_url")?;
            tracing::info!(verifier = ?verifier, refresh = ?refresh_interval, "token keys fetched from the JWKS URL");
            Ok(verifier)
        }
        AuthSource::DevelopmentSecret(path) => {
            let secret = development_secret(path)?;
            tracing::warn!(
                "development tokens: HS256 secret in {}; mint a token with \
                 `PEP_JWT_SECRET=$(cat {}) pep token issue --role virtual_school --la 831`; \
                 configure --jwks-url or --jwks-file for production",
                path.display(),
                path.display()
            );
            TokenVerifier::hs256(secret.as_bytes()).context("the development secret is not usable")
        }
    }
}

/// The development secret at `path`, generated when missing.
pub fn development_secret(path: &Path) -> anyhow::Result<String> {
    if path.is_file() {
        let secret =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        return Ok(secret.trim().to_owned());
    }
    if let Some(parent) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("creating {}", parent.display()))?;
    }
    let secret = random_hex(32);
    write_private(path, &secret).with_context(|| format!("writing {}", path.display()))?;
    Ok(secret)
}

fn random_hex(bytes: usize) -> String {
    let mut buffer = vec![0u8; bytes];
    let from_os = std::fs::File::open("/dev/urandom")
        .and_then(|mut file| file.read_exact(&mut buffer))
        .is_ok();
    if from_os {
        return hex::encode(buffer);
    }
    // No /dev/urandom: the random bits of UUIDv7s (74 each) stand in.
    (0..4)
        .map(|_| uuid::Uuid::now_v7().simple().to_string())
        .collect()
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_development_secret_is_made_once_and_kept() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("data/dev-jwt-secret");
        let first = development_secret(&path).unwrap();
        assert_eq!(first.len(), 64);
        assert_eq!(development_secret(&path).unwrap(), first);
    }
}
