//! Read models built by projectors from the event log.
//!
//! A tour of the modules:
//!
//! - [`db`]: the read database (`sqlx::AnyPool` over PostgreSQL or SQLite) and the portable
//!   text forms of dates and timestamps.
//! - [`runtime`]: the [`runtime::Projector`] trait, the [`runtime::EventLog`] it reads from,
//!   the exactly-once [`runtime::ProjectorRunner`], lag, and the shadow-table rebuild with its
//!   checksum compare.
//! - [`chronology`]: every education-relevant event per child, in occurred order, with CSV and
//!   JSON export.
//! - [`funding`]: PP+ requests, allocations and impact per child, school, LA and year.
//! - [`notices`]: IRO notices to deliver and their delivery state.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod audit;
pub mod chronology;
pub mod compliance;
pub mod db;
pub mod funding;
pub mod notices;
pub mod runtime;
