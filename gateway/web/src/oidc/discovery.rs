//! Finding the identity provider: [`OidcClient`] and [`OidcClient::discover`], which reads the
//! discovery document and keys and refuses, saying what to fix, a provider that does not allow
//! the authorization code flow with signed ID tokens, so a misconfigured provider stops the
//! start rather than the first sign-in. Here too is the provider's key set, fetched again (at
//! most once every [`KEY_REFETCH_INTERVAL`]) when an ID token names a key not yet seen.

use super::error::{OidcError, chain};
use super::http::{check_url, no_redirect_client};
use super::settings::OidcSettings;
use super::tokens::{ProviderClient, ProviderClientWith};
use openidconnect::core::{
    CoreClientAuthMethod, CoreJsonWebKeySet, CoreJwsSigningAlgorithm, CoreProviderMetadata,
    CoreResponseType,
};
use openidconnect::{
    AuthType, ClientId, ClientSecret, EndpointMaybeSet, IssuerUrl, JsonWebKeySetUrl,
    JwsSigningAlgorithm as _, RedirectUrl, reqwest,
};
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// The shortest time between two fetches of the provider's keys caused by ID tokens naming a
/// key the set does not hold.
pub const KEY_REFETCH_INTERVAL: Duration = Duration::from_secs(30);

/// The provider's keys and when they were last fetched because of an unknown key.
struct Keys {
    set: RwLock<Arc<CoreJsonWebKeySet>>,
    last_refetch: Mutex<Option<Instant>>,
}

/// The discovered provider.
#[derive(Clone)]
pub struct OidcClient {
    pub(super) settings: OidcSettings,
    pub(super) client: ProviderClient,
    pub(super) http: reqwest::Client,
    pub(super) issuer: IssuerUrl,
    jwks_uri: JsonWebKeySetUrl,
    pub(super) signing_algorithms: Vec<CoreJwsSigningAlgorithm>,
    keys: Arc<Keys>,
}

impl std::fmt::Debug for OidcClient {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OidcClient")
            .field("settings", &self.settings)
            .field("jwks_uri", &self.jwks_uri.as_str())
            .finish_non_exhaustive()
    }
}

impl OidcClient {
    /// Reads the provider's discovery document and keys. Fails, saying what to fix, when the
    /// settings are not usable, the provider cannot be reached, or what it publishes does not
    /// allow the authorization code flow with signed ID tokens.
    pub async fn discover(settings: &OidcSettings) -> Result<Self, OidcError> {
        let discovery = |reason: String| OidcError::Discovery(reason);
        if settings.client_id.trim().is_empty() {
            return Err(discovery(
                "no client id is set; give the one the identity provider registered for this service"
                    .to_owned(),
            ));
        }
        check_url("the issuer URL", &settings.issuer_url).map_err(discovery)?;
        check_url("the redirect URL", &settings.redirect_url).map_err(discovery)?;
        let issuer = IssuerUrl::new(settings.issuer_url.clone()).map_err(|error| {
            discovery(format!(
                "the issuer URL {:?} is not a URL: {error}",
                settings.issuer_url
            ))
        })?;
        let redirect = RedirectUrl::new(settings.redirect_url.clone()).map_err(|error| {
            discovery(format!(
                "the redirect URL {:?} is not a URL: {error}",
                settings.redirect_url
            ))
        })?;
        let http = no_redirect_client()?;
        let metadata = CoreProviderMetadata::discover_async(issuer.clone(), &http)
            .await
            .map_err(|error| {
                discovery(format!(
                    "reading {} and the keys it names failed: {}",
                    discovery_url(&settings.issuer_url),
                    chain(&error)
                ))
            })?;
        let token_url = metadata.token_endpoint().cloned().ok_or_else(|| {
            discovery(format!(
                "{} names no token_endpoint, so a sign-in code could not be exchanged",
                discovery_url(&settings.issuer_url)
            ))
        })?;
        check_url(
            "the provider's authorization_endpoint",
            metadata.authorization_endpoint().as_str(),
        )
        .map_err(discovery)?;
        check_url("the provider's token_endpoint", token_url.as_str()).map_err(discovery)?;
        check_url("the provider's jwks_uri", metadata.jwks_uri().as_str()).map_err(discovery)?;
        let offers_code_flow = metadata
            .response_types_supported()
            .iter()
            .any(|types| types.as_slice() == [CoreResponseType::Code]);
        if !offers_code_flow {
            return Err(discovery(format!(
                "{} does not list the authorization code flow (response type \"code\") among \
                 its response_types_supported",
                discovery_url(&settings.issuer_url)
            )));
        }
        if metadata.jwks().keys().is_empty() {
            return Err(discovery(format!(
                "the provider's key set at {} holds no keys, so no ID token could be verified",
                metadata.jwks_uri().as_str()
            )));
        }
        let signing_algorithms = signing_algorithms(
            metadata.id_token_signing_alg_values_supported(),
            settings.client_secret.is_some(),
        );
        let auth_type = token_auth_type(metadata.token_endpoint_auth_methods_supported());
        let jwks_uri = metadata.jwks_uri().clone();
        let keys = metadata.jwks().clone();
        let client = ProviderClientWith::<EndpointMaybeSet>::from_provider_metadata(
            metadata,
            ClientId::new(settings.client_id.clone()),
            settings.client_secret.clone().map(ClientSecret::new),
        )
        .set_token_uri(token_url)
        .set_redirect_uri(redirect)
        .set_auth_type(auth_type);
        tracing::info!(
            issuer = %settings.issuer_url,
            client_id = %settings.client_id,
            keys = keys.keys().len(),
            "OpenID Connect sign-in: the identity provider was discovered"
        );
        Ok(Self {
            settings: settings.clone(),
            client,
            http,
            issuer,
            jwks_uri,
            signing_algorithms,
            keys: Arc::new(Keys {
                set: RwLock::new(Arc::new(keys)),
                last_refetch: Mutex::new(None),
            }),
        })
    }

    /// The settings it was discovered with.
    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    pub(super) fn current_keys(&self) -> Arc<CoreJsonWebKeySet> {
        self.keys
            .set
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Whether an unknown key may cause a fetch now (and, if so, notes that it does).
    pub(super) fn may_refetch_keys(&self) -> bool {
        let mut last = self
            .keys
            .last_refetch
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        if last.is_some_and(|last| now.duration_since(last) < KEY_REFETCH_INTERVAL) {
            return false;
        }
        *last = Some(now);
        true
    }

    pub(super) async fn refetch_keys(&self) -> Result<Arc<CoreJsonWebKeySet>, OidcError> {
        let fetched = CoreJsonWebKeySet::fetch_async(&self.jwks_uri, &self.http)
            .await
            .map_err(|error| {
                tracing::warn!(jwks_uri = %self.jwks_uri.as_str(), error = %chain(&error), "the identity provider's keys could not be fetched again");
                OidcError::Refused(format!(
                    "the ID token names a key the provider's key set does not hold, and the keys at {} could not be fetched again: {}",
                    self.jwks_uri.as_str(),
                    chain(&error)
                ))
            })?;
        let fetched = Arc::new(fetched);
        *self
            .keys
            .set
            .write()
            .unwrap_or_else(PoisonError::into_inner) = fetched.clone();
        tracing::info!(jwks_uri = %self.jwks_uri.as_str(), keys = fetched.keys().len(), "the identity provider's keys were fetched again");
        Ok(fetched)
    }
}

/// The signing algorithms an ID token may use: those the provider says it signs with, except
/// `none`, and except the shared-secret ones when there is no client secret to check them with.
/// A provider that says nothing gets the specification's default, RS256.
fn signing_algorithms(
    advertised: &[CoreJwsSigningAlgorithm],
    has_client_secret: bool,
) -> Vec<CoreJwsSigningAlgorithm> {
    let allowed: Vec<_> = advertised
        .iter()
        .filter(|algorithm| **algorithm != CoreJwsSigningAlgorithm::None)
        .filter(|algorithm| has_client_secret || !algorithm.uses_shared_secret())
        .cloned()
        .collect();
    if allowed.is_empty() {
        vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256]
    } else {
        allowed
    }
}

/// How the client secret is sent: HTTP Basic (the specification's default) unless the provider
/// lists only `client_secret_post`.
fn token_auth_type(methods: Option<&Vec<CoreClientAuthMethod>>) -> AuthType {
    match methods {
        Some(methods)
            if methods.contains(&CoreClientAuthMethod::ClientSecretPost)
                && !methods.contains(&CoreClientAuthMethod::ClientSecretBasic) =>
        {
            AuthType::RequestBody
        }
        _ => AuthType::BasicAuth,
    }
}

fn discovery_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn none_and_unkeyed_shared_secret_algorithms_are_never_allowed() {
        let advertised = [
            CoreJwsSigningAlgorithm::None,
            CoreJwsSigningAlgorithm::HmacSha256,
            CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
        ];
        assert_eq!(
            signing_algorithms(&advertised, false),
            vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256]
        );
        assert_eq!(
            signing_algorithms(&advertised, true),
            vec![
                CoreJwsSigningAlgorithm::HmacSha256,
                CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256
            ]
        );
        assert_eq!(
            signing_algorithms(&[CoreJwsSigningAlgorithm::None], false),
            vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256]
        );
    }
    #[tokio::test]
    async fn an_issuer_that_cannot_be_reached_is_a_discovery_error_naming_it() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        drop(listener);
        let settings = OidcSettings::new(&issuer, "pep", "http://127.0.0.1/sign-in/callback");
        let Err(OidcError::Discovery(message)) = OidcClient::discover(&settings).await else {
            panic!("an unreachable issuer was discovered");
        };
        assert!(
            message.contains(&format!("{issuer}/.well-known/openid-configuration")),
            "{message}"
        );
        let plain = OidcSettings::new(
            "http://idp.example",
            "pep",
            "http://127.0.0.1/sign-in/callback",
        );
        let Err(OidcError::Discovery(message)) = OidcClient::discover(&plain).await else {
            panic!("a plain-HTTP issuer off loopback was accepted");
        };
        assert!(message.contains("https://"), "{message}");
    }
}
