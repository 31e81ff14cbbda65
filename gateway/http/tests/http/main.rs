//! The HTTP API's tests, one binary of modules, each app on a fresh SQLite file or PostgreSQL
//! database: command flows, the authorisation matrix, bad input, idempotency and versions,
//! operations (health, readiness, metrics, OpenAPI, tokens), keys from a JWKS URL, relay and
//! projector lag on `/metrics`, the access log, sharing a record with another LA, outages, and
//! the layers around every request (panics, timeouts, body bound, compression, `/api/docs`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access_log;
mod attachments;
mod auth_matrix;
mod bad_input;
mod child_funding;
mod cohort_access_log;
mod compliance_summary;
mod fixtures;
mod flow;
mod idempotency;
mod jwks_url;
mod lag_metrics;
mod middleware;
mod notices;
mod operations;
mod pep_pdf;
mod pp_plus_rules;
mod section_conflict;
mod sharing;
mod sharing_failures;
mod support;
mod unavailable;
