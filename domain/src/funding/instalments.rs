//! How an allocation is paid: in termly instalments inside its financial year, as many as the
//! LA's policy says, starting with the term the allocation is made in.
//!
//! A financial year (April to March) holds three terms: summer (from 1 April), autumn (from
//! 1 September) and spring (from 1 January). An allocation made in autumn under a policy of
//! three instalments is paid in autumn and spring only: money is never scheduled outside the
//! year whose budget it comes from. The amount is split into equal whole pence; the pence left
//! over are paid with the first instalment, so the instalments always add up to the allocation.

use super::types::FinancialYear;
use crate::calendar::TermName;
use crate::values::Money;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// One termly payment of an allocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    /// 1 for the first instalment of the allocation, and so on.
    pub number: u8,
    /// The term it is paid in.
    pub term: TermName,
    /// The calendar year of that term.
    pub year: i32,
    /// When it falls due: the term's first day, or the allocation's date for the term it is made in.
    pub due_on: NaiveDate,
    /// Amount.
    pub amount: Money,
}

impl Instalment {
    /// "autumn term 2024".
    pub fn term_label(&self) -> String {
        format!("{} term {}", self.term, self.year)
    }
}

/// The terms of `financial_year`, in order, with their first days.
fn terms_of(financial_year: FinancialYear) -> [(TermName, NaiveDate); 3] {
    let first = financial_year.first_day();
    let year = first.year();
    let day = |year, month| NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(first);
    [
        (TermName::Summer, first),
        (TermName::Autumn, day(year, 9)),
        (TermName::Spring, day(year + 1, 1)),
    ]
}

/// The instalments of `amount` allocated on `allocated_on` from `financial_year`'s budget, in
/// at most `instalments` terms (1 to 3; anything else is read as the nearest of those).
pub fn schedule(
    amount: Money,
    allocated_on: NaiveDate,
    financial_year: FinancialYear,
    instalments: u8,
) -> Vec<Instalment> {
    let terms = terms_of(financial_year);
    let start = terms
        .iter()
        .rposition(|(_, first_day)| *first_day <= allocated_on)
        .unwrap_or(0);
    let wanted = usize::from(instalments.clamp(1, 3));
    let chosen = &terms[start..(start + wanted).min(terms.len())];
    let count = i64::try_from(chosen.len()).unwrap_or(1).max(1);
    let each = amount.pence() / count;
    let first_extra = amount.pence() - each * count;
    chosen
        .iter()
        .enumerate()
        .map(|(index, (term, first_day))| Instalment {
            number: u8::try_from(index + 1).unwrap_or(u8::MAX),
            term: *term,
            year: first_day.year(),
            due_on: if index == 0 {
                allocated_on.max(*first_day)
            } else {
                *first_day
            },
            amount: Money::from_pence(if index == 0 { each + first_extra } else { each }),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    fn year() -> FinancialYear {
        FinancialYear::starting_in(2024)
    }

    fn terms(plan: &[Instalment]) -> Vec<(TermName, i32, i64)> {
        plan.iter()
            .map(|instalment| (instalment.term, instalment.year, instalment.amount.pence()))
            .collect()
    }

    #[test]
    fn an_allocation_in_the_summer_term_is_paid_over_the_three_terms_of_the_year() {
        let plan = schedule(Money::from_pence(100_000), date(2024, 5, 10), year(), 3);
        assert_eq!(
            terms(&plan),
            vec![
                (TermName::Summer, 2024, 33_334),
                (TermName::Autumn, 2024, 33_333),
                (TermName::Spring, 2025, 33_333),
            ]
        );
        assert_eq!(plan[0].due_on, date(2024, 5, 10));
        assert_eq!(plan[1].due_on, date(2024, 9, 1));
        assert_eq!(plan[2].due_on, date(2025, 1, 1));
        assert_eq!(
            plan.iter().map(|i| i.number).collect::<Vec<_>>(),
            vec![1, 2, 3]
        );
    }

    #[test]
    fn no_instalment_falls_outside_the_financial_year() {
        let plan = schedule(Money::from_pence(90_001), date(2024, 10, 8), year(), 3);
        assert_eq!(
            terms(&plan),
            vec![
                (TermName::Autumn, 2024, 45_001),
                (TermName::Spring, 2025, 45_000)
            ]
        );
        let late = schedule(Money::from_pence(50_000), date(2025, 6, 1), year(), 3);
        assert_eq!(terms(&late), vec![(TermName::Spring, 2025, 50_000)]);
    }

    #[test]
    fn one_instalment_pays_the_whole_allocation_at_once() {
        let plan = schedule(Money::from_pence(190_000), date(2024, 4, 1), year(), 1);
        assert_eq!(terms(&plan), vec![(TermName::Summer, 2024, 190_000)]);
        assert_eq!(plan[0].term_label(), "summer term 2024");
    }

    #[test]
    fn instalments_always_add_up_to_the_allocation() {
        for pence in [1, 2, 3, 7, 99_999, 190_000] {
            for count in 1..=3 {
                for month in 1..=12 {
                    let plan = schedule(
                        Money::from_pence(pence),
                        date(if month < 4 { 2025 } else { 2024 }, month, 15),
                        year(),
                        count,
                    );
                    let total: i64 = plan.iter().map(|i| i.amount.pence()).sum();
                    assert_eq!(total, pence, "{pence}p in {count} from month {month}");
                    assert!(plan.iter().all(|i| i.amount.pence() >= 0));
                }
            }
        }
    }
}
