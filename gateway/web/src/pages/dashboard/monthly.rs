//! The dashboard's headline figure month by month: a column for each of the last twelve months
//! (the percentage of children in care with an up-to-date PEP on the month's last day, today for
//! the current month) and a table of the same figures with the counts behind each percentage.
//! The figures are the compliance read model's ([`projections::compliance::MonthlyFigure`]);
//! this only lays them out.

use crate::chart::{self, Bar};
use crate::format;
use chrono::NaiveDate;
use projections::compliance::MonthlyFigure;

/// One month in the table under the chart.
pub(crate) struct MonthRow {
    pub(crate) month: String,
    pub(crate) on: String,
    pub(crate) children: u64,
    pub(crate) with_in_date_pep: u64,
    pub(crate) percent: String,
}

/// A month's short name for the chart ("Nov 24") and its long one for the table
/// ("November 2024").
fn month_names(figure: &MonthlyFigure) -> (String, String) {
    let first = NaiveDate::parse_from_str(&format!("{}-01", figure.month), "%Y-%m-%d");
    match first {
        Ok(day) => (
            day.format("%b %y").to_string(),
            day.format("%B %Y").to_string(),
        ),
        Err(_) => (figure.month.clone(), figure.month.clone()),
    }
}

/// The table's rows, oldest first, and the chart.
pub(super) fn figures(monthly: &[MonthlyFigure]) -> (Vec<MonthRow>, String) {
    let bars: Vec<Bar> = monthly
        .iter()
        .map(|figure| Bar {
            label: month_names(figure).0,
            value: figure.percent_with_in_date_pep.unwrap_or(0.0),
            shown: figure.percent_with_in_date_pep.map_or_else(
                || "none".to_owned(),
                |_| format::percent(figure.percent_with_in_date_pep),
            ),
        })
        .collect();
    let chart = chart::columns(
        "monthly",
        "Children in care with an up-to-date PEP, month by month",
        "The percentage of children in care with an up-to-date PEP on the last day of each of the last twelve months, the current month as of today; the same figures are in the table below the chart.",
        &bars,
        100.0,
    );
    let rows = monthly
        .iter()
        .map(|figure| MonthRow {
            month: month_names(figure).1,
            on: format::date(figure.on),
            children: figure.children,
            with_in_date_pep: figure.with_in_date_pep,
            percent: format::percent(figure.percent_with_in_date_pep),
        })
        .collect();
    (rows, chart)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figure(month: &str, children: u64, in_date: u64, percent: Option<f64>) -> MonthlyFigure {
        MonthlyFigure {
            month: month.to_owned(),
            on: NaiveDate::from_ymd_opt(2024, 11, 30).unwrap(),
            children,
            with_in_date_pep: in_date,
            percent_with_in_date_pep: percent,
        }
    }

    #[test]
    fn each_month_is_a_column_and_a_row_and_an_empty_month_says_so() {
        let (rows, chart) = figures(&[
            figure("2024-10", 0, 0, None),
            figure("2024-11", 8, 6, Some(75.0)),
        ]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].month, "November 2024");
        assert_eq!((rows[1].children, rows[1].with_in_date_pep), (8, 6));
        assert_eq!(rows[1].percent, format::percent(Some(75.0)));
        assert!(chart.contains("Nov 24"), "{chart}");
        assert!(chart.contains("Oct 24"), "{chart}");
        assert!(
            chart.contains(">none<"),
            "a month with no child is not drawn as 0%: {chart}"
        );
    }
}
