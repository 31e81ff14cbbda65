//! The dashboard's PP+ figures: the budget, what is allocated, what is requested and not yet
//! decided, and what remains, as a chart of bars and a table of the same figures.

use crate::chart::{self, Bar};
use crate::format;
use domain::calendar::FinancialYear;
use projections::funding::BudgetSummary;

/// One row of the table beside the chart.
pub(crate) struct MoneyRow {
    pub(crate) label: String,
    pub(crate) amount: String,
}

/// The table's rows and the chart, or nothing when no budget is set for `year`.
pub(super) fn figures(
    budget: Option<&BudgetSummary>,
    year: FinancialYear,
) -> (Vec<MoneyRow>, String) {
    let Some(budget) = budget else {
        return (Vec::new(), String::new());
    };
    let bar = |label: &str, pence: i64| Bar {
        label: label.to_owned(),
        value: pence as f64,
        shown: format::pounds(pence),
    };
    let bars = vec![
        bar("Budget", budget.budget_pence),
        bar("Allocated", budget.allocated_pence),
        bar("Requested, not decided", budget.pending_pence),
        bar("Remaining", budget.remaining_budget_pence),
    ];
    let max = bars.iter().map(|bar| bar.value).fold(0.0, f64::max);
    let chart = chart::rows(
        "pp-plus",
        &format!("Pupil Premium Plus, {year}"),
        "The budget, the money allocated, the money requested but not decided, and what remains; the same figures are in the table beside the chart.",
        &bars,
        max,
    );
    let rows = bars
        .into_iter()
        .map(|bar| MoneyRow {
            label: bar.label,
            amount: bar.shown,
        })
        .collect();
    (rows, chart)
}
