//! The webhook signature: `Pep-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret,
//! "<t>.<body>")>`. The timestamp is signed with the body so a captured request cannot be
//! replayed later with a fresh time; receivers reject signatures older than a few minutes.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "Pep-Signature";

/// The `Pep-Signature` value for `body` signed with `secret` at `unix_seconds`. HMAC takes
/// keys of any length, so the error cannot happen in practice; it is passed on, never hidden.
pub fn signature_header(
    secret: &str,
    unix_seconds: i64,
    body: &[u8],
) -> Result<String, hmac::digest::InvalidLength> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes())?;
    mac.update(unix_seconds.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(format!(
        "t={unix_seconds},v1={}",
        hex::encode(mac.finalize().into_bytes())
    ))
}

/// Checks a `Pep-Signature` value, as a receiver would (constant-time comparison).
pub fn verify(secret: &str, header: &str, body: &[u8]) -> bool {
    let mut timestamp = None;
    let mut signature = None;
    for part in header.split(',') {
        match part.split_once('=') {
            Some(("t", value)) => timestamp = value.parse::<i64>().ok(),
            Some(("v1", value)) => signature = hex::decode(value).ok(),
            _ => {}
        }
    }
    let (Some(timestamp), Some(signature)) = (timestamp, signature) else {
        return false;
    };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return false;
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac.verify_slice(&signature).is_ok()
}

/// A new signing secret: 256 bits from the operating system's random source, in hex with a
/// prefix that makes it recognisable to a secrets scanner.
pub fn new_secret() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)?;
    Ok(format!("whsec_{}", hex::encode(bytes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_any_change_breaks_it() {
        let header = signature_header("secret", 1_700_000_000, b"{\"a\":1}").unwrap();
        assert!(header.starts_with("t=1700000000,v1="));
        assert!(verify("secret", &header, b"{\"a\":1}"));
        assert!(!verify("other", &header, b"{\"a\":1}"));
        assert!(!verify("secret", &header, b"{\"a\":2}"));
        let shifted = header.replace("t=1700000000", "t=1700000001");
        assert!(!verify("secret", &shifted, b"{\"a\":1}"));
        assert!(!verify("secret", "v1=00", b""));
    }

    #[test]
    fn secrets_differ() {
        let first = new_secret().unwrap();
        assert_eq!(first.len(), "whsec_".len() + 64);
        assert_ne!(first, new_secret().unwrap());
    }
}
