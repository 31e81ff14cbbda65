//! OpenID Connect sign-in against the council's identity provider: the authorization code flow
//! with PKCE (S256), a `state` that the answer must echo and a `nonce` the ID token must carry,
//! both kept server-side in `web_sign_ins` and used once. The ID token's signature (from the
//! provider's JWKS), issuer, audience, expiry and nonce are verified before anything of it is
//! believed; the claims named in [`OidcSettings`] then map to the same claims, and so the same
//! `Principal`, that the API's bearer tokens carry.
//!
//! The protocol is the `openidconnect` crate's: discovery, the authorization URL, the code
//! exchange and the ID token's verification. What is written here is what that crate leaves to
//! its user:
//!
//! - The HTTP client follows no redirects (the crate's advice against SSRF) and gives up after
//!   [`HTTP_TIMEOUT`]; the issuer, the redirect URL and the endpoints used (authorization,
//!   token, JWKS) must be `https://`, or `http://` on a loopback host. Discovery also checks
//!   that the provider offers the code flow and publishes keys, so a misconfigured provider
//!   stops the start rather than the first sign-in.
//! - The provider's keys are fetched at discovery and again when an ID token names a key not
//!   yet seen (a key rotation at the provider needs no restart here), at most once every
//!   [`KEY_REFETCH_INTERVAL`], so made-up key ids cannot flood the provider.
//! - The access token hash (`at_hash`), when the ID token carries one, is checked against the
//!   access token it came with, as the crate's own example does.
//! - The PEP Ledger claims (role, LA, school, caseload, children, IRO id) are custom claims
//!   under configurable names, read from a map of the ID token's additional claims, and
//!   checked by `pep_auth::Principal::from_claims`, the same check a bearer token passes; what
//!   it refuses is said in words a person can take to their service administrator.
//!
//! The parts, each using only those listed before it:
//!
//! - `settings`: [`OidcSettings`], its defaults and its Debug form without the secret.
//! - `error`: [`OidcError`] and how an error's causes are written out.
//! - `http`: the HTTP client that follows no redirects, and which URLs may be used.
//! - `tokens`: the `openidconnect` types with the provider's own claims ([`ProviderClaims`]).
//! - `claims`: a verified ID token's claims as a bearer token's, refusals in words.
//! - `discovery`: [`OidcClient::discover`], the checks of what the provider publishes, and
//!   fetching its keys again.
//! - `exchange`: the authorization request ([`AuthorizationRequest`]), the code exchange and
//!   the ID token's verification.

mod claims;
mod discovery;
mod error;
mod exchange;
mod http;
mod settings;
mod tokens;

pub use discovery::{KEY_REFETCH_INTERVAL, OidcClient};
pub use error::OidcError;
pub use exchange::AuthorizationRequest;
pub use http::HTTP_TIMEOUT;
pub use settings::OidcSettings;
pub use tokens::ProviderClaims;
