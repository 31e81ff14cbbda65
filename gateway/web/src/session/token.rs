//! Random tokens for sessions, CSRF and sign-in state, and the hash a session is stored under.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

/// 256 random bits from the operating system, URL-safe base64. Should the system's random
/// source fail the process cannot issue safe sessions at all, so it panics (and the request
/// answers 500) rather than issuing a guessable token.
pub fn new_token() -> String {
    let mut bytes = [0_u8; 32];
    #[allow(clippy::expect_used)]
    getrandom::fill(&mut bytes).expect("the operating system's random source failed");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 of a token, hex: what the database keeps instead of the token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_their_hash_is_stable() {
        let first = new_token();
        let second = new_token();
        assert_ne!(first, second);
        assert_eq!(first.len(), 43);
        assert_eq!(hash_token(&first), hash_token(&first));
        assert_ne!(hash_token(&first), first);
        assert_eq!(hash_token(&first).len(), 64);
    }
}
