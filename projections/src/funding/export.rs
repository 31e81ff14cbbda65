//! A remittance advice as CSV: one line per instalment paid, with the finance reference, so a
//! school's business manager and the LA's finance team can reconcile payments. Written with the
//! timeline export's RFC 4180 writer (its CSV-injection guard included).

use super::queries::RemittanceLine;
use crate::chronology::export::push_record;
use domain::values::Money;

const HEADER: [&str; 10] = [
    "paid_on",
    "reference",
    "school_urn",
    "child_id",
    "request_id",
    "purpose",
    "instalment",
    "term",
    "amount",
    "amount_pence",
];

/// The lines as CSV, header first, CRLF line ends.
pub fn remittance_csv(lines: &[RemittanceLine]) -> String {
    let mut csv = String::new();
    push_record(&mut csv, HEADER.iter().map(|name| (*name).to_owned()));
    for line in lines {
        let payment = &line.payment;
        push_record(
            &mut csv,
            [
                payment
                    .paid_on
                    .map(|day| day.to_string())
                    .unwrap_or_default(),
                payment.reference.clone().unwrap_or_default(),
                line.school_urn.clone().unwrap_or_default(),
                line.child_id.clone(),
                payment.request_id.clone(),
                line.purpose.clone(),
                payment.instalment.to_string(),
                format!("{} term {}", payment.term, payment.term_year),
                Money::from_pence(payment.amount_pence).to_string(),
                payment.amount_pence.to_string(),
            ]
            .into_iter(),
        );
    }
    csv
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funding::PaymentRow;
    use chrono::NaiveDate;

    #[test]
    fn each_paid_instalment_is_one_line_with_its_reference_and_amount() {
        let line = RemittanceLine {
            school_urn: Some("100001".to_owned()),
            child_id: "c-1".to_owned(),
            purpose: "=tuition, 10 sessions".to_owned(),
            payment: PaymentRow {
                request_id: "r-1".to_owned(),
                instalment: 2,
                term: "spring".to_owned(),
                term_year: 2025,
                due_on: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
                amount_pence: 20_050,
                paid_on: NaiveDate::from_ymd_opt(2025, 1, 6),
                reference: Some("REM-0042".to_owned()),
            },
        };
        let csv = remittance_csv(&[line]);
        let mut lines = csv.split("\r\n");
        assert_eq!(
            lines.next().unwrap(),
            "paid_on,reference,school_urn,child_id,request_id,purpose,instalment,term,amount,amount_pence"
        );
        assert_eq!(
            lines.next().unwrap(),
            "2025-01-06,REM-0042,100001,c-1,r-1,\"'=tuition, 10 sessions\",2,spring term 2025,£200.50,20050"
        );
    }
}
