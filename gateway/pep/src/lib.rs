//! The `pep` binary's library half: the command-line subcommands and the wiring of `pep serve`,
//! callable from tests without going through the command line.
//!
//! A tour of the modules:
//!
//! - [`serve`]: `pep serve`, configuration from flags and environment, and the wiring of every
//!   role (API, relay, projectors, process manager, inbound feeds, notices) into one process.
//! - [`admin`]: `pep migrate`, `pep rebuild`, `pep audit` and `pep import 903`
//!   (`docs/operations.md`).
//! - [`demo`]: `pep seed-demo` and `pep serve --demo`: a synthetic cohort for LA 831.
//! - [`relay_cli`]: `pep relay`, the relay alone.
//! - [`token`]: `pep token issue`, which prints a development token.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod admin;
pub mod demo;
pub mod relay_cli;
pub mod serve;
pub mod token;
