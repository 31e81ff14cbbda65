//! The test suite's signing keys (`tests/keys/`), for tokens signed as an identity provider
//! would: an RSA key for RS256 and a P-256 key for ES256. Test keys only, never deployed.

/// The RSA private key (PEM).
pub const RSA_PEM: &[u8] = include_bytes!("../keys/rsa.pem");
/// The P-256 private key (PEM).
pub const EC_PEM: &[u8] = include_bytes!("../keys/ec.pem");
