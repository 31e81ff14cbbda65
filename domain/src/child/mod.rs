//! The child record aggregate (`child-<uuid>` stream): identity, care episodes and placements
//! (SSDA903), education settings, the people around the child, education facts, and which PEP
//! is open, and which other LAs the placing LA shares the record with. It enforces "one open
//! PEP per child at a time", and says what each of its events calls for elsewhere (a PEP to
//! open, an IRO to tell: `reactions_to`), which the process manager carries out.

mod commands;
mod decide;
mod episode;
mod error;
mod events;
mod notice_recipients;
mod reactions;
mod sharing;
#[cfg(test)]
mod sharing_tests;
mod state;
#[cfg(test)]
mod tests;

pub use commands::ChildCommand;
pub use decide::decide;
pub use episode::{EpisodeChange, EpisodeError, REASON_CEASED_CONTINUES, Ssda903Episode};
pub use error::ChildError;
pub use events::{
    AssignedRole, ChildDetails, ChildEvent, EducationSetting, ExclusionKind, LeavingReason,
    NoticeReason, SenProvision, Sex,
};
pub use notice_recipients::{NoticeAddressee, notice_addressees};
pub use reactions::{Reaction, reactions_to};
pub use state::{ChildState, DataQualityIssue, Registration, SettingSpell};

/// The child record as a [`crate::event::Decider`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ChildDecider;

impl crate::event::Decider for ChildDecider {
    type State = ChildState;
    type Command = ChildCommand;
    type Event = ChildEvent;
    type Error = ChildError;

    fn decide(state: &ChildState, command: ChildCommand) -> Result<Vec<ChildEvent>, ChildError> {
        decide(state, command)
    }

    fn evolve(state: ChildState, event: &ChildEvent) -> ChildState {
        state.evolve(event)
    }
}
