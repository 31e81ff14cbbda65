//! The identity provider's keys fetched from its JWKS URL and kept fresh, so a key rotation at
//! the provider needs no restart here.
//!
//! - The first fetch happens when the verifier is built, bounded by a timeout; if it fails the
//!   verifier is not built (the service does not start with no way to check tokens).
//! - The keys live in memory behind a lock held only to clone an `Arc`, so verifying a token
//!   never waits for the network and the sync [`TokenVerifier::verify`] keeps working.
//! - A background task refetches every [`JwksRefresh::interval`] (10 minutes by default) and
//!   stops by itself once the verifier is dropped.
//! - A token naming a `kid` the set does not hold triggers a refetch, at most once per
//!   [`JwksRefresh::unknown_key_interval`] (30 s): a key the provider has just started signing
//!   with is picked up at once, while a flood of made-up `kid`s costs the provider one request
//!   each 30 s.
//! - A failed refresh (the provider down, a bad document) keeps the last good keys and logs a
//!   warning; tokens signed with those keys go on verifying.
//! - Only `https://` URLs are accepted, and `http://` for loopback hosts (tests, a sidecar on the
//!   same machine); redirects are followed only to URLs that pass the same check.
//!
//! [`TokenVerifier::verify`]: super::TokenVerifier::verify

use super::errors::VerifierError;
use super::jwks::{PublicKey, holds_key_id, parse_jwks};
use reqwest::Url;
use reqwest::redirect::Policy;
use std::net::IpAddr;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// The largest JWKS document read: a provider's key set is a few kilobytes.
const MAX_JWKS_BYTES: usize = 1024 * 1024;

/// How a JWKS URL is refetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JwksRefresh {
    /// How often the keys are refetched in the background.
    pub interval: Duration,
    /// The shortest time between two refetches caused by tokens naming unknown `kid`s.
    pub unknown_key_interval: Duration,
    /// The longest one fetch may take, connection included.
    pub timeout: Duration,
}

impl Default for JwksRefresh {
    fn default() -> Self {
        Self {
            interval: Duration::from_secs(600),
            unknown_key_interval: Duration::from_secs(30),
            timeout: Duration::from_secs(10),
        }
    }
}

/// Checks a JWKS URL: `https://`, or `http://` on a loopback host.
pub fn validate_jwks_url(text: &str) -> Result<Url, VerifierError> {
    let invalid = |reason: &str| VerifierError::InvalidJwksUrl {
        url: text.to_owned(),
        reason: reason.to_owned(),
    };
    let url = Url::parse(text).map_err(|error| invalid(&error.to_string()))?;
    if url.host().is_none() {
        return Err(invalid("it names no host"));
    }
    if !url_is_allowed(&url) {
        return Err(invalid(
            "use https://, or http:// only for a loopback host (127.0.0.1, ::1, localhost)",
        ));
    }
    Ok(url)
}

fn url_is_allowed(url: &Url) -> bool {
    match url.scheme() {
        "https" => true,
        "http" => url.host_str().is_some_and(|host| {
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            match bare.parse::<IpAddr>() {
                Ok(address) => address.is_loopback(),
                Err(_) => bare.eq_ignore_ascii_case("localhost"),
            }
        }),
        _ => false,
    }
}

/// A key set fetched from a URL, refreshed in the background and on unknown `kid`s.
pub(crate) struct RemoteJwks {
    url: Url,
    client: reqwest::Client,
    refresh: JwksRefresh,
    keys: RwLock<Arc<Vec<PublicKey>>>,
    /// When a token with an unknown `kid` last caused a fetch; the lock also makes concurrent
    /// requests with the same new `kid` wait for one fetch instead of each making their own.
    last_unknown_key_fetch: tokio::sync::Mutex<Option<Instant>>,
}

impl RemoteJwks {
    /// Fetches the keys once (failing if that fails) and starts the background refresh.
    pub(crate) async fn connect(
        url: &str,
        refresh: JwksRefresh,
    ) -> Result<Arc<Self>, VerifierError> {
        let url = validate_jwks_url(url)?;
        let client = reqwest::Client::builder()
            .timeout(refresh.timeout)
            .connect_timeout(refresh.timeout)
            .user_agent(concat!("pep-ledger/", env!("CARGO_PKG_VERSION")))
            .redirect(Policy::custom(|attempt| {
                if attempt.previous().len() >= 5 {
                    attempt.error("too many redirects")
                } else if url_is_allowed(attempt.url()) {
                    attempt.follow()
                } else {
                    attempt.error("redirected to a URL that is neither https:// nor loopback")
                }
            }))
            .build()
            .map_err(|error| VerifierError::FetchJwks {
                url: shown(&url),
                reason: reasons(&error),
            })?;
        let mut remote = Self {
            url,
            client,
            refresh,
            keys: RwLock::new(Arc::new(Vec::new())),
            last_unknown_key_fetch: tokio::sync::Mutex::new(None),
        };
        let keys = remote.fetch().await?;
        remote.keys = RwLock::new(Arc::new(keys));
        let remote = Arc::new(remote);
        spawn_background_refresh(&remote);
        Ok(remote)
    }

    /// The URL, without any password, for messages.
    pub(crate) fn shown_url(&self) -> String {
        shown(&self.url)
    }

    /// The keys as last fetched.
    pub(crate) fn current(&self) -> Arc<Vec<PublicKey>> {
        self.keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Fetches the keys now and keeps them; on failure the last good keys stay.
    pub(crate) async fn refresh_now(&self) -> Result<usize, VerifierError> {
        let keys = self.fetch().await?;
        let count = keys.len();
        *self.keys.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(keys);
        Ok(count)
    }

    /// For a token naming `key_id`, which the keys did not hold: refetches unless a token did
    /// so within the last [`JwksRefresh::unknown_key_interval`]. True when the keys now hold it.
    pub(crate) async fn refresh_for_unknown_key(&self, key_id: &str) -> bool {
        let mut last = self.last_unknown_key_fetch.lock().await;
        // Another request may have fetched it while this one waited for the lock.
        if holds_key_id(&self.current(), key_id) {
            return true;
        }
        if let Some(at) = *last
            && at.elapsed() < self.refresh.unknown_key_interval
        {
            return false;
        }
        *last = Some(Instant::now());
        match self.refresh_now().await {
            Ok(_) => holds_key_id(&self.current(), key_id),
            Err(error) => {
                tracing::warn!(%error, "could not refetch the JWKS for an unknown kid; keeping the last good keys");
                false
            }
        }
    }

    async fn fetch(&self) -> Result<Vec<PublicKey>, VerifierError> {
        let failed = |reason: String| VerifierError::FetchJwks {
            url: shown(&self.url),
            reason,
        };
        let mut response = self
            .client
            .get(self.url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .send()
            .await
            .map_err(|error| failed(reasons(&error.without_url())))?;
        if !response.status().is_success() {
            return Err(failed(format!("the server answered {}", response.status())));
        }
        if response
            .content_length()
            .is_some_and(|length| length > MAX_JWKS_BYTES as u64)
        {
            return Err(failed(format!(
                "the document is over {MAX_JWKS_BYTES} bytes"
            )));
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| failed(reasons(&error.without_url())))?
        {
            if body.len() + chunk.len() > MAX_JWKS_BYTES {
                return Err(failed(format!(
                    "the document is over {MAX_JWKS_BYTES} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        let text =
            String::from_utf8(body).map_err(|_| failed("the document is not UTF-8".to_owned()))?;
        parse_jwks(&text).map_err(|error| failed(error.to_string()))
    }
}

/// Refetches every interval for as long as the verifier lives (the task holds only a weak
/// reference, so dropping the verifier ends it).
fn spawn_background_refresh(remote: &Arc<RemoteJwks>) {
    let weak = Arc::downgrade(remote);
    let interval = remote.refresh.interval;
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(interval).await;
            let Some(remote) = weak.upgrade() else {
                return;
            };
            match remote.refresh_now().await {
                Ok(count) => {
                    tracing::debug!(keys = count, url = %remote.shown_url(), "JWKS refreshed")
                }
                Err(error) => {
                    tracing::warn!(%error, "could not refresh the JWKS; keeping the last good keys")
                }
            }
        }
    });
}

/// A URL without its password.
fn shown(url: &Url) -> String {
    let mut url = url.clone();
    let _ = url.set_password(None);
    url.to_string()
}

/// An error with its causes, which say why (refused, timed out, certificate) where reqwest's own
/// message only says that sending failed.
fn reasons(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_and_loopback_http_urls_are_accepted() {
        for allowed in [
            "https://idp.example/.well-known/jwks.json",
            "http://127.0.0.1:8080/jwks",
            "http://[::1]/jwks",
            "http://localhost:9000/jwks",
        ] {
            assert!(validate_jwks_url(allowed).is_ok(), "{allowed}");
        }
        for refused in [
            "http://idp.example/jwks",
            "http://10.0.0.1/jwks",
            "ftp://127.0.0.1/jwks",
            "file:///etc/jwks.json",
            "not a url",
        ] {
            let error = validate_jwks_url(refused).unwrap_err().to_string();
            assert!(error.contains(refused), "{error}");
        }
    }
}
