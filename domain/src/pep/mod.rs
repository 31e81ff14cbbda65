//! The PEP document aggregate (`pep-<uuid>` stream): sections and who owns them, meetings,
//! the child's views, SMART targets and their reviews, actions, and the submit / return /
//! quality-assure / sign-off workflow. A signed-off PEP never changes again.

mod commands;
mod decide;
mod events;
mod readiness;
mod state;
#[cfg(test)]
mod tests;
mod types;

pub use commands::PepCommand;
pub use decide::{PepError, WorkflowStep, decide};
pub use events::PepEvent;
pub use state::{
    ActionState, MeetingState, PepHeader, PepState, ReviewRecord, SectionState, TargetState,
    Workflow,
};
pub use types::{
    AttachmentRef, Attendee, PepKind, PepSection, PepStatus, PepTrigger, QaRating, TargetHorizon,
    TargetOutcome, TargetSummary,
};

/// The PEP document as a [`crate::event::Decider`].
#[derive(Debug, Clone, Copy, Default)]
pub struct PepDecider;

impl crate::event::Decider for PepDecider {
    type State = PepState;
    type Command = PepCommand;
    type Event = PepEvent;
    type Error = PepError;

    fn decide(state: &PepState, command: PepCommand) -> Result<Vec<PepEvent>, PepError> {
        decide(state, command)
    }

    fn evolve(state: PepState, event: &PepEvent) -> PepState {
        state.evolve(event)
    }
}
