//! Request bodies of the PEP's workflow steps. The acting person comes from the token; dates
//! left out default to today.

use super::peps::{date_or_today, non_blank, trimmed};
use super::values::{self, ApiDate};
use crate::command::CommandEnv;
use domain::pep::{PepCommand, QaRating};
use serde::Deserialize;
use utoipa::ToSchema;

/// `POST /peps/{pep_id}/submit`.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitPepBody {
    /// When; today when left out.
    #[serde(default)]
    pub submitted_on: Option<ApiDate>,
}

/// `POST /peps/{pep_id}/return`: send back for improvement.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnPepBody {
    /// Why.
    pub reason: String,
    /// When; today when left out.
    #[serde(default)]
    pub returned_on: Option<ApiDate>,
}

/// `POST /peps/{pep_id}/quality-assurance`: rate the PEP.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QualityAssurePepBody {
    /// The rating.
    #[schema(schema_with = values::qa_rating)]
    pub rating: QaRating,
    /// Comments.
    #[serde(default)]
    pub comments: Option<String>,
    /// When; today when left out.
    #[serde(default)]
    pub assured_on: Option<ApiDate>,
}

/// `POST /peps/{pep_id}/sign-off`: the PEP is complete.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOffPepBody {
    /// The signatory's name, for the record.
    pub by_name: String,
    /// When; today when left out.
    #[serde(default)]
    pub signed_off_on: Option<ApiDate>,
}

/// `POST /peps/{pep_id}/withdraw`: close without completing.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawPepBody {
    /// Why.
    pub reason: String,
    /// When; today when left out.
    #[serde(default)]
    pub withdrawn_on: Option<ApiDate>,
}

impl SubmitPepBody {
    /// The command.
    pub fn into_command(self, env: &CommandEnv<'_>) -> PepCommand {
        PepCommand::Submit {
            by: env.actor.clone(),
            submitted_on: date_or_today(self.submitted_on, env),
        }
    }
}

impl ReturnPepBody {
    /// The command.
    pub fn into_command(self, env: &CommandEnv<'_>) -> PepCommand {
        PepCommand::Return {
            by: env.actor.clone(),
            returned_on: date_or_today(self.returned_on, env),
            reason: trimmed(self.reason),
        }
    }
}

impl QualityAssurePepBody {
    /// The command.
    pub fn into_command(self, env: &CommandEnv<'_>) -> PepCommand {
        PepCommand::QualityAssure {
            by: env.actor.clone(),
            assured_on: date_or_today(self.assured_on, env),
            rating: self.rating,
            comments: non_blank(self.comments),
        }
    }
}

impl SignOffPepBody {
    /// The command.
    pub fn into_command(self, env: &CommandEnv<'_>) -> PepCommand {
        PepCommand::SignOff {
            by: env.actor.clone(),
            by_name: trimmed(self.by_name),
            signed_off_on: date_or_today(self.signed_off_on, env),
        }
    }
}

impl WithdrawPepBody {
    /// The command.
    pub fn into_command(self, env: &CommandEnv<'_>) -> PepCommand {
        PepCommand::Withdraw {
            by: env.actor.clone(),
            withdrawn_on: date_or_today(self.withdrawn_on, env),
            reason: trimmed(self.reason),
        }
    }
}
