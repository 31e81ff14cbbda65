//! Request bodies for sharing a child's record with another LA and ending it, and how each
//! becomes a [`ChildCommand`].

use super::values::{self, ApiDate};
use crate::command::CommandEnv;
use domain::child::ChildCommand;
use domain::values::LaCode;
use serde::Deserialize;
use utoipa::ToSchema;

/// `POST /children/{child_id}/sharing`: share the record with another LA.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareRecordBody {
    /// The LA to share the record with (where the child is placed); never the child's own.
    #[schema(schema_with = values::la_code)]
    pub la: LaCode,
    /// Why, for the record and for the other LA.
    pub reason: String,
    /// From when; today when left out.
    #[serde(default)]
    pub shared_on: Option<ApiDate>,
}

impl ShareRecordBody {
    /// The command.
    pub fn into_command(self, env: &CommandEnv<'_>) -> ChildCommand {
        ChildCommand::ShareRecord {
            with_la: self.la,
            reason: self.reason.trim().to_owned(),
            shared_on: self.shared_on.map_or(env.today, |date| date.0),
        }
    }
}

/// `POST /children/{child_id}/sharing/{la}/end`: stop sharing the record with an LA.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndSharingBody {
    /// From when; today when left out.
    #[serde(default)]
    pub ended_on: Option<ApiDate>,
}

impl EndSharingBody {
    /// The command, for the LA named in the path.
    pub fn into_command(self, with_la: LaCode, env: &CommandEnv<'_>) -> ChildCommand {
        ChildCommand::EndSharing {
            with_la,
            ended_on: self.ended_on.map_or(env.today, |date| date.0),
        }
    }
}
