//! Why a sign-in with the identity provider failed ([`OidcError`]), and [`chain`], which writes
//! an error out with its causes. Every other part fails with these, so they sit apart from the
//! steps that produce them.

use thiserror::Error;

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

/// An error and its causes, one after another: the crates' top-level messages ("Request
/// failed") say little on their own.
pub(super) fn chain(error: &dyn std::error::Error) -> String {
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
