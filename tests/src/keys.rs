//! The test suite's signing keys (`tests/keys/`), for tokens signed as an identity provider
//! would: an RSA key for RS256 and a P-256 key for ES256, and a second RSA key that no key set
//! publishes, for tokens signed by someone else. Test keys only, never deployed.

/// The RSA private key (PEM).
pub const RSA_PEM: &[u8] = include_bytes!("../keys/rsa.pem");
/// Another RSA private key (PEM), published by no test's key set: a forger's.
pub const OTHER_RSA_PEM: &[u8] = include_bytes!("../keys/rsa-other.pem");
/// The P-256 private key (PEM).
pub const EC_PEM: &[u8] = include_bytes!("../keys/ec.pem");
