//! Why a verifier could not be built, and why a request's credentials were refused: the two
//! error types every part of authentication shares, in a module of their own so the key sources
//! (a JWKS file, a JWKS URL) and the verifier depend on them rather than on each other.

use super::claims::ClaimsError;
use thiserror::Error;

/// The shortest development secret accepted: HS256 with fewer than 32 bytes of key is guessable.
pub const MINIMUM_SECRET_BYTES: usize = 32;

/// Why a verifier could not be built from its configuration.
#[derive(Debug, Error)]
pub enum VerifierError {
    /// The HS256 secret is too short.
    #[error("the JWT secret must be at least {MINIMUM_SECRET_BYTES} bytes long")]
    SecretTooShort,
    /// The JWKS file could not be read.
    #[error("cannot read the JWKS file {path}: {source}")]
    ReadJwks {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The JWKS document is not a JWK set.
    #[error("the JWKS document is not a valid JWK set: {0}")]
    ParseJwks(String),
    /// A key of the set cannot verify RS256 or ES256 tokens.
    #[error("JWKS key {key:?} is not usable: {reason}")]
    UnusableKey {
        /// The key's `kid`, or its index.
        key: String,
        /// Why.
        reason: String,
    },
    /// The set holds no signing key.
    #[error("the JWKS document holds no RS256 or ES256 signing key")]
    NoKeys,
    /// The JWKS URL is not one keys may be fetched from.
    #[error("the JWKS URL {url} is not usable: {reason}")]
    InvalidJwksUrl {
        /// The URL as given.
        url: String,
        /// Why.
        reason: String,
    },
    /// The JWKS could not be fetched from its URL, or what came back is not a usable key set.
    #[error("cannot fetch the JWKS from {url}: {reason}")]
    FetchJwks {
        /// The URL (without any password).
        url: String,
        /// Why.
        reason: String,
    },
    /// A development token could not be signed.
    #[error("cannot sign the token: {0}")]
    Signing(String),
}

/// Why a request's credentials were not accepted (answered with 401).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AuthError {
    /// No `Authorization` header.
    #[error("the request has no Authorization header; send Authorization: Bearer <token>")]
    MissingToken,
    /// The header is not `Bearer <token>`.
    #[error("the Authorization header must be Bearer <token>")]
    NotBearer,
    /// The token has expired.
    #[error("the bearer token has expired")]
    Expired,
    /// The token is malformed, signed with the wrong key or algorithm, or not yet valid.
    #[error("the bearer token is not valid: {0}")]
    Invalid(String),
    /// The token is genuine but its claims do not describe a caller the service can serve.
    #[error("the bearer token's claims are not usable: {0}")]
    Claims(#[from] ClaimsError),
}
