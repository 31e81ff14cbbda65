//! The HTTP API's tests, one binary of modules, each app on a fresh SQLite file or PostgreSQL
//! database: command flows, the authorisation matrix, bad input, idempotency and versions,
//! operations (health, readiness, metrics, OpenAPI, tokens), relay and projector lag on
//! `/metrics`, the access log, and outages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access_log;
mod auth_matrix;
mod bad_input;
mod fixtures;
mod flow;
mod idempotency;
mod lag_metrics;
mod notices;
mod operations;
mod support;
mod unavailable;
