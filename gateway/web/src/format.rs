//! How values are written for people: dates as "6 December 2026", money as "£1,900.00", roles
//! and statuses in plain words, and the GOV.UK tag colour each status wears. Colour is never the
//! only sign of a status: every tag carries its words.

use chrono::NaiveDate;
use domain::Role;
use domain::compliance::DueStatus;
use domain::pep::{PepStatus, QaRating};

/// A role in words.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::VirtualSchool => "Virtual School officer",
        Role::DesignatedTeacher => "Designated teacher",
        Role::SocialWorker => "Social worker",
        Role::Carer => "Carer",
        Role::YoungPerson => "Young person",
        Role::Iro => "Independent reviewing officer (IRO)",
        Role::Auditor => "Auditor",
        Role::Integration => "Social care system",
        Role::Admin => "Service administrator",
        Role::System => "PEP Ledger",
    }
}

/// A date the GOV.UK way: "6 December 2026".
pub fn date(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// An optional date, or "Not recorded".
pub fn optional_date(day: Option<NaiveDate>) -> String {
    day.map(date).unwrap_or_else(|| "Not recorded".to_owned())
}

/// Whole pence as pounds: "£1,900.00".
pub fn pounds(pence: i64) -> String {
    let sign = if pence < 0 { "-" } else { "" };
    let pence = pence.unsigned_abs();
    let pounds = (pence / 100).to_string();
    let mut grouped = String::new();
    for (index, digit) in pounds.chars().enumerate() {
        if index > 0 && (pounds.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}£{grouped}.{:02}", pence % 100)
}

/// A percentage to one decimal place, or "No children" for an empty cohort.
pub fn percent(value: Option<f64>) -> String {
    value.map_or_else(|| "No children".to_owned(), |value| format!("{value:.1}%"))
}

/// A status's words and the GOV.UK tag class it wears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    /// The words.
    pub text: String,
    /// The tag's modifier class (`govuk-tag--red`), empty for the default.
    pub class: String,
}

impl Tag {
    fn new(text: &str, colour: &str) -> Self {
        Self {
            text: text.to_owned(),
            class: if colour.is_empty() {
                String::new()
            } else {
                format!("govuk-tag--{colour}")
            },
        }
    }
}

/// A due status as a tag.
pub fn due_tag(status: Option<DueStatus>) -> Tag {
    match status {
        Some(DueStatus::Overdue) => Tag::new("Overdue", "red"),
        Some(DueStatus::DueSoon) => Tag::new("Due soon", "yellow"),
        Some(DueStatus::Upcoming) => Tag::new("Upcoming", "blue"),
        Some(DueStatus::MetLate) => Tag::new("Met late", "orange"),
        Some(DueStatus::OnTime) => Tag::new("On time", "green"),
        None => Tag::new("Nothing due", "grey"),
    }
}

/// The words of a due status's wire name (`due_soon`), for filters and links.
pub fn due_status_name(key: &str) -> &'static str {
    match key {
        "overdue" => "Overdue",
        "due_soon" => "Due soon",
        "upcoming" => "Upcoming",
        "met_late" => "Met late",
        "on_time" => "On time",
        _ => "Nothing due",
    }
}

/// A PEP status as a tag.
pub fn pep_tag(status: Option<PepStatus>) -> Tag {
    match status {
        None => Tag::new("No PEP", "red"),
        Some(PepStatus::NotStarted) => Tag::new("Not started", "grey"),
        Some(PepStatus::InProgress) => Tag::new("Draft", "light-blue"),
        Some(PepStatus::Ready) => Tag::new("Ready to submit", "turquoise"),
        Some(PepStatus::Submitted) => Tag::new("Submitted", "blue"),
        Some(PepStatus::Returned) => Tag::new("Returned", "orange"),
        Some(PepStatus::QualityAssured) => Tag::new("Quality assured", "purple"),
        Some(PepStatus::SignedOff) => Tag::new("Signed off", "green"),
        Some(PepStatus::Withdrawn) => Tag::new("Withdrawn", "grey"),
    }
}

/// The words of a PEP status's wire name (`in_progress`), or `missing` for no PEP.
pub fn pep_status_name(key: &str) -> String {
    if key == "missing" {
        return "No PEP".to_owned();
    }
    serde_json::from_value::<PepStatus>(serde_json::Value::String(key.to_owned()))
        .map(|status| pep_tag(Some(status)).text)
        .unwrap_or_else(|_| key.replace('_', " "))
}

/// A quality-assurance rating as a tag.
pub fn qa_tag(rating: Option<QaRating>) -> Tag {
    match rating {
        Some(QaRating::Green) => Tag::new("Green: good", "green"),
        Some(QaRating::Amber) => Tag::new("Amber: requires improvement", "yellow"),
        Some(QaRating::Red) => Tag::new("Red: poor", "red"),
        None => Tag::new("Not rated", "grey"),
    }
}

/// The words of a rating's wire name (`green`), or `not_rated`.
pub fn qa_rating_name(key: &str) -> String {
    serde_json::from_value::<QaRating>(serde_json::Value::String(key.to_owned()))
        .map(|rating| qa_tag(Some(rating)).text)
        .unwrap_or_else(|_| "Not rated".to_owned())
}

/// A key stage's wire name in words (`ks2` is "Key stage 2").
pub fn key_stage_name(key: &str) -> String {
    match key {
        "eyfs" => "Early years".to_owned(),
        "16-19" => "Post-16".to_owned(),
        "not_recorded" => "Not recorded".to_owned(),
        other => other
            .strip_prefix("ks")
            .map(|number| format!("Key stage {number}"))
            .unwrap_or_else(|| other.to_owned()),
    }
}

/// Percent-encodes a query value.
pub fn url_encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                encoded.push(char::from(byte));
            }
            _ => encoded.push_str(&format!("%{byte:02X}")),
        }
    }
    encoded
}

/// A query string from pairs, leaving out empty values: `?status=overdue&school=123`.
pub fn query_string(pairs: &[(&str, Option<&str>)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter_map(|(name, value)| {
            value
                .filter(|value| !value.is_empty())
                .map(|value| format!("{name}={}", url_encode(value)))
        })
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_dates_and_percentages_read_as_people_write_them() {
        assert_eq!(pounds(190_000), "£1,900.00");
        assert_eq!(pounds(5), "£0.05");
        assert_eq!(pounds(123_456_789), "£1,234,567.89");
        assert_eq!(pounds(-250), "-£2.50");
        assert_eq!(
            date(NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()),
            "6 December 2026"
        );
        assert_eq!(percent(Some(87.46)), "87.5%");
        assert_eq!(percent(None), "No children");
    }

    #[test]
    fn query_strings_leave_out_empty_filters_and_encode_values() {
        assert_eq!(
            query_string(&[
                ("status", Some("overdue")),
                ("school", None),
                ("q", Some("a b&c"))
            ]),
            "?status=overdue&q=a%20b%26c"
        );
        assert_eq!(query_string(&[("status", Some(""))]), "");
    }

    #[test]
    fn statuses_have_words_not_only_colours() {
        assert_eq!(due_tag(Some(DueStatus::Overdue)).text, "Overdue");
        assert_eq!(pep_status_name("missing"), "No PEP");
        assert_eq!(pep_status_name("in_progress"), "Draft");
        assert_eq!(key_stage_name("ks2"), "Key stage 2");
        assert_eq!(qa_rating_name("red"), "Red: poor");
    }
}
