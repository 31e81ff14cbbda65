//! One sign-in with the discovered provider: the authorization request (PKCE challenge, state
//! and nonce, kept server-side as a [`PendingSignIn`]), then the exchange of the provider's
//! code for tokens and the ID token's verification (signature, issuer, audience, expiry,
//! nonce, and `at_hash` against the access token), fetching the keys again when the token
//! names one not yet seen. Kept apart from discovery, which only finds the provider.

use super::claims::map_claims;
use super::discovery::OidcClient;
use super::error::{OidcError, chain};
use super::tokens::{ProviderIdToken, ProviderIdTokenClaims};
use crate::session::SessionClaims;
use openidconnect::core::{CoreJsonWebKeySet, CoreResponseType};
use openidconnect::{
    AccessTokenHash, AuthenticationFlow, AuthorizationCode, ClaimsVerificationError, ClientId,
    ClientSecret, CsrfToken, IdTokenVerifier, Nonce, OAuth2TokenResponse as _, PkceCodeChallenge,
    PkceCodeVerifier, Scope, SignatureVerificationError, TokenResponse as _,
};
use pep_records::PendingSignIn;

/// A sign-in about to be sent to the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationRequest {
    /// Where to send the browser.
    pub url: String,
    /// What to keep until the provider answers.
    pub pending: PendingSignIn,
}

impl OidcClient {
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
    /// [`KEY_REFETCH_INTERVAL`](super::KEY_REFETCH_INTERVAL)) when it names a key the set does
    /// not hold.
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
