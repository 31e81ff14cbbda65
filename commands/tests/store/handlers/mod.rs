//! Integration tests of the command handlers and the process manager against real PostgreSQL
//! and a SQLite file: idempotency, stale versions, races, multi-stream atomicity, and the
//! reactions that follow a placement or school change. They live in the store's binary so the
//! crate links one test executable, and they share its `support`.

mod commands_on_streams;
mod fixtures;
mod pep_lifecycle;
mod process_manager;
