//! Bearer token verification (contracts.md §4): HS256 with a configured secret for development,
//! RS256 or ES256 against the public keys of a JWKS document (a file, or a URL kept fresh by
//! [`super::jwks_url`]) in production. A verifier accepts only its own algorithms, so a token
//! signed with the public key as an HMAC secret (the classic algorithm confusion) is refused.
//!
//! [`TokenVerifier::verify`] is synchronous and uses the keys in memory; the HTTP layer calls
//! [`TokenVerifier::verify_header_refreshing`], which, for a URL, also refetches the keys when a
//! token names a `kid` they do not hold (rate-limited), so a rotation needs no restart.

use super::claims::{Claims, Principal};
use super::errors::{AuthError, MINIMUM_SECRET_BYTES, VerifierError};
use super::jwks::{PublicKey, holds_key_id, parse_jwks};
use super::jwks_url::{JwksRefresh, RemoteJwks};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use std::fmt;
use std::path::Path;
use std::sync::Arc;

enum Keys {
    /// Development: one shared secret.
    Secret(DecodingKey),
    /// Production: the identity provider's public keys, from a file or a document.
    Public(Arc<Vec<PublicKey>>),
    /// Production: the identity provider's public keys, fetched from its JWKS URL.
    Remote(Arc<RemoteJwks>),
}

/// Verifies bearer tokens and turns them into [`Principal`]s.
pub struct TokenVerifier {
    keys: Keys,
    issuer: Option<String>,
    audience: Option<String>,
    /// Clock skew tolerated on `exp`, in seconds.
    leeway_seconds: u64,
}

impl fmt::Debug for TokenVerifier {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Key material never goes to logs.
        let keys = match &self.keys {
            Keys::Secret(_) => "HS256 secret".to_owned(),
            Keys::Public(keys) => format!("{} JWKS keys", keys.len()),
            Keys::Remote(remote) => format!(
                "{} JWKS keys from {}",
                remote.current().len(),
                remote.shown_url()
            ),
        };
        formatter
            .debug_struct("TokenVerifier")
            .field("keys", &keys)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish()
    }
}

impl TokenVerifier {
    /// A development verifier for HS256 tokens signed with `secret`.
    pub fn hs256(secret: &[u8]) -> Result<Self, VerifierError> {
        if secret.len() < MINIMUM_SECRET_BYTES {
            return Err(VerifierError::SecretTooShort);
        }
        Ok(Self::with_keys(Keys::Secret(DecodingKey::from_secret(
            secret,
        ))))
    }

    /// A verifier for RS256 and ES256 tokens signed by the keys of a JWKS document.
    pub fn from_jwks_json(text: &str) -> Result<Self, VerifierError> {
        Ok(Self::with_keys(Keys::Public(Arc::new(parse_jwks(text)?))))
    }

    /// [`TokenVerifier::from_jwks_json`] on a file.
    pub fn from_jwks_file(path: &Path) -> Result<Self, VerifierError> {
        let text = std::fs::read_to_string(path).map_err(|source| VerifierError::ReadJwks {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_jwks_json(&text)
    }

    /// A verifier for RS256 and ES256 tokens signed by the keys published at `url` (`https://`,
    /// or `http://` on a loopback host). The keys are fetched now, within `refresh.timeout`, and
    /// this fails, naming the URL and the reason, if that first fetch does; afterwards they are
    /// refreshed in the background (which needs a Tokio runtime) and on unknown `kid`s.
    pub async fn from_jwks_url(url: &str, refresh: JwksRefresh) -> Result<Self, VerifierError> {
        Ok(Self::with_keys(Keys::Remote(
            RemoteJwks::connect(url, refresh).await?,
        )))
    }

    /// Refetches the keys of a JWKS URL now (a failure keeps the last good keys) and answers
    /// how many signing keys are held; other verifiers have nothing to fetch and answer 0.
    pub async fn refresh_keys(&self) -> Result<usize, VerifierError> {
        match &self.keys {
            Keys::Remote(remote) => remote.refresh_now().await,
            Keys::Secret(_) | Keys::Public(_) => Ok(0),
        }
    }

    /// Also requires the `iss` claim to be `issuer`.
    pub fn with_issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Also requires the `aud` claim to contain `audience`.
    pub fn with_audience(mut self, audience: impl Into<String>) -> Self {
        self.audience = Some(audience.into());
        self
    }

    fn with_keys(keys: Keys) -> Self {
        Self {
            keys,
            issuer: None,
            audience: None,
            leeway_seconds: 30,
        }
    }

    /// Verifies the value of an `Authorization` header.
    pub fn verify_header(&self, header: Option<&str>) -> Result<Principal, AuthError> {
        let header = header.ok_or(AuthError::MissingToken)?;
        let (scheme, token) = header.trim().split_once(' ').ok_or(AuthError::NotBearer)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(AuthError::NotBearer);
        }
        self.verify(token.trim())
    }

    /// [`TokenVerifier::verify_header`], refetching a JWKS URL's keys first when the token names
    /// a `kid` they do not hold (at most once per 30 s by default).
    pub async fn verify_header_refreshing(
        &self,
        header: Option<&str>,
    ) -> Result<Principal, AuthError> {
        let header = header.ok_or(AuthError::MissingToken)?;
        let (scheme, token) = header.trim().split_once(' ').ok_or(AuthError::NotBearer)?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(AuthError::NotBearer);
        }
        self.verify_refreshing(token.trim()).await
    }

    /// [`TokenVerifier::verify`], refetching a JWKS URL's keys first when the token names a `kid`
    /// they do not hold.
    pub async fn verify_refreshing(&self, token: &str) -> Result<Principal, AuthError> {
        if let Keys::Remote(remote) = &self.keys {
            let header = jsonwebtoken::decode_header(token).map_err(describe)?;
            if let Some(key_id) = &header.kid
                && !holds_key_id(&remote.current(), key_id)
            {
                remote.refresh_for_unknown_key(key_id).await;
            }
        }
        self.verify(token)
    }

    /// Verifies a token against the keys in memory: signature, algorithm, expiry (and issuer
    /// and audience when configured), then the claims.
    pub fn verify(&self, token: &str) -> Result<Principal, AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(describe)?;
        match &self.keys {
            Keys::Secret(key) => self.decode(token, key, Algorithm::HS256),
            Keys::Public(keys) => self.decode_with_set(token, &header, keys),
            Keys::Remote(remote) => self.decode_with_set(token, &header, &remote.current()),
        }
    }

    fn decode_with_set(
        &self,
        token: &str,
        header: &Header,
        keys: &[PublicKey],
    ) -> Result<Principal, AuthError> {
        let candidate = keys
            .iter()
            .filter(|candidate| candidate.algorithm == header.alg)
            .find(|candidate| match (&header.kid, &candidate.key_id) {
                (Some(wanted), Some(key_id)) => wanted == key_id,
                (Some(_), None) => false,
                (None, _) => true,
            })
            .ok_or_else(|| {
                AuthError::Invalid(format!(
                    "no configured key verifies {:?} tokens with kid {:?}",
                    header.alg, header.kid
                ))
            })?;
        self.decode(token, &candidate.key, candidate.algorithm)
    }

    fn decode(
        &self,
        token: &str,
        key: &DecodingKey,
        algorithm: Algorithm,
    ) -> Result<Principal, AuthError> {
        let mut validation = Validation::new(algorithm);
        validation.leeway = self.leeway_seconds;
        validation.set_required_spec_claims(&["exp", "sub"]);
        if let Some(issuer) = &self.issuer {
            validation.set_issuer(&[issuer]);
            validation.required_spec_claims.insert("iss".to_owned());
        }
        match &self.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                validation.required_spec_claims.insert("aud".to_owned());
            }
            None => validation.validate_aud = false,
        }
        let data = jsonwebtoken::decode::<Claims>(token, key, &validation).map_err(describe)?;
        Ok(Principal::from_claims(&data.claims)?)
    }
}

fn describe(error: jsonwebtoken::errors::Error) -> AuthError {
    match error.kind() {
        ErrorKind::ExpiredSignature => AuthError::Expired,
        ErrorKind::InvalidSignature => {
            AuthError::Invalid("the signature does not match".to_owned())
        }
        ErrorKind::InvalidAlgorithm => AuthError::Invalid(
            "the token is signed with an algorithm this service does not accept".to_owned(),
        ),
        ErrorKind::MissingRequiredClaim(claim) => {
            AuthError::Invalid(format!("the {claim} claim is missing"))
        }
        ErrorKind::InvalidIssuer => AuthError::Invalid("the issuer is not accepted".to_owned()),
        ErrorKind::InvalidAudience => AuthError::Invalid("the audience is not accepted".to_owned()),
        ErrorKind::ImmatureSignature => AuthError::Invalid("the token is not valid yet".to_owned()),
        ErrorKind::Json(error) => AuthError::Invalid(format!("the claims are malformed: {error}")),
        _ => AuthError::Invalid("the token is malformed".to_owned()),
    }
}

/// Signs a development token with an HS256 secret (`pep token issue`, tests).
pub fn issue_development_token(secret: &[u8], claims: &Claims) -> Result<String, VerifierError> {
    if secret.len() < MINIMUM_SECRET_BYTES {
        return Err(VerifierError::SecretTooShort);
    }
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .map_err(|error| VerifierError::Signing(error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a development secret of at least 32 bytes";

    fn claims(exp: u64) -> Claims {
        Claims {
            sub: "vs-1".to_owned(),
            role: "virtual_school".to_owned(),
            la: "831".to_owned(),
            school_urn: None,
            child_ids: Vec::new(),
            caseload: Vec::new(),
            iro_id: None,
            exp,
            iat: None,
        }
    }

    fn in_an_hour() -> u64 {
        jsonwebtoken::get_current_timestamp() + 3600
    }

    #[test]
    fn a_development_token_round_trips() {
        let verifier = TokenVerifier::hs256(SECRET).unwrap();
        let token = issue_development_token(SECRET, &claims(in_an_hour())).unwrap();
        let principal = verifier
            .verify_header(Some(&format!("Bearer {token}")))
            .unwrap();
        assert_eq!(principal.subject, "vs-1");
    }

    #[test]
    fn short_secrets_are_refused() {
        assert!(matches!(
            TokenVerifier::hs256(b"short"),
            Err(VerifierError::SecretTooShort)
        ));
    }

    #[test]
    fn expired_tokens_wrong_secrets_and_bad_headers_are_refused() {
        let verifier = TokenVerifier::hs256(SECRET).unwrap();
        let expired = issue_development_token(SECRET, &claims(1_000)).unwrap();
        assert_eq!(verifier.verify(&expired), Err(AuthError::Expired));
        let other = issue_development_token(
            b"another secret that is long enough!!",
            &claims(in_an_hour()),
        )
        .unwrap();
        assert!(matches!(
            verifier.verify(&other),
            Err(AuthError::Invalid(_))
        ));
        assert_eq!(verifier.verify_header(None), Err(AuthError::MissingToken));
        assert_eq!(
            verifier.verify_header(Some("Basic dXNlcjpwYXNz")),
            Err(AuthError::NotBearer)
        );
        assert!(matches!(
            verifier.verify("not.a.token"),
            Err(AuthError::Invalid(_))
        ));
    }

    #[test]
    fn a_jwks_verifier_refuses_hs256_tokens() {
        let jwks = r#"{"keys":[{"kty":"EC","crv":"P-256","kid":"k1","alg":"ES256",
            "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]}"#;
        let verifier = TokenVerifier::from_jwks_json(jwks).unwrap();
        let token = issue_development_token(SECRET, &claims(in_an_hour())).unwrap();
        assert!(matches!(
            verifier.verify(&token),
            Err(AuthError::Invalid(_))
        ));
    }

    #[test]
    fn jwks_documents_without_signing_keys_are_refused() {
        assert!(matches!(
            TokenVerifier::from_jwks_json(r#"{"keys":[]}"#),
            Err(VerifierError::NoKeys)
        ));
        assert!(matches!(
            TokenVerifier::from_jwks_json("{"),
            Err(VerifierError::ParseJwks(_))
        ));
        let symmetric = r#"{"keys":[{"kty":"oct","k":"c2VjcmV0","alg":"HS256"}]}"#;
        assert!(matches!(
            TokenVerifier::from_jwks_json(symmetric),
            Err(VerifierError::UnusableKey { .. })
        ));
    }
}
