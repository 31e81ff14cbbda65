//! Placements that arrive before their child: a social care system may send an episode row
//! before the header row that registers the child, so the placement is kept in the log as
//! `waiting_for_child` rather than refused, and applied as soon as a child message registers
//! the child. This lives apart from the exactly-once application because it is the one path
//! where a message is applied long after it arrived, from the body the log kept.

use super::InboundHandler;
use super::record::{Refusal, child_state};
use crate::log::MessageStatus;
use crate::message::{InboundMessage, parse_message};
use crate::outcome::InboundOutcome;
use crate::schema::Feed;
use domain::ids::ChildId;
use sha2::{Digest, Sha256};

impl InboundHandler {
    /// Keeps a placement whose child is not registered yet, answering `WaitingForChild`; `None`
    /// when the child is registered and the placement can be applied now.
    pub(super) async fn park_until_child(
        &self,
        message: &InboundMessage,
        child_id: ChildId,
    ) -> Result<Option<InboundOutcome>, Refusal> {
        let state = child_state(&self.commands, child_id).await?;
        if state.registration.is_some() {
            return Ok(None);
        }
        self.log
            .set_status(
                &message.key.source_system,
                &message.key.message_id,
                MessageStatus::WaitingForChild,
                None,
                &[],
                self.clock.now(),
            )
            .await
            .map_err(|error| Refusal::Error(error.into()))?;
        // A child message may have registered the child while this one was being parked; look
        // again so the placement is not left waiting for nothing.
        let state = child_state(&self.commands, child_id).await?;
        if state.registration.is_some() {
            return Ok(None);
        }
        Ok(Some(InboundOutcome::WaitingForChild {
            child_id: child_id.as_uuid(),
        }))
    }

    /// Applies the placements that were waiting for this child, oldest first.
    pub(super) async fn release_waiting(
        &self,
        message: &InboundMessage,
        child_id: ChildId,
    ) -> Result<usize, Refusal> {
        let waiting = self
            .log
            .waiting_for_child(message.la.as_str(), &message.la_child_id)
            .await
            .map_err(|error| Refusal::Error(error.into()))?;
        let mut released = 0;
        for (_, _, body) in waiting {
            let Ok(placement) = parse_message(
                Feed::Placement,
                body.as_bytes(),
                message.la.as_str(),
                &self.code_lists,
            ) else {
                // It parsed when it arrived; only a change of code lists could refuse it now.
                // Leave it waiting and visible rather than drop it.
                continue;
            };
            let sha = hex::encode(Sha256::digest(body.as_bytes()));
            match Box::pin(self.apply(&placement, child_id, &sha)).await {
                Ok(_) => released += 1,
                Err(Refusal::Rule(reason)) => {
                    tracing::warn!(
                        source_system = %placement.key.source_system,
                        message_id = %placement.key.message_id,
                        reason = %reason.summary(),
                        "a placement that waited for its child was refused by the record"
                    );
                }
                Err(Refusal::Error(error)) => return Err(Refusal::Error(error)),
                Err(Refusal::AlreadyRegistered) => {}
            }
        }
        Ok(released)
    }
}
