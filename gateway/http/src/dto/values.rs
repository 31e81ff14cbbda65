//! Value types of request bodies that parse with messages a person can act on: dates written
//! `YYYY-MM-DD` (and real), money as whole pence or as pounds text (`"£1,900.00"`), sex as the
//! SSDA903 codes or words; and the OpenAPI schemas of the domain's enumerations, which the
//! domain crate (pure, with no HTTP knowledge) does not describe itself.

use chrono::NaiveDate;
use domain::child::Sex;
use domain::values::Money;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
use utoipa::openapi::schema::{KnownFormat, Object, ObjectBuilder, SchemaFormat, Type};
use utoipa::{PartialSchema, ToSchema};

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ApiDate(pub NaiveDate);

impl<'de> Deserialize<'de> for ApiDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse_date(&text).map(ApiDate).map_err(de::Error::custom)
    }
}

/// Parses `YYYY-MM-DD`, telling a malformed date from one that does not exist.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let bytes = text.as_bytes();
    let well_formed = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(index, byte)| index == 4 || index == 7 || byte.is_ascii_digit());
    if !well_formed {
        return Err(format!(
            "{text:?} is not a date written YYYY-MM-DD, such as 2024-03-01"
        ));
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().unwrap_or_default();
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or_else(|| {
        format!("{text:?} is not a real date (there is no day {day} in month {month} of {year})")
    })
}

impl PartialSchema for ApiDate {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .examples(["2024-03-01"])
            .into()
    }
}

impl ToSchema for ApiDate {}

/// An amount of money: an integer number of pence (`190000`), or text in pounds (`"1900"`,
/// `"£1,900.00"`). Never a JSON fraction: `1900.5` is refused rather than rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ApiMoney(pub Money);

impl<'de> Deserialize<'de> for ApiMoney {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MoneyVisitor;
        impl Visitor<'_> for MoneyVisitor {
            type Value = ApiMoney;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str(
                    "whole pence as an integer (190000) or pounds as text (\"£1,900.00\")",
                )
            }
            fn visit_i64<E: de::Error>(self, pence: i64) -> Result<ApiMoney, E> {
                Ok(ApiMoney(Money::from_pence(pence)))
            }
            fn visit_u64<E: de::Error>(self, pence: u64) -> Result<ApiMoney, E> {
                i64::try_from(pence)
                    .map(|pence| ApiMoney(Money::from_pence(pence)))
                    .map_err(|_| E::custom("the amount is too large"))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<ApiMoney, E> {
                Err(E::custom(
                    "an amount is whole pence as an integer (190000) or pounds as text (\"1900.00\"), never a JSON fraction",
                ))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<ApiMoney, E> {
                Money::parse_pounds(text)
                    .map(ApiMoney)
                    .map_err(|error| E::custom(format!("{text:?}: {error}")))
            }
        }
        deserializer.deserialize_any(MoneyVisitor)
    }
}

impl PartialSchema for ApiMoney {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                Type::Integer,
                Type::String,
            ]))
            .description(Some(
                "Whole pence as an integer (190000), or pounds as text (\"1900\", \"£1,900.00\").",
            ))
            .examples([serde_json::json!(190000), serde_json::json!("£1,900.00")])
            .into()
    }
}

impl ToSchema for ApiMoney {}

/// Sex as SSDA903 codes it (`1`, `2`) or as letters or words (`M`, `F`, `U`, `male`...).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiSex(pub Sex);

impl<'de> Deserialize<'de> for ApiSex {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SexVisitor;
        impl Visitor<'_> for SexVisitor {
            type Value = ApiSex;
            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter
                    .write_str("1, 2, \"M\", \"F\", \"U\", \"male\", \"female\" or \"unknown\"")
            }
            fn visit_u64<E: de::Error>(self, code: u64) -> Result<ApiSex, E> {
                match code {
                    1 => Ok(ApiSex(Sex::Male)),
                    2 => Ok(ApiSex(Sex::Female)),
                    _ => Err(E::custom(format!(
                        "{code} is not an SSDA903 sex code (1 or 2)"
                    ))),
                }
            }
            fn visit_i64<E: de::Error>(self, code: i64) -> Result<ApiSex, E> {
                u64::try_from(code)
                    .map_err(|_| E::custom(format!("{code} is not an SSDA903 sex code (1 or 2)")))
                    .and_then(|code| self.visit_u64(code))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<ApiSex, E> {
                match text.trim().to_ascii_lowercase().as_str() {
                    "1" | "m" | "male" => Ok(ApiSex(Sex::Male)),
                    "2" | "f" | "female" => Ok(ApiSex(Sex::Female)),
                    "u" | "unknown" => Ok(ApiSex(Sex::Unknown)),
                    _ => Err(E::custom(format!(
                        "{text:?} is not a sex: use 1, 2, M, F, U, male, female or unknown"
                    ))),
                }
            }
        }
        deserializer.deserialize_any(SexVisitor)
    }
}

impl PartialSchema for ApiSex {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::SchemaType::from_iter([
                Type::Integer,
                Type::String,
            ]))
            .description(Some(
                "SSDA903 code 1 or 2, or M, F, U, male, female, unknown.",
            ))
            .examples([serde_json::json!("F")])
            .into()
    }
}

impl ToSchema for ApiSex {}

/// A string schema listing its allowed values.
fn one_of(values: &[&str], description: &str) -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values.iter().copied()))
        .description(Some(description))
        .build()
}

/// Generates the schema functions of the domain's enumerations, and the list the tests check
/// every value of against the domain's own deserialisation.
macro_rules! enum_schemas {
    ($($function:ident => $domain:ty, $description:literal, [$($value:literal),+ $(,)?];)+) => {
        $(
            #[doc = concat!("The OpenAPI schema of `", stringify!($domain), "`.")]
            pub fn $function() -> Object {
                one_of(&[$($value),+], $description)
            }
        )+

        #[cfg(test)]
        pub(crate) fn documented_values_parse() -> Vec<String> {
            let mut failures = Vec::new();
            $(
                for value in [$($value),+] {
                    if serde_json::from_value::<$domain>(serde_json::json!(value)).is_err() {
                        failures.push(format!("{} does not take {value:?}", stringify!($domain)));
                    }
                }
            )+
            failures
        }
    };
}

enum_schemas! {
    leaving_reason => domain::child::LeavingReason, "Why the previous setting was left.",
        ["placement_move", "phase_transition", "managed_move", "permanent_exclusion", "breakdown", "other"];
    assigned_role => domain::child::AssignedRole, "A role around the child.",
        ["social_worker", "designated_teacher", "carer", "iro", "virtual_school_officer"];
    sen_provision => domain::child::SenProvision, "Special educational needs provision.",
        ["none", "sen_support", "ehcp_assessment", "ehcp"];
    exclusion_kind => domain::child::ExclusionKind, "Suspension or permanent exclusion.",
        ["suspension", "permanent_exclusion"];
    pep_kind => domain::pep::PepKind, "The kind of PEP.",
        ["initial", "review", "transition", "early_years", "post16"];
    pep_trigger => domain::pep::PepTrigger, "What made the PEP due.",
        ["entered_care", "termly_review", "placement_change", "school_change", "planned_school_move", "key_stage_change", "care_review", "requested"];
    pep_section => domain::pep::PepSection, "A section of the PEP.",
        ["education_history", "current_arrangements", "attendance_and_conduct", "attainment_and_progress", "pupil_premium_plus", "care_context", "carer_contribution", "child_views", "virtual_school_advice"];
    qa_rating => domain::pep::QaRating, "The Virtual School's quality rating.",
        ["green", "amber", "red"];
    target_outcome => domain::pep::TargetOutcome, "How a target turned out.",
        ["met", "partly_met", "not_met", "carried_forward"];
    target_horizon => domain::pep::TargetHorizon, "Short- or long-term target.",
        ["short_term", "long_term"];
    release_condition => domain::funding::ReleaseCondition, "The PEP state PP+ needs.",
        ["submitted", "quality_assured", "signed_off"];
}

/// The schema of a 6-digit school URN.
pub fn school_urn() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some("A school's 6-digit URN."))
        .examples(["100001"])
        .build()
}

/// The schema of a 3-digit LA number.
pub fn la_code() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some("The local authority's 3-digit number."))
        .examples(["831"])
        .build()
}

/// The schema of a UPN.
pub fn upn() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(
            "Unique pupil number: 13 characters with a valid check letter.",
        ))
        .examples(["H801200001001"])
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_documented_enum_value_is_accepted_by_the_domain() {
        assert_eq!(documented_values_parse(), Vec::<String>::new());
    }

    #[test]
    fn pep_sections_are_documented_in_full() {
        let documented = serde_json::to_value(pep_section()).unwrap();
        let values = documented["enum"].as_array().unwrap().len();
        assert_eq!(values, domain::pep::PepSection::ALL.len());
    }

    #[test]
    fn dates_tell_malformed_from_impossible() {
        assert_eq!(
            parse_date("2024-03-01"),
            Ok(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap())
        );
        assert!(parse_date("01/03/2024").unwrap_err().contains("YYYY-MM-DD"));
        assert!(
            parse_date("2024-02-30")
                .unwrap_err()
                .contains("not a real date")
        );
        assert!(parse_date("2024-3-1").unwrap_err().contains("YYYY-MM-DD"));
    }

    #[test]
    fn money_is_pence_or_pounds_text_never_a_fraction() {
        let pence: ApiMoney = serde_json::from_str("190000").unwrap();
        assert_eq!(pence.0, Money::from_pence(190_000));
        let pounds: ApiMoney = serde_json::from_str("\"£1,900.00\"").unwrap();
        assert_eq!(pounds.0, Money::from_pence(190_000));
        assert!(serde_json::from_str::<ApiMoney>("1900.5").is_err());
        let error = serde_json::from_str::<ApiMoney>("\"£1,900.001\"").unwrap_err();
        assert!(error.to_string().contains("decimal places"), "{error}");
    }

    #[test]
    fn sex_takes_903_codes_letters_and_words() {
        for (json, sex) in [
            ("1", Sex::Male),
            ("2", Sex::Female),
            ("\"M\"", Sex::Male),
            ("\"f\"", Sex::Female),
            ("\"U\"", Sex::Unknown),
            ("\"female\"", Sex::Female),
        ] {
            assert_eq!(
                serde_json::from_str::<ApiSex>(json).unwrap().0,
                sex,
                "{json}"
            );
        }
        assert!(serde_json::from_str::<ApiSex>("3").is_err());
        assert!(serde_json::from_str::<ApiSex>("\"x\"").is_err());
    }
}
