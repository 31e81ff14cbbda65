//! The check every form post passes: the hidden `csrf_token` field must equal the session's.

use super::SignedIn;
use crate::error::PageError;
use serde::Deserialize;

/// A form whose only field the check needs.
#[derive(Debug, Clone, Deserialize)]
pub struct CsrfForm {
    /// The token the form was rendered with.
    #[serde(default)]
    pub csrf_token: String,
}

/// Refuses a post whose token is not the session's, comparing in constant time.
pub fn check_csrf(signed_in: &SignedIn, sent: &str) -> Result<(), PageError> {
    if constant_time_equal(signed_in.csrf_token.as_bytes(), sent.as_bytes()) {
        Ok(())
    } else {
        Err(PageError::CsrfRejected)
    }
}

/// Equal bytes, taking the same time wherever they differ.
pub fn constant_time_equal(left: &[u8], right: &[u8]) -> bool {
    if left.len() != right.len() {
        return false;
    }
    left.iter()
        .zip(right)
        .fold(0_u8, |difference, (a, b)| difference | (a ^ b))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_same_token_passes() {
        assert!(constant_time_equal(b"abc", b"abc"));
        assert!(!constant_time_equal(b"abc", b"abd"));
        assert!(!constant_time_equal(b"abc", b"ab"));
        assert!(!constant_time_equal(b"", b"a"));
    }
}
