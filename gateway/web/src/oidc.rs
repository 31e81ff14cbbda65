//! OpenID Connect sign-in against the council's identity provider: the authorization code flow
//! with PKCE (S256), a `state` that the answer must echo and a `nonce` the ID token must carry,
//! both kept server-side in `web_sign_ins` and used once. The ID token's signature (from the
//! provider's JWKS), issuer, audience, expiry and nonce are verified before anything of it is
//! believed; the claims named in [`OidcSettings`] then map to the same claims, and so the same
//! `Principal`, that the API's bearer tokens carry.
//!
//! The protocol is the `openidconnect` crate's: discovery, the authorization URL, the code
//! exchange and the ID token's verification. What is written here is what that crate leaves to
//! its user:
//!
//! - The HTTP client follows no redirects (the crate's advice against SSRF) and gives up after
//!   [`HTTP_TIMEOUT`]; the issuer, the redirect URL and the endpoints used (authorization,
//!   token, JWKS) must be `https://`, or `http://` on a loopback host. Discovery also checks
//!   that the provider offers the code flow and publishes keys, so a misconfigured provider
//!   stops the start rather than the first sign-in.
//! - The provider's keys are fetched at discovery and again when an ID token names a key not
//!   yet seen (a key rotation at the provider needs no restart here), at most once every
//!   [`KEY_REFETCH_INTERVAL`], so made-up key ids cannot flood the provider.
//! - The access token hash (`at_hash`), when the ID token carries one, is checked against the
//!   access token it came with, as the crate's own example does.
//! - The PEP Ledger claims (role, LA, school, caseload, children, IRO id) are custom claims
//!   under configurable names, read from a map of the ID token's additional claims, and
//!   checked by `pep_auth::Principal::from_claims`, the same check a bearer token passes; what
//!   it refuses is said in words a person can take to their service administrator.

use crate::session::SessionClaims;
use domain::Role;
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreClientAuthMethod, CoreErrorResponseType, CoreGenderClaim,
    CoreJsonWebKey, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreResponseType, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AuthType, AuthenticationFlow, AuthorizationCode,
    ClaimsVerificationError, Client, ClientId, ClientSecret, CsrfToken, EmptyExtraTokenFields,
    EndpointMaybeSet, EndpointNotSet, EndpointSet, IdToken, IdTokenClaims, IdTokenFields,
    IdTokenVerifier, IssuerUrl, JsonWebKeySetUrl, JwsSigningAlgorithm as _, Nonce,
    OAuth2TokenResponse as _, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    SignatureVerificationError, StandardErrorResponse, StandardTokenResponse, TokenResponse as _,
    reqwest,
};
use pep_auth::{Claims, ClaimsError, Principal};
use pep_records::PendingSignIn;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};
use thiserror::Error;

/// The longest one request to the identity provider may take, connection included.
pub const HTTP_TIMEOUT: Duration = Duration::from_secs(10);

/// The shortest time between two fetches of the provider's keys caused by ID tokens naming a
/// key the set does not hold.
pub const KEY_REFETCH_INTERVAL: Duration = Duration::from_secs(30);

/// The identity provider and how its ID tokens describe a person.
#[derive(Clone, PartialEq, Eq)]
pub struct OidcSettings {
    /// The issuer URL; discovery reads `{issuer}/.well-known/openid-configuration`.
    pub issuer_url: String,
    /// This service's client id at the provider (the ID token's audience).
    pub client_id: String,
    /// The client secret, for providers that require one at the token endpoint.
    pub client_secret: Option<String>,
    /// Where the provider sends the person back: this service's `/sign-in/callback`.
    pub redirect_url: String,
    /// Scopes asked for besides `openid`.
    pub scopes: Vec<String>,
    /// The claim holding the person's role (one of the service's role names).
    pub role_claim: String,
    /// The claim holding the person's LA (its 3-digit code).
    pub la_claim: String,
    /// The claim holding a designated teacher's school URN.
    pub school_urn_claim: String,
    /// The claim holding a social worker's caseload (child ids).
    pub caseload_claim: String,
    /// The claim holding a carer's or young person's child ids.
    pub child_ids_claim: String,
    /// The claim holding an IRO's id as assigned on child records.
    pub iro_id_claim: String,
}

impl OidcSettings {
    /// Settings with the default claim names (`pep_role`, `pep_la`, `pep_school_urn`,
    /// `pep_caseload`, `pep_child_ids`, `pep_iro_id`) and the `profile` scope.
    pub fn new(issuer_url: &str, client_id: &str, redirect_url: &str) -> Self {
        Self {
            issuer_url: issuer_url.to_owned(),
            client_id: client_id.to_owned(),
            client_secret: None,
            redirect_url: redirect_url.to_owned(),
            scopes: vec!["profile".to_owned()],
            role_claim: "pep_role".to_owned(),
            la_claim: "pep_la".to_owned(),
            school_urn_claim: "pep_school_urn".to_owned(),
            caseload_claim: "pep_caseload".to_owned(),
            child_ids_claim: "pep_child_ids".to_owned(),
            iro_id_claim: "pep_iro_id".to_owned(),
        }
    }
}

/// Written by hand so the client secret never reaches a log line: it shows only whether one is
/// set, like the rest of the service's configuration.
impl std::fmt::Debug for OidcSettings {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("OidcSettings")
            .field("issuer_url", &self.issuer_url)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("redirect_url", &self.redirect_url)
            .field("scopes", &self.scopes)
            .field("role_claim", &self.role_claim)
            .field("la_claim", &self.la_claim)
            .field("school_urn_claim", &self.school_urn_claim)
            .field("caseload_claim", &self.caseload_claim)
            .field("child_ids_claim", &self.child_ids_claim)
            .field("iro_id_claim", &self.iro_id_claim)
            .finish()
    }
}

/// Why a sign-in with the identity provider failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OidcError {
    /// The provider's discovery document or keys could not be read.
    #[error("cannot read the identity provider's configuration: {0}")]
    Discovery(String),
    /// The provider's answer was refused: wrong state, bad code, a token that does not verify.
    #[error("the identity provider's answer was refused: {0}")]
    Refused(String),
    /// The ID token verified but does not describe a person this service can serve. The text
    /// is meant for the person signing in (and their administrator).
    #[error("the identity provider's claims do not describe a user of this service: {0}")]
    Claims(String),
}

/// A sign-in about to be sent to the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    /// Where to send the browser.
    pub url: String,
    /// What to keep until the provider answers.
    pub pending: PendingSignIn,
}

/// The ID token's claims beyond the standard ones, by name: the PEP Ledger claims are named in
/// the settings, so they cannot be fields of a struct.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProviderClaims {
    /// Every additional claim, as the provider sent it.
    #[serde(flatten)]
    pub claims: HashMap<String, Value>,
}

impl AdditionalClaims for ProviderClaims {}

type ProviderIdToken = IdToken<
    ProviderClaims,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

type ProviderIdTokenClaims = IdTokenClaims<ProviderClaims, CoreGenderClaim>;

type ProviderTokenResponse = StandardTokenResponse<
    IdTokenFields<
        ProviderClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

/// `CoreClient` with [`ProviderClaims`] in place of no additional claims: as discovery makes it
/// (`HasTokenUrl` maybe set) and, as [`ProviderClient`], once the token endpoint is checked.
type ProviderClientWith<HasTokenUrl> = Client<
    ProviderClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    ProviderTokenResponse,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    HasTokenUrl,
    EndpointMaybeSet,
>;

/// The client once discovery has found the token endpoint.
type ProviderClient = ProviderClientWith<EndpointSet>;

/// The provider's keys and when they were last fetched because of an unknown key.
struct Keys {
    set: RwLock<Arc<CoreJsonWebKeySet>>,
    last_refetch: Mutex<Option<Instant>>,
}

/// The discovered provider.
#[derive(Clone)]
pub struct OidcClient {
    settings: OidcSettings,
    client: ProviderClient,
    http: reqwest::Client,
    issuer: IssuerUrl,
    jwks_uri: JsonWebKeySetUrl,
    signing_algorithms: Vec<CoreJwsSigningAlgorithm>,
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
        let http = reqwest::ClientBuilder::new()
            // Following redirects opens the client up to SSRF (the crate's security advice).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(HTTP_TIMEOUT)
            .build()
            .map_err(|error| {
                discovery(format!("cannot build an HTTP client: {}", chain(&error)))
            })?;
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

    /// A new authorization request (PKCE challenge, state, nonce) returning to `return_to`.
    /// The PKCE verifier, the state and the nonce are in the returned [`PendingSignIn`], to be
    /// kept server-side; only the challenge derived from the verifier leaves in the URL.
    pub fn authorization_request(
        &self,
        return_to: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> AuthorizationRequest {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let scopes = self
            .settings
            .scopes
            .iter()
            .map(|scope| scope.trim())
            // `openid` is added by the client itself; asking twice would repeat it in the URL.
            .filter(|scope| !scope.is_empty() && *scope != "openid")
            .map(|scope| Scope::new(scope.to_owned()));
        let (url, state, nonce) = self
            .client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scopes(scopes)
            .set_pkce_challenge(challenge)
            .url();
        AuthorizationRequest {
            url: url.to_string(),
            pending: PendingSignIn {
                state: state.secret().clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                return_to: return_to.to_owned(),
                created_at: now,
            },
        }
    }

    /// Exchanges the provider's code for tokens, verifies the ID token against `pending`, and
    /// maps its claims.
    pub async fn exchange(
        &self,
        code: &str,
        pending: &PendingSignIn,
    ) -> Result<SessionClaims, OidcError> {
        let response = self
            .client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
            .request_async(&self.http)
            .await
            .map_err(|error| {
                OidcError::Refused(format!(
                    "the token endpoint did not exchange the code: {}",
                    chain(&error)
                ))
            })?;
        let id_token = response.id_token().ok_or_else(|| {
            OidcError::Refused("the token endpoint's answer holds no ID token".to_owned())
        })?;
        let nonce = Nonce::new(pending.nonce.clone());
        let claims = self
            .verified_claims(id_token, &nonce, response.access_token())
            .await?;
        map_claims(&self.settings, &claims)
    }

    /// The ID token's claims once verified, fetching the keys again (at most once each
    /// [`KEY_REFETCH_INTERVAL`]) when it names a key the set does not hold.
    async fn verified_claims(
        &self,
        id_token: &ProviderIdToken,
        nonce: &Nonce,
        access_token: &openidconnect::AccessToken,
    ) -> Result<ProviderIdTokenClaims, OidcError> {
        let keys = self.current_keys();
        match self.verify_with(&keys, id_token, nonce, access_token) {
            Err(VerifyError::Claims(ClaimsVerificationError::SignatureVerification(
                SignatureVerificationError::NoMatchingKey,
            ))) if self.may_refetch_keys() => {}
            other => return other.map_err(VerifyError::into_refused),
        }
        let keys = self.refetch_keys().await?;
        self.verify_with(&keys, id_token, nonce, access_token)
            .map_err(VerifyError::into_refused)
    }

    fn verify_with(
        &self,
        keys: &CoreJsonWebKeySet,
        id_token: &ProviderIdToken,
        nonce: &Nonce,
        access_token: &openidconnect::AccessToken,
    ) -> Result<ProviderIdTokenClaims, VerifyError> {
        let client_id = ClientId::new(self.settings.client_id.clone());
        let verifier = match &self.settings.client_secret {
            Some(secret) => IdTokenVerifier::new_confidential_client(
                client_id,
                ClientSecret::new(secret.clone()),
                self.issuer.clone(),
                keys.clone(),
            ),
            None => {
                IdTokenVerifier::new_public_client(client_id, self.issuer.clone(), keys.clone())
            }
        }
        .set_allowed_algs(self.signing_algorithms.clone());
        let claims = id_token
            .claims(&verifier, nonce)
            .map_err(VerifyError::Claims)?;
        // The access token hash ties the ID token to the access token it came with.
        if let Some(expected) = claims.access_token_hash() {
            let algorithm = id_token
                .signing_alg()
                .map_err(|error| VerifyError::Other(chain(&error)))?;
            let key = id_token
                .signing_key(&verifier)
                .map_err(|error| VerifyError::Other(chain(&error)))?;
            let actual = AccessTokenHash::from_token(access_token, algorithm, key)
                .map_err(|error| VerifyError::Other(chain(&error)))?;
            if actual != *expected {
                return Err(VerifyError::Other(
                    "the ID token's at_hash does not match the access token it came with"
                        .to_owned(),
                ));
            }
        }
        Ok(claims.clone())
    }

    fn current_keys(&self) -> Arc<CoreJsonWebKeySet> {
        self.keys
            .set
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Whether an unknown key may cause a fetch now (and, if so, notes that it does).
    fn may_refetch_keys(&self) -> bool {
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

    async fn refetch_keys(&self) -> Result<Arc<CoreJsonWebKeySet>, OidcError> {
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

/// Why an ID token did not verify: the crate's reason, or one of the checks made here.
enum VerifyError {
    Claims(ClaimsVerificationError),
    Other(String),
}

impl VerifyError {
    fn into_refused(self) -> OidcError {
        match self {
            Self::Claims(error) => {
                OidcError::Refused(format!("the ID token does not verify: {}", chain(&error)))
            }
            Self::Other(reason) => {
                OidcError::Refused(format!("the ID token does not verify: {reason}"))
            }
        }
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

/// Checks that `text` is an `https://` URL, or `http://` on a loopback host: sign-in codes and
/// keys must not travel in the clear across a network.
fn check_url(what: &str, text: &str) -> Result<(), String> {
    let url = openidconnect::url::Url::parse(text)
        .map_err(|error| format!("{what} {text:?} is not a URL: {error}"))?;
    let allowed = match url.scheme() {
        "https" => url.host().is_some(),
        "http" => url.host_str().is_some_and(|host| {
            let bare = host.trim_start_matches('[').trim_end_matches(']');
            match bare.parse::<IpAddr>() {
                Ok(address) => address.is_loopback(),
                Err(_) => bare.eq_ignore_ascii_case("localhost"),
            }
        }),
        _ => false,
    };
    if allowed {
        Ok(())
    } else {
        Err(format!(
            "{what} {text:?} must use https://, or http:// only for a loopback host \
             (127.0.0.1, ::1, localhost)"
        ))
    }
}

/// An error and its causes, one after another: the crates' top-level messages ("Request
/// failed") say little on their own.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// The session's claims from a verified ID token: the subject, the PEP Ledger claims under
/// the names the settings give, the token's expiry and issue time (as a bearer token from the
/// same provider would carry them; the session itself lasts as its own timeouts say), and a
/// name to greet the person by. Checked as a bearer token's claims are, so a person the API would refuse is
/// refused here, in words.
fn map_claims(
    settings: &OidcSettings,
    token: &ProviderIdTokenClaims,
) -> Result<SessionClaims, OidcError> {
    let name = token
        .name()
        .and_then(|name| name.get(None))
        .map(|name| name.as_str().trim().to_owned())
        .filter(|name| !name.is_empty())
        .or_else(|| {
            let given = token.given_name().and_then(|name| name.get(None));
            let family = token.family_name().and_then(|name| name.get(None));
            let joined = [given.map(|n| n.as_str()), family.map(|n| n.as_str())]
                .into_iter()
                .flatten()
                .map(str::trim)
                .filter(|part| !part.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            (!joined.is_empty()).then_some(joined)
        });
    let claims = pep_claims(
        settings,
        token.subject().as_str(),
        &token.additional_claims().claims,
        unix_seconds(token.expiration()),
        Some(unix_seconds(token.issue_time())),
    )?;
    Ok(SessionClaims { claims, name })
}

fn unix_seconds(time: chrono::DateTime<chrono::Utc>) -> u64 {
    u64::try_from(time.timestamp()).unwrap_or_default()
}

/// The claims a bearer token of the same person would carry, read from the provider's claims
/// and checked with [`Principal::from_claims`].
fn pep_claims(
    settings: &OidcSettings,
    subject: &str,
    provided: &HashMap<String, Value>,
    exp: u64,
    iat: Option<u64>,
) -> Result<Claims, OidcError> {
    let refuse = OidcError::Claims;
    let role = text_claim(provided, &settings.role_claim)?.ok_or_else(|| {
        refuse(format!(
            "your account does not say what your role in PEP Ledger is (the identity provider \
             sent no {:?} claim)",
            settings.role_claim
        ))
    })?;
    let la = text_claim(provided, &settings.la_claim)?.ok_or_else(|| {
        refuse(format!(
            "your account does not say which local authority you work for (the identity \
             provider sent no {:?} claim)",
            settings.la_claim
        ))
    })?;
    let claims = Claims {
        sub: subject.to_owned(),
        role,
        la,
        school_urn: text_claim(provided, &settings.school_urn_claim)?,
        child_ids: list_claim(provided, &settings.child_ids_claim)?,
        caseload: list_claim(provided, &settings.caseload_claim)?,
        iro_id: text_claim(provided, &settings.iro_id_claim)?,
        exp,
        iat,
    };
    Principal::from_claims(&claims).map_err(|error| refuse(explain(settings, &error)))?;
    Ok(claims)
}

/// A claim holding one value: text, or a number written as text (an LA code or a URN sent as
/// a JSON number). Absent, null or empty is `None`.
fn text_claim(provided: &HashMap<String, Value>, name: &str) -> Result<Option<String>, OidcError> {
    match provided.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => {
            let text = text.trim();
            Ok((!text.is_empty()).then(|| text.to_owned()))
        }
        Some(Value::Number(number)) => Ok(Some(number.to_string())),
        Some(_) => Err(OidcError::Claims(format!(
            "your account's {name:?} claim is not a single value, so PEP Ledger cannot read it"
        ))),
    }
}

/// A claim holding a list of ids: a JSON array of text, or one text of ids separated by commas
/// or spaces (how some providers send a multi-valued attribute). Absent or null is empty.
fn list_claim(provided: &HashMap<String, Value>, name: &str) -> Result<Vec<String>, OidcError> {
    let not_a_list = || {
        OidcError::Claims(format!(
            "your account's {name:?} claim is not a list of ids, so PEP Ledger cannot read it"
        ))
    };
    let split = |text: &str| {
        text.split([',', ' '])
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    match provided.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(text)) => Ok(split(text)),
        Some(Value::Array(values)) => values
            .iter()
            .map(|value| match value {
                Value::String(text) => Ok(text.trim().to_owned()),
                _ => Err(not_a_list()),
            })
            .filter(|id| id.as_ref().map_or(true, |id| !id.is_empty()))
            .collect(),
        Some(_) => Err(not_a_list()),
    }
}

/// What `Principal::from_claims` refused, in words for the person signing in, naming the claims
/// as the identity provider sends them (so their administrator knows what to change).
fn explain(settings: &OidcSettings, error: &ClaimsError) -> String {
    match error {
        ClaimsError::EmptySubject => {
            "the identity provider did not say who you are (the ID token's subject is empty)"
                .to_owned()
        }
        ClaimsError::UnknownRole(role) => format!(
            "your account's role {role:?} is not a PEP Ledger role; the {:?} claim must be one \
             of {}",
            settings.role_claim,
            person_roles().join(", ")
        ),
        ClaimsError::SystemRole => format!(
            "your account's role is \"system\", which only PEP Ledger itself acts as; the {:?} \
             claim must be one of {}",
            settings.role_claim,
            person_roles().join(", ")
        ),
        ClaimsError::InvalidLa(reason) => format!(
            "your account's local authority (the {:?} claim) is not a 3-digit LA number: {reason}",
            settings.la_claim
        ),
        ClaimsError::MissingSchoolUrn => format!(
            "your account is a designated teacher's but does not say which school (the \
             identity provider sent no {:?} claim)",
            settings.school_urn_claim
        ),
        ClaimsError::InvalidSchoolUrn(reason) => format!(
            "your account's school (the {:?} claim) is not a 6-digit school URN: {reason}",
            settings.school_urn_claim
        ),
        ClaimsError::InvalidChildId { claim, value } => {
            let name = if *claim == "caseload" {
                &settings.caseload_claim
            } else {
                &settings.child_ids_claim
            };
            format!("your account's {name:?} claim holds {value:?}, which is not a child's id")
        }
    }
}

/// The role names an account may hold: every role but `system`.
fn person_roles() -> Vec<&'static str> {
    Role::ALL
        .iter()
        .filter(|role| **role != Role::System)
        .map(Role::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn settings() -> OidcSettings {
        OidcSettings::new(
            "https://idp.example",
            "pep-ledger",
            "https://pep.example/sign-in/callback",
        )
    }

    fn provided(value: Value) -> HashMap<String, Value> {
        serde_json::from_value(value).unwrap()
    }

    fn claims_of(value: Value) -> Result<Claims, OidcError> {
        pep_claims(
            &settings(),
            "person-1",
            &provided(value),
            4_000_000_000,
            None,
        )
    }

    #[test]
    fn the_pep_claims_map_to_a_bearer_tokens_claims() {
        let child = "0190f3c4-0000-7000-8000-000000000001";
        let claims = claims_of(json!({
            "pep_role": "social_worker",
            "pep_la": 831,
            "pep_caseload": [child],
            "pep_child_ids": format!("{child}, {child}"),
            "email": "sw@example.gov.uk",
        }))
        .unwrap();
        assert_eq!(claims.sub, "person-1");
        assert_eq!(claims.role, "social_worker");
        assert_eq!(claims.la, "831");
        assert_eq!(claims.caseload, vec![child.to_owned()]);
        assert_eq!(claims.child_ids, vec![child.to_owned(), child.to_owned()]);
        assert_eq!(claims.school_urn, None);
        assert_eq!(claims.exp, 4_000_000_000);
        assert!(Principal::from_claims(&claims).is_ok());
    }

    #[test]
    fn claim_names_come_from_the_settings() {
        let mut settings = settings();
        settings.role_claim = "extension_role".to_owned();
        settings.la_claim = "extension_la".to_owned();
        settings.school_urn_claim = "urn".to_owned();
        let claims = pep_claims(
            &settings,
            "teacher-1",
            &provided(json!({
                "extension_role": "designated_teacher",
                "extension_la": "831",
                "urn": "123456",
                "pep_role": "auditor",
            })),
            4_000_000_000,
            Some(1),
        )
        .unwrap();
        assert_eq!(claims.role, "designated_teacher");
        assert_eq!(claims.school_urn.as_deref(), Some("123456"));
        assert_eq!(claims.iat, Some(1));
    }

    #[test]
    fn a_role_that_is_not_a_pep_ledger_role_is_refused_in_words() {
        let Err(OidcError::Claims(message)) =
            claims_of(json!({"pep_role": "headteacher", "pep_la": "831"}))
        else {
            panic!("a headteacher was accepted");
        };
        assert!(
            message.contains("\"headteacher\" is not a PEP Ledger role"),
            "{message}"
        );
        assert!(message.contains("virtual_school"), "{message}");
        assert!(!message.contains("system,"), "{message}");
        let Err(OidcError::Claims(message)) =
            claims_of(json!({"pep_role": "system", "pep_la": "831"}))
        else {
            panic!("the system role was accepted");
        };
        assert!(message.contains("only PEP Ledger itself"), "{message}");
    }

    #[test]
    fn missing_and_malformed_claims_are_refused_naming_the_claim() {
        let Err(OidcError::Claims(message)) = claims_of(json!({"pep_la": "831"})) else {
            panic!("no role was accepted");
        };
        assert!(message.contains("\"pep_role\""), "{message}");
        let Err(OidcError::Claims(message)) =
            claims_of(json!({"pep_role": "auditor", "pep_la": "83"}))
        else {
            panic!("a 2-digit LA was accepted");
        };
        assert!(message.contains("3-digit"), "{message}");
        let Err(OidcError::Claims(message)) =
            claims_of(json!({"pep_role": "designated_teacher", "pep_la": "831"}))
        else {
            panic!("a teacher without a school was accepted");
        };
        assert!(message.contains("\"pep_school_urn\""), "{message}");
        let Err(OidcError::Claims(message)) = claims_of(
            json!({"pep_role": "carer", "pep_la": "831", "pep_child_ids": ["not-a-child"]}),
        ) else {
            panic!("a made-up child id was accepted");
        };
        assert!(message.contains("\"not-a-child\""), "{message}");
        let Err(OidcError::Claims(message)) =
            claims_of(json!({"pep_role": {"name": "auditor"}, "pep_la": "831"}))
        else {
            panic!("an object role was accepted");
        };
        assert!(message.contains("not a single value"), "{message}");
        let Err(OidcError::Claims(message)) = claims_of(
            json!({"pep_role": "social_worker", "pep_la": "831", "pep_caseload": [1, 2]}),
        ) else {
            panic!("numbers as child ids were accepted");
        };
        assert!(message.contains("not a list of ids"), "{message}");
    }

    #[test]
    fn only_https_or_loopback_http_urls_are_used() {
        assert!(check_url("the issuer URL", "https://idp.example/realms/pep").is_ok());
        assert!(check_url("the issuer URL", "http://127.0.0.1:8443").is_ok());
        assert!(check_url("the issuer URL", "http://localhost:8443").is_ok());
        assert!(check_url("the issuer URL", "http://[::1]:8443").is_ok());
        let error = check_url("the issuer URL", "http://idp.example").unwrap_err();
        assert!(error.contains("https://"), "{error}");
        let error = check_url("the issuer URL", "idp.example").unwrap_err();
        assert!(error.contains("not a URL"), "{error}");
    }

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

    #[test]
    fn the_client_secret_is_never_in_the_debug_form() {
        let mut settings = settings();
        settings.client_secret = Some("very-secret-value".to_owned());
        let shown = format!("{settings:?}");
        assert!(!shown.contains("very-secret-value"), "{shown}");
        assert!(shown.contains("<redacted>"), "{shown}");
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
