//! PEP Ledger's pure core.
//!
//! Everything here is deterministic: no IO, no async, no clock, no id generation. Time, ids and
//! reference data (bank holidays, term dates, LA policy, SSDA903 code lists) come in as
//! arguments, so every decision can be replayed and tested exactly.
//!
//! A tour of the modules:
//!
//! - [`ids`] and [`actor`]: typed identifiers and who did something.
//! - [`values`]: value types that parse rather than validate (UPN, LA code, URN, money).
//! - [`ssda903`]: the SSDA903 code lists, versioned by collection year, as data.
//! - [`calendar`]: bank holidays, working and school days, terms, year group and key stage.
//! - [`policy`]: one local authority's rules (deadlines, review frequency, PP+), as data.
//! - [`compliance`]: a child's due dates and their status on a given day.
//! - [`event`]: what every domain event has in common (stable type string, schema version).
//! - [`envelope`]: the metadata the log keeps around every event (ids, positions, both times,
//!   actor, hash chain), shared by writers and readers.
//! - [`child`], [`pep`], [`funding`]: the three aggregates, each with its commands, events,
//!   `decide` and `evolve`.
//! - [`testing`]: the given/when/then harness the deciders are tested with.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod actor;
pub mod calendar;
pub mod child;
pub mod compliance;
pub mod envelope;
pub mod event;
pub mod funding;
pub mod ids;
pub mod pep;
pub mod policy;
pub mod ssda903;
pub mod testing;
pub mod values;

pub use actor::{Actor, PersonRef, Role};

/// A business rule refused a command, whichever aggregate it belongs to.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DomainError {
    /// The child record refused it.
    #[error(transparent)]
    Child(#[from] child::ChildError),
    /// The PEP refused it.
    #[error(transparent)]
    Pep(#[from] pep::PepError),
    /// The PP+ budget refused it.
    #[error(transparent)]
    Funding(#[from] funding::FundingError),
}
