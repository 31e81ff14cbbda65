//! Request bodies of the PP+ budget's commands. Money is whole pence or pounds text, never a
//! JSON fraction.

use super::values::{self, ApiDate, ApiMoney};
use crate::command::CommandEnv;
use crate::problem::ApiError;
use commands::handlers::{FundingAllocation, FundingRequest};
use domain::funding::{FinancialYear, FundingCommand, FundingPolicy, ReleaseCondition};
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
    /// The most one child may receive in the year. The LA's policy sets it: leave it out, or
    /// give the policy's value (another value is refused).
    #[serde(default)]
    pub per_child_cap: Option<ApiMoney>,
    /// The PEP state a request needs. The LA's policy sets it, as `per_child_cap`.
    #[serde(default)]
    #[schema(schema_with = values::release_condition)]
    pub release_condition: Option<ReleaseCondition>,
    /// Whether earlier funding's impact must be recorded before more is requested. The LA's
    /// policy sets it, as `per_child_cap`.
    #[serde(default)]
    pub impact_required_before_further_funding: Option<bool>,
}

impl SetBudgetBody {
    /// The command, with the rules taken from `policy`. A rule the body gives that differs from
    /// the policy is refused, naming the field and the policy's value: the rules are the LA's,
    /// not the caller's.
    pub fn into_command(
        self,
        la: LaCode,
        financial_year: FinancialYear,
        policy: &FundingPolicy,
    ) -> Result<FundingCommand, ApiError> {
        let differs = |field: &'static str, given: String, policy_value: String| {
            ApiError::field(
                field,
                format!(
                    "the LA's policy ({}) sets this to {policy_value}; leave it out or give that value, not {given}",
                    policy.policy_name
                ),
            )
        };
        if let Some(cap) = self.per_child_cap
            && cap.0 != policy.per_child_cap
        {
            return Err(differs(
                "per_child_cap",
                cap.0.to_string(),
                policy.per_child_cap.to_string(),
            ));
        }
        if let Some(condition) = self.release_condition
            && condition != policy.release_condition
        {
            return Err(differs(
                "release_condition",
                wire_name(condition),
                wire_name(policy.release_condition),
            ));
        }
        if let Some(required) = self.impact_required_before_further_funding
            && required != policy.impact_required_before_further_funding
        {
            return Err(differs(
                "impact_required_before_further_funding",
                required.to_string(),
                policy.impact_required_before_further_funding.to_string(),
            ));
        }
        Ok(FundingCommand::SetBudget {
            la,
            financial_year,
            budget: self.budget.0,
            per_child_cap: policy.per_child_cap,
            release_condition: policy.release_condition,
            impact_required_before_further_funding: policy.impact_required_before_further_funding,
        })
    }
}

/// A release condition as the API writes it (`quality_assured`).
fn wire_name(condition: ReleaseCondition) -> String {
    serde_json::to_value(condition)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{condition:?}"))
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
    /// The allocation; the handler adds the PEP as it stands and the policy's rules.
    pub fn into_allocation(
        self,
        request_id: FundingRequestId,
        env: &CommandEnv<'_>,
    ) -> FundingAllocation {
        FundingAllocation {
            request_id,
            amount: self.amount.0,
            allocated_on: date_or_today(self.allocated_on, env),
        }
    }
}

/// `POST /funding/{la}/{financial_year}/requests/{request_id}/payments`: an instalment paid.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordPaymentBody {
    /// Which instalment of the allocation (1, 2 or 3), as the request's payment schedule lists.
    pub instalment: u8,
    /// The finance system's payment or remittance reference.
    pub reference: String,
    /// When paid; today when left out.
    #[serde(default)]
    pub paid_on: Option<ApiDate>,
}

impl RecordPaymentBody {
    /// The command.
    pub fn into_command(
        self,
        request_id: FundingRequestId,
        env: &CommandEnv<'_>,
    ) -> FundingCommand {
        FundingCommand::RecordPayment {
            request_id,
            instalment: self.instalment,
            paid_on: date_or_today(self.paid_on, env),
            reference: self.reference.trim().to_owned(),
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
