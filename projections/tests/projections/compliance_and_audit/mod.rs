//! Integration tests of the compliance read model and the audit tools, with histories made
//! through the real command handler and a manual clock on the store. They live in the
//! projections binary so the crate links one test executable, and they use its `support`,
//! `fixtures` and `generator`.

mod bitemporal;
mod cache;
mod export;
mod history;
mod monthly;
mod queries;
mod rebuild;
mod rows;
mod statuses;
