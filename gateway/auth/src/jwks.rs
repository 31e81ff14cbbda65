//! A JWKS document read into the keys a verifier checks signatures with: only RS256 and ES256
//! (P-256) signing keys are kept, so a document with a symmetric or unsupported key is refused
//! rather than silently half-used. Shared by the JWKS file and the JWKS URL.

use super::errors::VerifierError;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, JwkSet, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};

/// One public key of a JWKS document.
pub(crate) struct PublicKey {
    pub(crate) key_id: Option<String>,
    pub(crate) algorithm: Algorithm,
    pub(crate) key: DecodingKey,
}

/// The signing keys of a JWKS document; at least one.
pub(crate) fn parse_jwks(text: &str) -> Result<Vec<PublicKey>, VerifierError> {
    let set: JwkSet =
        serde_json::from_str(text).map_err(|error| VerifierError::ParseJwks(error.to_string()))?;
    let mut keys = Vec::new();
    for (index, jwk) in set.keys.iter().enumerate() {
        let name = jwk
            .common
            .key_id
            .clone()
            .unwrap_or_else(|| format!("#{index}"));
        if jwk.common.public_key_use == Some(PublicKeyUse::Encryption) {
            continue;
        }
        let algorithm = signing_algorithm(jwk).map_err(|reason| VerifierError::UnusableKey {
            key: name.clone(),
            reason,
        })?;
        let key = DecodingKey::from_jwk(jwk).map_err(|error| VerifierError::UnusableKey {
            key: name,
            reason: error.to_string(),
        })?;
        keys.push(PublicKey {
            key_id: jwk.common.key_id.clone(),
            algorithm,
            key,
        });
    }
    if keys.is_empty() {
        return Err(VerifierError::NoKeys);
    }
    Ok(keys)
}

/// The algorithm a JWKS key verifies: its `alg`, or what its key type implies.
fn signing_algorithm(jwk: &jsonwebtoken::jwk::Jwk) -> Result<Algorithm, String> {
    let implied = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::EllipticCurve(parameters)
            if parameters.curve == EllipticCurve::P256 =>
        {
            Algorithm::ES256
        }
        _ => return Err("only RSA and P-256 keys (RS256, ES256) are supported".to_owned()),
    };
    match jwk.common.key_algorithm {
        None => Ok(implied),
        Some(KeyAlgorithm::RS256) if implied == Algorithm::RS256 => Ok(implied),
        Some(KeyAlgorithm::ES256) if implied == Algorithm::ES256 => Ok(implied),
        Some(other) => Err(format!(
            "alg {other:?} is not RS256 or ES256 for this key type"
        )),
    }
}

/// Whether any key of the set carries this `kid`, whatever its algorithm.
pub(crate) fn holds_key_id(keys: &[PublicKey], key_id: &str) -> bool {
    keys.iter()
        .any(|candidate| candidate.key_id.as_deref() == Some(key_id))
}
