//! The Pupil Premium Plus budget aggregate (`ppp-<la>-<financial year>` stream): the year's
//! budget and rules, requests against PEP targets, allocations, rejections and impact.

mod commands;
mod decide;
mod events;
mod instalments;
mod state;
#[cfg(test)]
mod tests;
mod types;

pub use commands::FundingCommand;
pub use decide::{FundingError, decide};
pub use events::FundingEvent;
pub use instalments::{Instalment, schedule};
pub use state::{BudgetRules, FundingState, PaymentState, RequestState, RequestStatus};
pub use types::{FinancialYear, FundingPolicy, PepSnapshot, ReleaseCondition, budget_stream_id};

/// The PP+ budget as a [`crate::event::Decider`].
#[derive(Debug, Clone, Copy, Default)]
pub struct FundingDecider;

impl crate::event::Decider for FundingDecider {
    type State = FundingState;
    type Command = FundingCommand;
    type Event = FundingEvent;
    type Error = FundingError;

    fn decide(
        state: &FundingState,
        command: FundingCommand,
    ) -> Result<Vec<FundingEvent>, FundingError> {
        decide(state, command)
    }

    fn evolve(state: FundingState, event: &FundingEvent) -> FundingState {
        state.evolve(event)
    }
}
