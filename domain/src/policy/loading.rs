//! Reading an LA policy file and refusing one that is misspelt or impossible, kept apart from
//! the rules themselves so the policy types read as the data an LA writes.

use super::{AgeRange, LaPolicy, PupilPremiumPlusRule};
use crate::calendar::{FinancialYear, TermName, YearGroup};
use thiserror::Error;

/// Why a policy file was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PolicyError {
    /// Not TOML, an unknown or missing field, or a value of the wrong shape.
    #[error("policy file: {reason}")]
    Toml {
        /// What the TOML parser reported (it names the field and line).
        reason: String,
    },
    /// The age range is empty or reaches outside under-two to Year 13.
    #[error("age range {first} to {last} is impossible: {reason}")]
    AgeRange {
        /// The first year group given.
        first: YearGroup,
        /// The last year group given.
        last: YearGroup,
        /// Why.
        reason: &'static str,
    },
    /// No review terms, or one listed twice.
    #[error("reviews.in_terms must list each term at most once and at least one term")]
    ReviewTerms,
    /// A key-stage trigger year group is repeated or outside school years.
    #[error("new_pep_triggers.key_stage_entry_year_groups: {year_group} {reason}")]
    KeyStageYearGroup {
        /// The offending year group.
        year_group: YearGroup,
        /// Why.
        reason: &'static str,
    },
    /// The due-soon window is longer than a year.
    #[error("due_soon_window_days is {days}; more than 366 days makes everything due soon")]
    DueSoonWindow {
        /// The value given.
        days: u32,
    },
    /// A money amount that must be positive is not.
    #[error("pupil_premium_plus.{field} must be more than zero pence, not {pence}")]
    NotPositive {
        /// The field.
        field: String,
        /// The value given.
        pence: i64,
    },
    /// The LA cap is more than the national rate it is paid from.
    #[error(
        "pupil_premium_plus.annual_cap_per_child_pence ({cap_pence}) is above the {financial_year} national rate ({rate_pence})"
    )]
    CapAboveRate {
        /// The cap given.
        cap_pence: i64,
        /// The financial year whose rate is lower.
        financial_year: FinancialYear,
        /// That year's rate.
        rate_pence: i64,
    },
    /// No national rates at all.
    #[error("pupil_premium_plus.national_rate_pence lists no financial year")]
    NoNationalRate,
    /// Instalments outside 1 to 3.
    #[error("pupil_premium_plus.termly_instalments is {count}; it must be 1, 2 or 3")]
    Instalments {
        /// The value given.
        count: u8,
    },
}

impl LaPolicy {
    /// Reads and checks an LA policy file. Unknown fields are refused (a misspelt field must not
    /// silently fall back to a default), and so are impossible values.
    pub fn from_toml(text: &str) -> Result<Self, PolicyError> {
        let policy: LaPolicy = toml::from_str(text).map_err(|error| PolicyError::Toml {
            reason: error.to_string(),
        })?;
        policy.validate()?;
        Ok(policy)
    }

    /// Checks the rules that the field types alone cannot express.
    pub fn validate(&self) -> Result<(), PolicyError> {
        self.validate_age_range()?;
        let terms = &self.reviews.in_terms;
        let distinct: std::collections::BTreeSet<&TermName> = terms.iter().collect();
        if terms.is_empty() || distinct.len() != terms.len() {
            return Err(PolicyError::ReviewTerms);
        }
        let mut seen = Vec::new();
        for year_group in &self.new_pep_triggers.key_stage_entry_year_groups {
            if !(YearGroup::Reception..=YearGroup::Year13).contains(year_group) {
                return Err(PolicyError::KeyStageYearGroup {
                    year_group: *year_group,
                    reason: "is not a school year (Reception to Year 13)",
                });
            }
            if seen.contains(year_group) {
                return Err(PolicyError::KeyStageYearGroup {
                    year_group: *year_group,
                    reason: "is listed twice",
                });
            }
            seen.push(*year_group);
        }
        if self.due_soon_window_days > 366 {
            return Err(PolicyError::DueSoonWindow {
                days: self.due_soon_window_days,
            });
        }
        self.pupil_premium_plus.validate()
    }

    fn validate_age_range(&self) -> Result<(), PolicyError> {
        let AgeRange {
            first_year_group: first,
            last_year_group: last,
        } = self.age_range;
        let error = |reason| {
            Err(PolicyError::AgeRange {
                first,
                last,
                reason,
            })
        };
        if first > last {
            return error("the first year group comes after the last");
        }
        if first < YearGroup::TwoYearOld {
            return error(
                "a PEP starts with the two-year-old early years entitlement at the earliest",
            );
        }
        if last == YearGroup::PastYear13 {
            return error("a PEP ends with Year 13 at the latest");
        }
        Ok(())
    }
}

impl PupilPremiumPlusRule {
    fn validate(&self) -> Result<(), PolicyError> {
        if self.annual_cap_per_child_pence <= 0 {
            return Err(PolicyError::NotPositive {
                field: "annual_cap_per_child_pence".to_owned(),
                pence: self.annual_cap_per_child_pence,
            });
        }
        if self.national_rate_pence.is_empty() {
            return Err(PolicyError::NoNationalRate);
        }
        for (financial_year, rate_pence) in &self.national_rate_pence {
            if *rate_pence <= 0 {
                return Err(PolicyError::NotPositive {
                    field: format!("national_rate_pence.\"{financial_year}\""),
                    pence: *rate_pence,
                });
            }
            if self.annual_cap_per_child_pence > *rate_pence {
                return Err(PolicyError::CapAboveRate {
                    cap_pence: self.annual_cap_per_child_pence,
                    financial_year: *financial_year,
                    rate_pence: *rate_pence,
                });
            }
        }
        if !(1..=3).contains(&self.termly_instalments) {
            return Err(PolicyError::Instalments {
                count: self.termly_instalments,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::{DEFAULT_POLICY_TOML, NoticeRule};

    #[test]
    fn the_embedded_default_file_is_the_default_policy() {
        let from_file = LaPolicy::from_toml(DEFAULT_POLICY_TOML).unwrap();
        assert_eq!(from_file, LaPolicy::default());
        LaPolicy::default().validate().unwrap();
    }

    #[test]
    fn a_file_without_a_notices_section_copies_as_the_default_does() {
        let start = DEFAULT_POLICY_TOML.find("[notices]").unwrap();
        let without = &DEFAULT_POLICY_TOML[..start];
        let policy = LaPolicy::from_toml(without).unwrap();
        assert_eq!(policy.notices, NoticeRule::default());
        let changed = DEFAULT_POLICY_TOML
            .replace("copy_virtual_school = false", "copy_virtual_school = true");
        assert!(
            LaPolicy::from_toml(&changed)
                .unwrap()
                .notices
                .copy_virtual_school
        );
    }

    #[test]
    fn unknown_fields_are_refused_with_their_name() {
        let misspelt = DEFAULT_POLICY_TOML.replace("due_soon_window_days", "due_soon_days");
        match LaPolicy::from_toml(&misspelt) {
            Err(PolicyError::Toml { reason }) => {
                assert!(reason.contains("due_soon_days"), "{reason}")
            }
            other => panic!("expected a TOML error, got {other:?}"),
        }
    }

    #[test]
    fn a_zero_deadline_is_refused() {
        let zero = DEFAULT_POLICY_TOML.replace(
            "due_within = \"10 working days\"",
            "due_within = \"0 working days\"",
        );
        match LaPolicy::from_toml(&zero) {
            Err(PolicyError::Toml { reason }) => assert!(reason.contains("zero"), "{reason}"),
            other => panic!("expected a TOML error, got {other:?}"),
        }
    }

    #[test]
    fn a_cap_above_the_national_rate_is_refused() {
        let mut policy = LaPolicy::default();
        policy.pupil_premium_plus.annual_cap_per_child_pence = 255_000;
        assert_eq!(
            policy.validate(),
            Err(PolicyError::CapAboveRate {
                cap_pence: 255_000,
                financial_year: FinancialYear::starting_in(2023),
                rate_pence: 253_000,
            })
        );
    }

    #[test]
    fn other_impossible_values_are_refused() {
        let mut policy = LaPolicy::default();
        policy.reviews.in_terms = vec![TermName::Autumn, TermName::Autumn];
        assert_eq!(policy.validate(), Err(PolicyError::ReviewTerms));

        let mut policy = LaPolicy::default();
        policy.age_range.first_year_group = YearGroup::Year7;
        policy.age_range.last_year_group = YearGroup::Year3;
        assert!(matches!(
            policy.validate(),
            Err(PolicyError::AgeRange { .. })
        ));

        let mut policy = LaPolicy::default();
        policy.pupil_premium_plus.termly_instalments = 0;
        assert_eq!(
            policy.validate(),
            Err(PolicyError::Instalments { count: 0 })
        );

        let mut policy = LaPolicy::default();
        policy.new_pep_triggers.key_stage_entry_year_groups = vec![YearGroup::Nursery];
        assert!(matches!(
            policy.validate(),
            Err(PolicyError::KeyStageYearGroup { .. })
        ));
    }

    #[test]
    fn the_school_day_alternative_parses() {
        let alternative = DEFAULT_POLICY_TOML.replace(
            "due_within = \"10 working days\"",
            "due_within = \"20 school days\"",
        );
        let policy = LaPolicy::from_toml(&alternative).unwrap();
        assert_eq!(policy.initial_pep.due_within.to_string(), "20 school days");
    }
}
