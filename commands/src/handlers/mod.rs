//! Command handlers: load the streams a command touches, let the pure deciders decide, and
//! append the result atomically, retrying a bounded number of times when another writer got
//! there first.
//!
//! What happens on each failure, for every write path here:
//! - **Bad input or a broken rule**: the decider refuses it; nothing is written
//!   ([`HandleError::Rejected`]).
//! - **A concurrent writer**: the append reports a conflict; without an `If-Match` version the
//!   handler reloads and decides again (up to [`CommandHandler::max_attempts`]); with one, the
//!   caller's view is stale and the conflict is returned with the current version.
//! - **A retried request** (same idempotency key): answered from the first attempt's stored
//!   outcome before anything is decided; a different request under the same key is refused.
//! - **Database down or restarted**: [`HandleError::Unavailable`]; nothing was written, and a
//!   retry with the same idempotency key is safe.
//! - **A crash mid-command**: the append is one transaction, so either every event of the
//!   command is stored or none is.

mod context;
mod execute;
mod pep_lifecycle;

pub use context::{CommandContext, CommandOutcome, HandleError};
pub use execute::CommandHandler;
pub use pep_lifecycle::{FundingAllocation, FundingRequest};
