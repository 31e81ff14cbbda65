//! The PP+ funding read model: requests, allocations and impact per child, school, LA and
//! financial year, with each LA-year's budget and per-child cap.
//!
//! Tables (amounts in pence, `BIGINT`):
//! - `funding_budgets`: one row per LA and financial year: `budget_pence`,
//!   `per_child_cap_pence`, `release_condition`, `impact_required` (0 or 1).
//! - `funding_requests`: one row per request: child, PEP, school, amount requested, purpose,
//!   intended outcome, `status` (`requested`, `allocated`, `rejected`), amount allocated,
//!   rejection reason, impact and their dates.
//! - `funding_request_targets`: the PEP targets each request is linked to.
//! - `funding_payments`: one row per instalment of an allocation: its term, due date and
//!   amount, and once paid the date and the finance system's reference (an allocation recorded
//!   before instalments existed is one instalment). Added after the other tables: a deployment
//!   upgraded from a version without it fills it for older allocations with
//!   `pep rebuild funding`.

mod export;
mod queries;

pub use export::remittance_csv;
pub use queries::{
    BudgetSummary, ChildFunding, FundingGrouping, FundingRequestFilter, FundingRequestRow,
    FundingTotals, PaymentRow, RemittanceLine, budget_summary, child_funding, funding_requests,
    funding_totals, remittance,
};

use crate::db::{date_text, to_sql_integer};
use crate::runtime::{ProjectionError, Projector, TableNames, decode_event};
use async_trait::async_trait;
use domain::envelope::RecordedEvent;
use domain::funding::{FinancialYear, FundingEvent, schedule};
use sqlx::AnyConnection;

const BUDGETS: &str = "funding_budgets";
const REQUESTS: &str = "funding_requests";
const REQUEST_TARGETS: &str = "funding_request_targets";
const PAYMENTS: &str = "funding_payments";

/// Request states stored in `funding_requests.status`.
pub const STATUS_REQUESTED: &str = "requested";
/// Money was allocated.
pub const STATUS_ALLOCATED: &str = "allocated";
/// The request was turned down.
pub const STATUS_REJECTED: &str = "rejected";

/// Builds the funding read model.
#[derive(Debug, Clone, Copy, Default)]
pub struct FundingProjector;

/// The LA and financial year of a budget stream `ppp-<la>-<yyyy-yy>`.
fn la_and_year(stream_id: &str) -> Option<(&str, &str)> {
    stream_id.strip_prefix("ppp-")?.split_once('-')
}

#[async_trait]
impl Projector for FundingProjector {
    fn name(&self) -> &'static str {
        "funding"
    }

    fn tables(&self) -> &'static [&'static str] {
        &[BUDGETS, REQUESTS, REQUEST_TARGETS, PAYMENTS]
    }

    fn create_tables(&self, tables: &TableNames) -> Vec<String> {
        let requests = tables.name(REQUESTS);
        vec![
            format!(
                "CREATE TABLE IF NOT EXISTS {} (\
                    la TEXT NOT NULL, \
                    financial_year TEXT NOT NULL, \
                    budget_pence BIGINT NOT NULL, \
                    per_child_cap_pence BIGINT NOT NULL, \
                    release_condition TEXT NOT NULL, \
                    impact_required BIGINT NOT NULL, \
                    PRIMARY KEY (la, financial_year))",
                tables.name(BUDGETS)
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {requests} (\
                    request_id TEXT PRIMARY KEY, \
                    la TEXT NOT NULL, \
                    financial_year TEXT NOT NULL, \
                    child_id TEXT NOT NULL, \
                    pep_id TEXT NOT NULL, \
                    school_urn TEXT, \
                    requested_pence BIGINT NOT NULL, \
                    purpose TEXT NOT NULL, \
                    intended_outcome TEXT NOT NULL, \
                    requested_on TEXT NOT NULL, \
                    status TEXT NOT NULL, \
                    allocated_pence BIGINT NOT NULL, \
                    allocated_on TEXT, \
                    rejected_reason TEXT, \
                    rejected_on TEXT, \
                    impact TEXT, \
                    impact_recorded_on TEXT, \
                    requested_position BIGINT NOT NULL)"
            ),
            format!(
                "CREATE INDEX IF NOT EXISTS {} ON {requests} (la, financial_year, child_id)",
                tables.index_name(REQUESTS, "by_child")
            ),
            format!(
                "CREATE INDEX IF NOT EXISTS {} ON {requests} (la, financial_year, school_urn)",
                tables.index_name(REQUESTS, "by_school")
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {} (\
                    request_id TEXT NOT NULL, \
                    target_id TEXT NOT NULL, \
                    PRIMARY KEY (request_id, target_id))",
                tables.name(REQUEST_TARGETS)
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {} (\
                    request_id TEXT NOT NULL, \
                    instalment BIGINT NOT NULL, \
                    la TEXT NOT NULL, \
                    financial_year TEXT NOT NULL, \
                    term TEXT NOT NULL, \
                    term_year BIGINT NOT NULL, \
                    due_on TEXT NOT NULL, \
                    amount_pence BIGINT NOT NULL, \
                    paid_on TEXT, \
                    reference TEXT, \
                    PRIMARY KEY (request_id, instalment))",
                tables.name(PAYMENTS)
            ),
            format!(
                "CREATE INDEX IF NOT EXISTS {} ON {} (la, financial_year, paid_on)",
                tables.index_name(PAYMENTS, "by_year"),
                tables.name(PAYMENTS)
            ),
        ]
    }

    async fn apply(
        &self,
        tx: &mut AnyConnection,
        tables: &TableNames,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError> {
        let Some(funding_event) = decode_event::<FundingEvent>(event)? else {
            return Ok(());
        };
        let Some((la, financial_year)) = la_and_year(&event.stream_id) else {
            return Ok(());
        };
        match funding_event {
            FundingEvent::BudgetSet {
                budget,
                per_child_cap,
                release_condition,
                impact_required_before_further_funding,
                ..
            } => {
                let release_condition = serde_json::to_value(release_condition)
                    .ok()
                    .and_then(|value| value.as_str().map(str::to_owned))
                    .unwrap_or_default();
                let table = tables.name(BUDGETS);
                // A revision replaces the year's figures; delete and insert is portable where
                // an upsert's syntax is not quite.
                sqlx::query(&format!(
                    "DELETE FROM {table} WHERE la = $1 AND financial_year = $2"
                ))
                .bind(la)
                .bind(financial_year)
                .execute(&mut *tx)
                .await?;
                sqlx::query(&format!(
                    "INSERT INTO {table} (la, financial_year, budget_pence, per_child_cap_pence, \
                     release_condition, impact_required) VALUES ($1, $2, $3, $4, $5, $6)"
                ))
                .bind(la)
                .bind(financial_year)
                .bind(budget.pence())
                .bind(per_child_cap.pence())
                .bind(release_condition)
                .bind(i64::from(impact_required_before_further_funding))
                .execute(&mut *tx)
                .await?;
            }
            FundingEvent::Requested {
                request_id,
                child_id,
                pep_id,
                school_urn,
                target_ids,
                amount,
                purpose,
                intended_outcome,
                requested_on,
            } => {
                sqlx::query(&format!(
                    "INSERT INTO {} (request_id, la, financial_year, child_id, pep_id, school_urn, \
                     requested_pence, purpose, intended_outcome, requested_on, status, \
                     allocated_pence, requested_position) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, $12)",
                    tables.name(REQUESTS)
                ))
                .bind(request_id.to_string())
                .bind(la)
                .bind(financial_year)
                .bind(child_id.to_string())
                .bind(pep_id.to_string())
                .bind(school_urn.as_ref().map(|urn| urn.to_string()))
                .bind(amount.pence())
                .bind(purpose)
                .bind(intended_outcome)
                .bind(date_text(requested_on))
                .bind(STATUS_REQUESTED)
                .bind(to_sql_integer(event.global_position)?)
                .execute(&mut *tx)
                .await?;
                let mut linked: Vec<String> = target_ids.iter().map(ToString::to_string).collect();
                linked.sort();
                linked.dedup();
                for target_id in linked {
                    sqlx::query(&format!(
                        "INSERT INTO {} (request_id, target_id) VALUES ($1, $2)",
                        tables.name(REQUEST_TARGETS)
                    ))
                    .bind(request_id.to_string())
                    .bind(target_id)
                    .execute(&mut *tx)
                    .await?;
                }
            }
            FundingEvent::Allocated {
                request_id,
                amount,
                allocated_on,
                instalments,
                ..
            } => {
                let instalments = if instalments.is_empty() {
                    let year = financial_year.parse::<FinancialYear>().map_err(|error| {
                        ProjectionError::BadStoredValue {
                            value: event.stream_id.clone(),
                            reason: error.to_string(),
                        }
                    })?;
                    schedule(amount, allocated_on, year, 1)
                } else {
                    instalments
                };
                for instalment in instalments {
                    sqlx::query(&format!(
                        "INSERT INTO {} (request_id, instalment, la, financial_year, term, \
                         term_year, due_on, amount_pence) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        tables.name(PAYMENTS)
                    ))
                    .bind(request_id.to_string())
                    .bind(i64::from(instalment.number))
                    .bind(la)
                    .bind(financial_year)
                    .bind(instalment.term.to_string())
                    .bind(i64::from(instalment.year))
                    .bind(date_text(instalment.due_on))
                    .bind(instalment.amount.pence())
                    .execute(&mut *tx)
                    .await?;
                }
                sqlx::query(&format!(
                    "UPDATE {} SET status = $2, allocated_pence = $3, allocated_on = $4 \
                     WHERE request_id = $1",
                    tables.name(REQUESTS)
                ))
                .bind(request_id.to_string())
                .bind(STATUS_ALLOCATED)
                .bind(amount.pence())
                .bind(date_text(allocated_on))
                .execute(&mut *tx)
                .await?;
            }
            FundingEvent::Rejected {
                request_id,
                reason,
                rejected_on,
            } => {
                sqlx::query(&format!(
                    "UPDATE {} SET status = $2, rejected_reason = $3, rejected_on = $4 \
                     WHERE request_id = $1",
                    tables.name(REQUESTS)
                ))
                .bind(request_id.to_string())
                .bind(STATUS_REJECTED)
                .bind(reason)
                .bind(date_text(rejected_on))
                .execute(&mut *tx)
                .await?;
            }
            FundingEvent::Paid {
                request_id,
                instalment,
                paid_on,
                reference,
                ..
            } => {
                sqlx::query(&format!(
                    "UPDATE {} SET paid_on = $3, reference = $4 \
                     WHERE request_id = $1 AND instalment = $2",
                    tables.name(PAYMENTS)
                ))
                .bind(request_id.to_string())
                .bind(i64::from(instalment))
                .bind(date_text(paid_on))
                .bind(reference)
                .execute(&mut *tx)
                .await?;
            }
            FundingEvent::ImpactRecorded {
                request_id,
                impact,
                recorded_on,
            } => {
                sqlx::query(&format!(
                    "UPDATE {} SET impact = $2, impact_recorded_on = $3 WHERE request_id = $1",
                    tables.name(REQUESTS)
                ))
                .bind(request_id.to_string())
                .bind(impact)
                .bind(date_text(recorded_on))
                .execute(&mut *tx)
                .await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_streams_name_their_la_and_year() {
        assert_eq!(la_and_year("ppp-831-2024-25"), Some(("831", "2024-25")));
        assert_eq!(la_and_year("child-831"), None);
    }
}
