//! Databases as older releases left them, for the tests that upgrade one in place.

/// The gateway's tables as the code before versioned migrations created them, on PostgreSQL.
pub const GATEWAY_TABLES_POSTGRES: &str =
    include_str!("../fixtures/legacy-gateway-tables-postgres.sql");
/// The same, on SQLite.
pub const GATEWAY_TABLES_SQLITE: &str =
    include_str!("../fixtures/legacy-gateway-tables-sqlite.sql");
