//! Reading the funding model: totals by child, school or LA, the budget position, and the
//! requests with their linked targets and impact.

use super::{BUDGETS, PAYMENTS, REQUEST_TARGETS, REQUESTS, STATUS_ALLOCATED, STATUS_REQUESTED};
use crate::db::{ReadDatabase, parse_date};
use crate::runtime::ProjectionError;
use chrono::NaiveDate;
use domain::funding::FinancialYear;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::BTreeMap;

/// How to group totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FundingGrouping {
    /// One row per child.
    Child,
    /// One row per school (requests without a school under the key `""`).
    School,
    /// One row for the LA.
    La,
}

/// Totals for one group in one LA and financial year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundingTotals {
    /// The child id, school URN or LA code.
    pub key: String,
    /// Requests made.
    pub requests: u64,
    /// Sum of every amount asked for, in pence.
    pub requested_pence: i64,
    /// Sum asked for by requests not yet decided.
    pub pending_pence: i64,
    /// Sum allocated.
    pub allocated_pence: i64,
    /// Requests turned down.
    pub rejected_requests: u64,
    /// Allocated requests whose impact is recorded.
    pub impact_recorded: u64,
    /// Allocated requests whose impact is not recorded yet.
    pub impact_missing: u64,
    /// For a child: the per-child cap minus what is allocated (negative would mean an
    /// over-allocation, which the budget's rules refuse). `None` for other groupings or
    /// without a budget.
    pub remaining_against_cap_pence: Option<i64>,
}

/// One LA-year's budget position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BudgetSummary {
    /// The LA.
    pub la: String,
    /// The financial year (`2024-25`).
    pub financial_year: String,
    /// The budget, in pence.
    pub budget_pence: i64,
    /// The per-child cap.
    pub per_child_cap_pence: i64,
    /// The PEP state a request needs (`submitted`, `quality_assured`, `signed_off`).
    pub release_condition: String,
    /// Whether impact must be recorded before a child gets more.
    pub impact_required_before_further_funding: bool,
    /// Allocated so far.
    pub allocated_pence: i64,
    /// Budget minus allocated.
    pub remaining_budget_pence: i64,
    /// Asked for and not yet decided.
    pub pending_pence: i64,
    /// Paid out to schools so far.
    pub paid_pence: i64,
    /// Allocated and not yet paid: the instalments still to come.
    pub committed_pence: i64,
}

/// One instalment of an allocation: when it is due and, once paid, when and under which
/// finance reference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentRow {
    /// The request it pays.
    pub request_id: String,
    /// 1 for the first instalment.
    pub instalment: u8,
    /// `summer`, `autumn` or `spring`.
    pub term: String,
    /// The calendar year of that term.
    pub term_year: i32,
    /// When it falls due.
    pub due_on: NaiveDate,
    /// Amount, pence.
    pub amount_pence: i64,
    /// When paid.
    pub paid_on: Option<NaiveDate>,
    /// The finance system's reference.
    pub reference: Option<String>,
}

/// A paid instalment as a school's remittance lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemittanceLine {
    /// The school paid.
    pub school_urn: Option<String>,
    /// The child the money is for.
    pub child_id: String,
    /// What it pays for.
    pub purpose: String,
    /// The instalment.
    #[serde(flatten)]
    pub payment: PaymentRow,
}

/// Which requests to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FundingRequestFilter {
    /// The LA (required: tenancy).
    pub la: String,
    /// One financial year, or all.
    pub financial_year: Option<FinancialYear>,
    /// One child.
    pub child_id: Option<String>,
    /// One school.
    pub school_urn: Option<String>,
    /// Only allocated requests whose impact is not recorded.
    pub impact_missing_only: bool,
}

/// One request as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FundingRequestRow {
    /// The request.
    pub request_id: String,
    /// The LA.
    pub la: String,
    /// The financial year.
    pub financial_year: String,
    /// The child.
    pub child_id: String,
    /// The PEP it was made against.
    pub pep_id: String,
    /// The school asking.
    pub school_urn: Option<String>,
    /// Amount asked for, pence.
    pub requested_pence: i64,
    /// What it pays for.
    pub purpose: String,
    /// The outcome intended.
    pub intended_outcome: String,
    /// Date asked.
    pub requested_on: NaiveDate,
    /// `requested`, `allocated` or `rejected`.
    pub status: String,
    /// Amount allocated (0 unless allocated).
    pub allocated_pence: i64,
    /// Date allocated.
    pub allocated_on: Option<NaiveDate>,
    /// Why it was turned down.
    pub rejected_reason: Option<String>,
    /// Date turned down.
    pub rejected_on: Option<NaiveDate>,
    /// What it achieved.
    pub impact: Option<String>,
    /// Date the impact was recorded.
    pub impact_recorded_on: Option<NaiveDate>,
    /// True when allocated and the impact is not recorded.
    pub impact_missing: bool,
    /// The PEP targets it is linked to, sorted.
    pub target_ids: Vec<String>,
    /// Its instalments, in order (empty unless allocated).
    pub payments: Vec<PaymentRow>,
}

/// Totals for one LA and financial year, grouped as asked, sorted by key.
pub async fn funding_totals(
    database: &ReadDatabase,
    la: &str,
    financial_year: FinancialYear,
    grouping: FundingGrouping,
) -> Result<Vec<FundingTotals>, ProjectionError> {
    totals(database, la, financial_year, grouping, None).await
}

/// One child's PP+ in one LA's budget for a financial year: the requests, oldest first, and
/// their totals against the per-child cap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChildFunding {
    /// The LA whose budget the requests are made in.
    pub la: String,
    /// The financial year (`2024-25`).
    pub financial_year: String,
    /// The budget's per-child cap, in pence; `None` when no budget is set for the year.
    pub per_child_cap_pence: Option<i64>,
    /// The child's totals, as [`funding_totals`] grouped by child gives them; `None` when no
    /// request was made for the child this year.
    pub totals: Option<FundingTotals>,
    /// The requests, oldest first.
    pub requests: Vec<FundingRequestRow>,
}

/// One child's PP+ for `financial_year` in `la`'s budget.
pub async fn child_funding(
    database: &ReadDatabase,
    la: &str,
    child_id: &str,
    financial_year: FinancialYear,
) -> Result<ChildFunding, ProjectionError> {
    let budget = budget_summary(database, la, financial_year).await?;
    let totals = totals(
        database,
        la,
        financial_year,
        FundingGrouping::Child,
        Some(child_id),
    )
    .await?
    .pop();
    let requests = funding_requests(
        database,
        &FundingRequestFilter {
            la: la.to_owned(),
            financial_year: Some(financial_year),
            child_id: Some(child_id.to_owned()),
            ..FundingRequestFilter::default()
        },
    )
    .await?;
    Ok(ChildFunding {
        la: la.to_owned(),
        financial_year: financial_year.to_string(),
        per_child_cap_pence: budget.map(|budget| budget.per_child_cap_pence),
        totals,
        requests,
    })
}

/// The totals, of one child only when `only_child` names one.
async fn totals(
    database: &ReadDatabase,
    la: &str,
    financial_year: FinancialYear,
    grouping: FundingGrouping,
    only_child: Option<&str>,
) -> Result<Vec<FundingTotals>, ProjectionError> {
    let key = match grouping {
        FundingGrouping::Child => "child_id",
        FundingGrouping::School => "COALESCE(school_urn, '')",
        FundingGrouping::La => "la",
    };
    // PostgreSQL sums BIGINT as NUMERIC, which the portable driver cannot read: cast back.
    let sql = format!(
        "SELECT {key} AS grouping_key, \
            COUNT(*) AS requests, \
            CAST(SUM(requested_pence) AS BIGINT) AS requested_pence, \
            CAST(SUM(CASE WHEN status = $3 THEN requested_pence ELSE 0 END) AS BIGINT) \
                AS pending_pence, \
            CAST(SUM(allocated_pence) AS BIGINT) AS allocated_pence, \
            CAST(SUM(CASE WHEN status = $4 THEN 1 ELSE 0 END) AS BIGINT) AS rejected_requests, \
            CAST(SUM(CASE WHEN status = $5 AND impact IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) \
                AS impact_recorded, \
            CAST(SUM(CASE WHEN status = $5 AND impact IS NULL THEN 1 ELSE 0 END) AS BIGINT) \
                AS impact_missing \
         FROM {REQUESTS} WHERE la = $1 AND financial_year = $2 {child_condition} \
         GROUP BY {key} ORDER BY {key}",
        child_condition = if only_child.is_some() {
            "AND child_id = $6"
        } else {
            ""
        },
    );
    let mut statement = sqlx::query(&sql)
        .bind(la)
        .bind(financial_year.to_string())
        .bind(STATUS_REQUESTED)
        .bind(super::STATUS_REJECTED)
        .bind(STATUS_ALLOCATED);
    if let Some(child_id) = only_child {
        statement = statement.bind(child_id);
    }
    let rows = statement.fetch_all(database.pool()).await?;
    let cap = match grouping {
        FundingGrouping::Child => budget_summary(database, la, financial_year)
            .await?
            .map(|budget| budget.per_child_cap_pence),
        FundingGrouping::School | FundingGrouping::La => None,
    };
    let mut totals = Vec::with_capacity(rows.len());
    for row in rows {
        let allocated_pence: i64 = row.try_get("allocated_pence")?;
        totals.push(FundingTotals {
            key: row.try_get("grouping_key")?,
            requests: count(&row, "requests")?,
            requested_pence: row.try_get("requested_pence")?,
            pending_pence: row.try_get("pending_pence")?,
            allocated_pence,
            rejected_requests: count(&row, "rejected_requests")?,
            impact_recorded: count(&row, "impact_recorded")?,
            impact_missing: count(&row, "impact_missing")?,
            remaining_against_cap_pence: cap.map(|cap| cap - allocated_pence),
        });
    }
    Ok(totals)
}

fn count(row: &AnyRow, column: &str) -> Result<u64, ProjectionError> {
    crate::db::from_sql_integer(row.try_get::<i64, _>(column)?)
}

/// The budget, cap and what is allocated and pending, or `None` when no budget is set.
pub async fn budget_summary(
    database: &ReadDatabase,
    la: &str,
    financial_year: FinancialYear,
) -> Result<Option<BudgetSummary>, ProjectionError> {
    let year = financial_year.to_string();
    let Some(budget) = sqlx::query(&format!(
        "SELECT budget_pence, per_child_cap_pence, release_condition, impact_required \
         FROM {BUDGETS} WHERE la = $1 AND financial_year = $2"
    ))
    .bind(la)
    .bind(&year)
    .fetch_optional(database.pool())
    .await?
    else {
        return Ok(None);
    };
    let sums = sqlx::query(&format!(
        "SELECT CAST(COALESCE(SUM(allocated_pence), 0) AS BIGINT) AS allocated_pence, \
            CAST(COALESCE(SUM(CASE WHEN status = $3 THEN requested_pence ELSE 0 END), 0) \
                AS BIGINT) AS pending_pence \
         FROM {REQUESTS} WHERE la = $1 AND financial_year = $2"
    ))
    .bind(la)
    .bind(&year)
    .bind(STATUS_REQUESTED)
    .fetch_one(database.pool())
    .await?;
    let paid = sqlx::query(&format!(
        "SELECT CAST(COALESCE(SUM(amount_pence), 0) AS BIGINT) AS paid_pence \
         FROM {PAYMENTS} WHERE la = $1 AND financial_year = $2 AND paid_on IS NOT NULL"
    ))
    .bind(la)
    .bind(&year)
    .fetch_one(database.pool())
    .await?;
    let budget_pence: i64 = budget.try_get("budget_pence")?;
    let allocated_pence: i64 = sums.try_get("allocated_pence")?;
    let paid_pence: i64 = paid.try_get("paid_pence")?;
    Ok(Some(BudgetSummary {
        la: la.to_owned(),
        financial_year: year,
        budget_pence,
        per_child_cap_pence: budget.try_get("per_child_cap_pence")?,
        release_condition: budget.try_get("release_condition")?,
        impact_required_before_further_funding: budget.try_get::<i64, _>("impact_required")? != 0,
        allocated_pence,
        remaining_budget_pence: budget_pence - allocated_pence,
        pending_pence: sums.try_get("pending_pence")?,
        paid_pence,
        committed_pence: allocated_pence - paid_pence,
    }))
}

/// The requests matching `filter`, oldest first, with their linked targets.
pub async fn funding_requests(
    database: &ReadDatabase,
    filter: &FundingRequestFilter,
) -> Result<Vec<FundingRequestRow>, ProjectionError> {
    let mut conditions = vec!["r.la = $1".to_owned()];
    let mut binds = vec![filter.la.clone()];
    if let Some(year) = filter.financial_year {
        binds.push(year.to_string());
        conditions.push(format!("r.financial_year = ${}", binds.len()));
    }
    if let Some(child_id) = &filter.child_id {
        binds.push(child_id.clone());
        conditions.push(format!("r.child_id = ${}", binds.len()));
    }
    if let Some(school_urn) = &filter.school_urn {
        binds.push(school_urn.clone());
        conditions.push(format!("r.school_urn = ${}", binds.len()));
    }
    if filter.impact_missing_only {
        binds.push(STATUS_ALLOCATED.to_owned());
        conditions.push(format!("r.status = ${} AND r.impact IS NULL", binds.len()));
    }
    let where_clause = conditions.join(" AND ");
    let requests_sql =
        format!("SELECT r.* FROM {REQUESTS} r WHERE {where_clause} ORDER BY r.requested_position");
    let mut statement = sqlx::query(&requests_sql);
    for value in &binds {
        statement = statement.bind(value);
    }
    let rows = statement.fetch_all(database.pool()).await?;
    let targets_sql = format!(
        "SELECT t.request_id, t.target_id FROM {REQUEST_TARGETS} t \
         JOIN {REQUESTS} r ON r.request_id = t.request_id WHERE {where_clause} \
         ORDER BY t.request_id, t.target_id"
    );
    let mut targets_statement = sqlx::query(&targets_sql);
    for value in &binds {
        targets_statement = targets_statement.bind(value);
    }
    let mut targets: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for row in targets_statement.fetch_all(database.pool()).await? {
        targets
            .entry(row.try_get("request_id")?)
            .or_default()
            .push(row.try_get("target_id")?);
    }
    let payments_sql = format!(
        "SELECT p.* FROM {PAYMENTS} p JOIN {REQUESTS} r ON r.request_id = p.request_id \
         WHERE {where_clause} ORDER BY p.request_id, p.instalment"
    );
    let mut payments_statement = sqlx::query(&payments_sql);
    for value in &binds {
        payments_statement = payments_statement.bind(value);
    }
    let mut payments: BTreeMap<String, Vec<PaymentRow>> = BTreeMap::new();
    for row in payments_statement.fetch_all(database.pool()).await? {
        let payment = payment_from_row(&row)?;
        payments
            .entry(payment.request_id.clone())
            .or_default()
            .push(payment);
    }
    rows.iter()
        .map(|row| {
            let mut request = request_from_row(row, &mut targets)?;
            request.payments = payments.remove(&request.request_id).unwrap_or_default();
            Ok(request)
        })
        .collect()
}

/// The instalments paid from `la`'s budget for `financial_year`, to one school when
/// `school_urn` names one, in the order they were due: what a remittance advice lists.
pub async fn remittance(
    database: &ReadDatabase,
    la: &str,
    financial_year: FinancialYear,
    school_urn: Option<&str>,
) -> Result<Vec<RemittanceLine>, ProjectionError> {
    let school_condition = if school_urn.is_some() {
        " AND r.school_urn = $3"
    } else {
        ""
    };
    let sql = format!(
        "SELECT p.*, r.school_urn, r.child_id, r.purpose FROM {PAYMENTS} p \
         JOIN {REQUESTS} r ON r.request_id = p.request_id \
         WHERE p.la = $1 AND p.financial_year = $2 AND p.paid_on IS NOT NULL{school_condition} \
         ORDER BY p.paid_on, p.due_on, p.request_id, p.instalment"
    );
    let mut statement = sqlx::query(&sql).bind(la).bind(financial_year.to_string());
    if let Some(school_urn) = school_urn {
        statement = statement.bind(school_urn);
    }
    statement
        .fetch_all(database.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(RemittanceLine {
                school_urn: row.try_get("school_urn")?,
                child_id: row.try_get("child_id")?,
                purpose: row.try_get("purpose")?,
                payment: payment_from_row(row)?,
            })
        })
        .collect()
}

fn payment_from_row(row: &AnyRow) -> Result<PaymentRow, ProjectionError> {
    let instalment: i64 = row.try_get("instalment")?;
    let term_year: i64 = row.try_get("term_year")?;
    Ok(PaymentRow {
        request_id: row.try_get("request_id")?,
        instalment: u8::try_from(instalment).map_err(|_| ProjectionError::BadStoredValue {
            value: instalment.to_string(),
            reason: "an instalment number is 1 to 3".to_owned(),
        })?,
        term: row.try_get("term")?,
        term_year: i32::try_from(term_year).map_err(|_| ProjectionError::BadStoredValue {
            value: term_year.to_string(),
            reason: "not a calendar year".to_owned(),
        })?,
        due_on: parse_date(&row.try_get::<String, _>("due_on")?)?,
        amount_pence: row.try_get("amount_pence")?,
        paid_on: optional_date(row, "paid_on")?,
        reference: row.try_get("reference")?,
    })
}

fn optional_date(row: &AnyRow, column: &str) -> Result<Option<NaiveDate>, ProjectionError> {
    row.try_get::<Option<String>, _>(column)?
        .map(|text| parse_date(&text))
        .transpose()
}

fn request_from_row(
    row: &AnyRow,
    targets: &mut BTreeMap<String, Vec<String>>,
) -> Result<FundingRequestRow, ProjectionError> {
    let request_id: String = row.try_get("request_id")?;
    let status: String = row.try_get("status")?;
    let impact: Option<String> = row.try_get("impact")?;
    Ok(FundingRequestRow {
        target_ids: targets.remove(&request_id).unwrap_or_default(),
        impact_missing: status == STATUS_ALLOCATED && impact.is_none(),
        request_id,
        la: row.try_get("la")?,
        financial_year: row.try_get("financial_year")?,
        child_id: row.try_get("child_id")?,
        pep_id: row.try_get("pep_id")?,
        school_urn: row.try_get("school_urn")?,
        requested_pence: row.try_get("requested_pence")?,
        purpose: row.try_get("purpose")?,
        intended_outcome: row.try_get("intended_outcome")?,
        requested_on: parse_date(&row.try_get::<String, _>("requested_on")?)?,
        status,
        allocated_pence: row.try_get("allocated_pence")?,
        allocated_on: optional_date(row, "allocated_on")?,
        rejected_reason: row.try_get("rejected_reason")?,
        rejected_on: optional_date(row, "rejected_on")?,
        impact,
        impact_recorded_on: optional_date(row, "impact_recorded_on")?,
        payments: Vec::new(),
    })
}
