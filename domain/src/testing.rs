//! A given/when/then harness for deciders, so each business rule reads as one scenario:
//! `given(history).when(command).then(events)` or `.then_error(error)`.
//!
//! It lives in the library (not behind `cfg(test)`) so that the command handlers' tests in
//! other crates can describe their histories the same way.

use crate::event::Decider;
use std::fmt::Debug;

/// A history of events on one stream, waiting for a command.
#[derive(Debug)]
pub struct Given<D: Decider> {
    history: Vec<D::Event>,
}

/// Starts a scenario from a history of events.
pub fn given<D: Decider>(history: impl IntoIterator<Item = D::Event>) -> Given<D> {
    Given {
        history: history.into_iter().collect(),
    }
}

impl<D: Decider> Given<D> {
    /// Decides `command` against the state folded from the history.
    pub fn when(self, command: D::Command) -> Then<D> {
        let state = D::replay(&self.history);
        let outcome = D::decide(&state, command);
        Then { state, outcome }
    }
}

/// The outcome of a scenario, to be checked.
#[derive(Debug)]
pub struct Then<D: Decider> {
    state: D::State,
    outcome: Result<Vec<D::Event>, D::Error>,
}

impl<D: Decider> Then<D>
where
    D::Event: PartialEq + Debug,
{
    /// Asserts the command produced exactly these events, in order; returns the new state.
    #[track_caller]
    pub fn then(self, expected: impl IntoIterator<Item = D::Event>) -> D::State {
        let expected: Vec<D::Event> = expected.into_iter().collect();
        match self.outcome {
            Ok(events) => {
                assert_eq!(events, expected, "the command produced other events");
                events.iter().fold(self.state, D::evolve)
            }
            Err(error) => {
                panic!("expected events {expected:?}, but the command was refused: {error}")
            }
        }
    }

    /// Asserts the command was refused with exactly this error.
    #[track_caller]
    pub fn then_error(self, expected: D::Error) {
        match self.outcome {
            Ok(events) => {
                panic!("expected the error {expected:?}, but the command produced {events:?}")
            }
            Err(error) => assert_eq!(error, expected),
        }
    }

    /// Returns the raw outcome for checks the other methods do not cover.
    pub fn outcome(self) -> Result<Vec<D::Event>, D::Error> {
        self.outcome
    }
}
