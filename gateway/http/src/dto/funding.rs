//! Request bodies of the PP+ budget's commands. Money is whole pence or pounds text, never a
//! JSON fraction.

use super::values::{self, ApiDate, ApiMoney};
use crate::command::CommandEnv;
use commands::handlers::FundingRequest;
use domain::funding::{FinancialYear, FundingCommand, ReleaseCondition};
use domain::ids::{FundingRequestId, PepId, TargetId};
use domain::values::{LaCode, SchoolUrn};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

fn date_or_today(date: Option<ApiDate>, env: &CommandEnv<'_>) -> chrono::NaiveDate {
    date.map_or(env.today, |date| date.0)
}

/// `PUT /funding/{la}/{financial_year}/budget`: the year's budget and rules.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetBudgetBody {
    /// Money available for the year.
    pub budget: ApiMoney,
    /// The most one child may receive in the year.
    pub per_child_cap: ApiMoney,
    /// The PEP state a request needs.
    #[schema(schema_with = values::release_condition)]
    pub release_condition: ReleaseCondition,
    /// Whether earlier funding's impact must be recorded before more is requested.
    pub impact_required_before_further_funding: bool,
}

impl SetBudgetBody {
    /// The command.
    pub fn into_command(self, la: LaCode, financial_year: FinancialYear) -> FundingCommand {
        FundingCommand::SetBudget {
            la,
            financial_year,
            budget: self.budget.0,
            per_child_cap: self.per_child_cap.0,
            release_condition: self.release_condition,
            impact_required_before_further_funding: self.impact_required_before_further_funding,
        }
    }
}

/// `POST /funding/{la}/{financial_year}/requests`: ask for PP+ against a PEP's targets.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestFundingBody {
    /// The PEP the request is made against.
    pub pep_id: Uuid,
    /// The school asking.
    #[serde(default)]
    #[schema(schema_with = values::school_urn)]
    pub school_urn: Option<SchoolUrn>,
    /// Targets of that PEP the money serves.
    pub target_ids: Vec<Uuid>,
    /// Amount asked for.
    pub amount: ApiMoney,
    /// What it pays for.
    pub purpose: String,
    /// The intended outcome.
    pub intended_outcome: String,
    /// When asked; today when left out.
    #[serde(default)]
    pub requested_on: Option<ApiDate>,
}

impl RequestFundingBody {
    /// The request, for an id made at the edge.
    pub fn into_request(
        self,
        request_id: FundingRequestId,
        env: &CommandEnv<'_>,
    ) -> FundingRequest {
        FundingRequest {
            request_id,
            pep_id: PepId::from_uuid(self.pep_id),
            school_urn: self.school_urn,
            target_ids: self
                .target_ids
                .into_iter()
                .map(TargetId::from_uuid)
                .collect(),
            amount: self.amount.0,
            purpose: self.purpose.trim().to_owned(),
            intended_outcome: self.intended_outcome.trim().to_owned(),
            requested_on: date_or_today(self.requested_on, env),
        }
    }
}

/// `POST /funding/{la}/{financial_year}/requests/{request_id}/allocate`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllocateFundingBody {
    /// Amount allocated (at most what was asked for).
    pub amount: ApiMoney,
    /// When; today when left out.
    #[serde(default)]
    pub allocated_on: Option<ApiDate>,
}

impl AllocateFundingBody {
    /// The command.
    pub fn into_command(
        self,
        request_id: FundingRequestId,
        env: &CommandEnv<'_>,
    ) -> FundingCommand {
        FundingCommand::Allocate {
            request_id,
            amount: self.amount.0,
            allocated_on: date_or_today(self.allocated_on, env),
        }
    }
}

/// `POST /funding/{la}/{financial_year}/requests/{request_id}/reject`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectFundingBody {
    /// Why.
    pub reason: String,
    /// When; today when left out.
    #[serde(default)]
    pub rejected_on: Option<ApiDate>,
}

impl RejectFundingBody {
    /// The command.
    pub fn into_command(
        self,
        request_id: FundingRequestId,
        env: &CommandEnv<'_>,
    ) -> FundingCommand {
        FundingCommand::Reject {
            request_id,
            reason: self.reason.trim().to_owned(),
            rejected_on: date_or_today(self.rejected_on, env),
        }
    }
}

/// `POST /funding/{la}/{financial_year}/requests/{request_id}/impact`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordImpactBody {
    /// What the money achieved.
    pub impact: String,
    /// When; today when left out.
    #[serde(default)]
    pub recorded_on: Option<ApiDate>,
}

impl RecordImpactBody {
    /// The command.
    pub fn into_command(
        self,
        request_id: FundingRequestId,
        env: &CommandEnv<'_>,
    ) -> FundingCommand {
        FundingCommand::RecordImpact {
            request_id,
            impact: self.impact.trim().to_owned(),
            recorded_on: date_or_today(self.recorded_on, env),
        }
    }
}
