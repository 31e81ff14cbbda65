//! Who is calling and what they may do: a bearer token (contracts.md §4) becomes a
//! [`Principal`], and [`policy`] says, as one table of data, which roles may take which
//! operation and on which children.
//!
//! A tour of the modules:
//!
//! - [`claims`]: the token's claims as they travel, and the [`Principal`] parsed from them
//!   (a role the service knows, a valid LA code, the scope that role needs).
//! - [`errors`]: why a verifier cannot be built ([`VerifierError`]) and why credentials are
//!   refused ([`AuthError`]), shared by the key sources and the verifier.
//! - [`verifier`]: checks signatures and expiry: HS256 with a shared secret for development,
//!   RS256 and ES256 against a JWKS document for production; and mints development tokens.
//! - [`jwks_url`]: a JWKS fetched from the identity provider's URL and kept fresh (in the
//!   background, and when a token names a key not yet seen).
//! - [`policy`]: the authorisation table (operation → routes → roles → how far each reaches)
//!   and its evaluation against what the child record says (LA, school, assigned people).
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod claims;
pub mod errors;
mod jwks;
pub mod jwks_url;
pub mod policy;
pub mod verifier;

pub use claims::{Claims, ClaimsError, Principal};
pub use errors::{AuthError, MINIMUM_SECRET_BYTES, VerifierError};
pub use jwks_url::{JwksRefresh, validate_jwks_url};
pub use policy::{ChildFacts, Denial, Grant, Operation, Reach, Rule};
pub use verifier::{TokenVerifier, issue_development_token};
