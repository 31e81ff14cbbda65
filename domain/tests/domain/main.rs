//! The domain's integration tests, one binary made of modules so the crate links one test
//! executable instead of five. They use only the crate's public API.
//!
//! - `calendar_properties`: randomised checks of working days, school days and year groups
//!   against naive day-by-day counts, with the real gov.uk bank holidays.
//! - `event_encoding`: every event type survives the store's (type, version, payload) form and
//!   keeps a stable type string and shape.
//! - `replay_properties`: replaying accepted events rebuilds the decider's state, episode rows
//!   fold the same in any order, and no PP+ command sequence breaks the cap or the budget.
//! - `scenario_compliance_today`: one child's compliance judged either side of the end of the
//!   spring term 2025, across Easter.
//! - `scenario_initial_pep`: initial-PEP due dates worked out by hand around bank holidays,
//!   under working-day and school-day policies.
//! - `support`: the date helper and the real-bank-holiday calendar the scenarios share.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod calendar_properties;
mod event_encoding;
mod replay_properties;
mod scenario_compliance_today;
mod scenario_initial_pep;
