//! The child page's PP+ for the financial year: what was asked for the child, what the Virtual
//! School decided and what it achieved, with the totals against the per-child cap. The figures
//! come from the funding read model, as `GET /api/v1/children/{id}/funding` answers them; the
//! page only words them.

use super::Row;
use crate::format;
use projections::funding::{ChildFunding, FundingRequestRow};

/// One request, as the table shows it.
pub(super) struct RequestRow {
    pub(super) requested_on: String,
    pub(super) purpose: String,
    pub(super) requested: String,
    pub(super) decision: String,
    pub(super) allocated: String,
    pub(super) paid: String,
    pub(super) impact: String,
}

/// The section: the year, its figures and the requests.
pub(super) struct PpPlus {
    /// The financial year, such as "2026-27".
    pub(super) year: String,
    /// The figures, as a summary list.
    pub(super) figures: Vec<Row>,
    /// The requests, oldest first.
    pub(super) requests: Vec<RequestRow>,
}

/// Words `funding` for the page.
pub(super) fn pp_plus(funding: &ChildFunding) -> PpPlus {
    let allocated = funding
        .totals
        .as_ref()
        .map_or(0, |totals| totals.allocated_pence);
    let pending = funding
        .totals
        .as_ref()
        .map_or(0, |totals| totals.pending_pence);
    let mut figures = vec![Row {
        key: "Given this year".to_owned(),
        value: format::pounds(allocated),
    }];
    match (
        funding.per_child_cap_pence,
        funding
            .totals
            .as_ref()
            .and_then(|totals| totals.remaining_against_cap_pence),
    ) {
        (Some(cap), remaining) => {
            figures.push(Row {
                key: "Per-child limit".to_owned(),
                value: format::pounds(cap),
            });
            figures.push(Row {
                key: "Left under the limit".to_owned(),
                value: format::pounds(remaining.unwrap_or(cap)),
            });
        }
        (None, _) => figures.push(Row {
            key: "Per-child limit".to_owned(),
            value: "No PP+ budget is set for this year yet".to_owned(),
        }),
    }
    figures.push(Row {
        key: "Waiting for a decision".to_owned(),
        value: format::pounds(pending),
    });
    if let Some(totals) = &funding.totals
        && totals.impact_missing > 0
    {
        figures.push(Row {
            key: "Impact not yet recorded".to_owned(),
            value: match totals.impact_missing {
                1 => "1 request that was given money".to_owned(),
                many => format!("{many} requests that were given money"),
            },
        });
    }
    PpPlus {
        year: funding.financial_year.clone(),
        figures,
        requests: funding.requests.iter().map(request_row).collect(),
    }
}

fn request_row(request: &FundingRequestRow) -> RequestRow {
    let decision = match request.status.as_str() {
        "allocated" => format!(
            "Agreed {}",
            format::optional_date(request.allocated_on).replace("Not recorded", "")
        ),
        "rejected" => match &request.rejected_reason {
            Some(reason) => format!("Turned down: {reason}"),
            None => "Turned down".to_owned(),
        },
        _ => "Waiting for a decision".to_owned(),
    };
    let impact = match (&request.impact, request.status.as_str()) {
        (Some(impact), _) => impact.clone(),
        (None, "allocated") => "Not recorded yet".to_owned(),
        (None, _) => "Not applicable".to_owned(),
    };
    RequestRow {
        requested_on: format::date(request.requested_on),
        purpose: request.purpose.clone(),
        requested: format::pounds(request.requested_pence),
        decision: decision.trim_end().to_owned(),
        allocated: format::pounds(request.allocated_pence),
        paid: paid_words(&request.payments),
        impact,
    }
}

/// "£200.00 on 25 October 2024 (autumn term); £200.00 due 1 January 2025 (spring term)".
fn paid_words(payments: &[projections::funding::PaymentRow]) -> String {
    if payments.is_empty() {
        return "Nothing to pay".to_owned();
    }
    payments
        .iter()
        .map(|payment| {
            let amount = format::pounds(payment.amount_pence);
            match payment.paid_on {
                Some(paid_on) => format!(
                    "{amount} paid {} ({} term)",
                    format::date(paid_on),
                    payment.term
                ),
                None => format!(
                    "{amount} due {} ({} term)",
                    format::date(payment.due_on),
                    payment.term
                ),
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use projections::funding::FundingTotals;

    fn request(status: &str, allocated: i64, impact: Option<&str>) -> FundingRequestRow {
        FundingRequestRow {
            request_id: "r".to_owned(),
            la: "831".to_owned(),
            financial_year: "2026-27".to_owned(),
            child_id: "c".to_owned(),
            pep_id: "p".to_owned(),
            school_urn: None,
            requested_pence: 50_000,
            purpose: "Reading tutor".to_owned(),
            intended_outcome: "Reading age up a year".to_owned(),
            requested_on: NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
            status: status.to_owned(),
            allocated_pence: allocated,
            allocated_on: (status == "allocated")
                .then(|| NaiveDate::from_ymd_opt(2026, 5, 8).unwrap()),
            rejected_reason: (status == "rejected").then(|| "Covered by school funds".to_owned()),
            rejected_on: None,
            impact: impact.map(str::to_owned),
            impact_recorded_on: None,
            impact_missing: status == "allocated" && impact.is_none(),
            target_ids: Vec::new(),
            payments: Vec::new(),
        }
    }

    #[test]
    fn the_figures_and_each_decision_are_worded_for_the_reader() {
        let funding = ChildFunding {
            la: "831".to_owned(),
            financial_year: "2026-27".to_owned(),
            per_child_cap_pence: Some(190_000),
            totals: Some(FundingTotals {
                key: "c".to_owned(),
                requests: 3,
                requested_pence: 150_000,
                pending_pence: 50_000,
                allocated_pence: 40_000,
                rejected_requests: 1,
                impact_recorded: 0,
                impact_missing: 1,
                remaining_against_cap_pence: Some(150_000),
            }),
            requests: vec![
                request("allocated", 40_000, None),
                request("rejected", 0, None),
                request("requested", 0, None),
            ],
        };
        let section = pp_plus(&funding);
        let figures: Vec<(&str, &str)> = section
            .figures
            .iter()
            .map(|row| (row.key.as_str(), row.value.as_str()))
            .collect();
        assert_eq!(
            figures,
            [
                ("Given this year", "£400.00"),
                ("Per-child limit", "£1,900.00"),
                ("Left under the limit", "£1,500.00"),
                ("Waiting for a decision", "£500.00"),
                ("Impact not yet recorded", "1 request that was given money"),
            ]
        );
        let decisions: Vec<(&str, &str)> = section
            .requests
            .iter()
            .map(|row| (row.decision.as_str(), row.impact.as_str()))
            .collect();
        assert_eq!(
            decisions,
            [
                ("Agreed 8 May 2026", "Not recorded yet"),
                ("Turned down: Covered by school funds", "Not applicable"),
                ("Waiting for a decision", "Not applicable"),
            ]
        );
    }

    #[test]
    fn a_year_without_a_budget_or_requests_says_so() {
        let funding = ChildFunding {
            la: "831".to_owned(),
            financial_year: "2026-27".to_owned(),
            per_child_cap_pence: None,
            totals: None,
            requests: Vec::new(),
        };
        let section = pp_plus(&funding);
        assert_eq!(section.figures[0].value, "£0.00");
        assert_eq!(
            section.figures[1].value,
            "No PP+ budget is set for this year yet"
        );
        assert!(section.requests.is_empty());
    }
}
