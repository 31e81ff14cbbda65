//! Loads the reference data the domain needs (bank holidays, LA policy, term dates) from the
//! embedded defaults and optional files, so newer bank holidays, an LA's own policy and its term
//! dates can be used without a new release. This is the only place that reads them from disk.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

use anyhow::{Context, anyhow};
use chrono::{Datelike, NaiveDate};
use clap::Args;
use domain::calendar::{BankHolidays, Calendar, SchoolTerms};
use domain::policy::LaPolicy;
use govuk_bank_holidays::{BankHolidayCalendar, Division, MonToFriWorkDays};
use std::fmt;
use std::path::{Path, PathBuf};

/// Command-line options (and environment variables) naming reference-data files. Every one is
/// optional: without it the embedded default is used.
#[derive(Debug, Clone, Default, Args)]
pub struct ReferenceDataArgs {
    /// A gov.uk bank-holidays.json file with years newer than this release knows; its
    /// England-and-Wales list is merged over the embedded one.
    #[arg(
        long,
        env = "PEP_BANK_HOLIDAYS_FILE",
        value_name = "FILE",
        global = true
    )]
    pub bank_holidays_file: Option<PathBuf>,
    /// The local authority's policy file (TOML, see docs/policy.md); default: the statutory
    /// defaults of domain/data/policy/default.toml.
    #[arg(
        long = "policy",
        env = "PEP_POLICY_FILE",
        value_name = "FILE",
        global = true
    )]
    pub policy_file: Option<PathBuf>,
    /// The local authority's term dates (TOML, as domain/data/terms/demo.toml); default: the
    /// illustrative demo LA's dates.
    #[arg(long, env = "PEP_TERM_DATES_FILE", value_name = "FILE", global = true)]
    pub term_dates_file: Option<PathBuf>,
}

/// The loaded reference data, with a note of where each part came from.
#[derive(Debug, Clone)]
pub struct ReferenceData {
    /// Bank holidays and the LA's terms.
    pub calendar: Calendar,
    /// The LA's rules.
    pub policy: LaPolicy,
    /// Where each part came from, for display and logs.
    pub sources: ReferenceSources,
}

/// Where each part of the reference data came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceSources {
    /// "embedded gov.uk list" or "embedded gov.uk list + FILE".
    pub bank_holidays: String,
    /// "embedded default" or the file path.
    pub policy: String,
    /// "embedded demo term dates" or the file path.
    pub term_dates: String,
}

impl fmt::Display for ReferenceSources {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "bank holidays: {}; policy: {}; term dates: {}",
            self.bank_holidays, self.policy, self.term_dates
        )
    }
}

impl ReferenceData {
    /// Loads everything, failing with the file and the reason at the first problem: a service
    /// that computed deadlines from half-read reference data would be worse than one that stops.
    pub fn load(args: &ReferenceDataArgs) -> anyhow::Result<Self> {
        let mut bank_holidays = embedded_bank_holidays()?;
        let mut bank_holiday_source = "embedded gov.uk list".to_owned();
        if let Some(path) = &args.bank_holidays_file {
            let newer = BankHolidays::from_govuk_json(&read(path)?)
                .with_context(|| format!("reading bank holidays from {}", path.display()))?;
            bank_holidays
                .merge(newer)
                .with_context(|| format!("merging bank holidays from {}", path.display()))?;
            bank_holiday_source.push_str(&format!(" + {}", path.display()));
        }
        bank_holiday_source.push_str(&format!(
            ", known {} to {}",
            bank_holidays.known_from(),
            bank_holidays.known_through()
        ));

        let (policy, policy_source) = match &args.policy_file {
            Some(path) => (
                LaPolicy::from_toml(&read(path)?)
                    .with_context(|| format!("reading the LA policy from {}", path.display()))?,
                path.display().to_string(),
            ),
            None => (LaPolicy::default(), "embedded default".to_owned()),
        };

        let (terms, terms_source) = match &args.term_dates_file {
            Some(path) => (
                SchoolTerms::from_toml(&read(path)?)
                    .with_context(|| format!("reading term dates from {}", path.display()))?,
                path.display().to_string(),
            ),
            None => (
                SchoolTerms::demo().context("the embedded demo term dates do not load")?,
                "embedded demo term dates".to_owned(),
            ),
        };

        Ok(Self {
            calendar: Calendar::new(bank_holidays, terms),
            policy,
            sources: ReferenceSources {
                bank_holidays: bank_holiday_source,
                policy: policy_source,
                term_dates: terms_source,
            },
        })
    }
}

/// The England-and-Wales bank holidays embedded in the `govuk-bank-holidays` crate, taken as
/// complete through 31 December of the last year they include.
pub fn embedded_bank_holidays() -> anyhow::Result<BankHolidays> {
    let govuk: BankHolidayCalendar<NaiveDate, MonToFriWorkDays> = BankHolidayCalendar::cached();
    let dates: Vec<NaiveDate> = govuk
        .holidays(Some(Division::EnglandAndWales))
        .into_iter()
        .map(|holiday| *holiday.date())
        .collect();
    let last_year = dates
        .iter()
        .map(|date| date.year())
        .max()
        .ok_or_else(|| anyhow!("the embedded gov.uk bank-holiday list is empty"))?;
    let known_through = NaiveDate::from_ymd_opt(last_year, 12, 31).ok_or_else(|| {
        anyhow!("the embedded bank holidays end in an impossible year {last_year}")
    })?;
    Ok(BankHolidays::from_dates(dates, known_through)?)
}

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file in the system temporary directory, removed when dropped.
    struct ScratchFile(PathBuf);

    impl ScratchFile {
        fn new(name: &str, contents: &str) -> Self {
            let path = std::env::temp_dir().join(format!("pep-{}-{name}", std::process::id()));
            std::fs::write(&path, contents).unwrap();
            Self(path)
        }
    }

    impl Drop for ScratchFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    fn date(year: i32, month: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(year, month, day).unwrap()
    }

    #[test]
    fn the_defaults_load_without_any_file() {
        let loaded = ReferenceData::load(&ReferenceDataArgs::default()).unwrap();
        assert_eq!(loaded.policy, LaPolicy::default());
        let holidays = loaded.calendar.bank_holidays();
        assert_eq!(holidays.known_from(), date(2012, 1, 1));
        assert!(holidays.known_through() >= date(2028, 12, 31));
        assert_eq!(holidays.is_bank_holiday(date(2025, 5, 5)), Some(true));
        assert_eq!(loaded.sources.policy, "embedded default");
    }

    #[test]
    fn a_newer_govuk_file_adds_years_without_a_release() {
        let newer = ScratchFile::new(
            "bank-holidays.json",
            r#"{"england-and-wales": {"division": "england-and-wales", "events": [
                {"date": "2029-01-01", "title": "New Year’s Day", "notes": "", "bunting": true},
                {"date": "2029-12-25", "title": "Christmas Day", "notes": "", "bunting": true}
            ]}}"#,
        );
        let args = ReferenceDataArgs {
            bank_holidays_file: Some(newer.0.clone()),
            ..ReferenceDataArgs::default()
        };
        let loaded = ReferenceData::load(&args).unwrap();
        let holidays = loaded.calendar.bank_holidays();
        assert_eq!(holidays.known_through(), date(2029, 12, 31));
        assert_eq!(holidays.is_bank_holiday(date(2029, 12, 25)), Some(true));
        assert_eq!(holidays.is_bank_holiday(date(2025, 5, 5)), Some(true));
        assert!(loaded.sources.bank_holidays.contains("bank-holidays.json"));
    }

    #[test]
    fn a_bad_policy_file_names_the_file_and_the_field() {
        let policy = ScratchFile::new(
            "policy.toml",
            &domain::policy::DEFAULT_POLICY_TOML.replace("termly_instalments", "instalments"),
        );
        let args = ReferenceDataArgs {
            policy_file: Some(policy.0.clone()),
            ..ReferenceDataArgs::default()
        };
        let error = format!("{:#}", ReferenceData::load(&args).unwrap_err());
        assert!(error.contains("policy.toml"), "{error}");
        assert!(error.contains("instalments"), "{error}");
    }

    #[test]
    fn a_missing_file_is_an_error_not_a_silent_default() {
        let args = ReferenceDataArgs {
            term_dates_file: Some(PathBuf::from("/nonexistent/terms.toml")),
            ..ReferenceDataArgs::default()
        };
        let error = format!("{:#}", ReferenceData::load(&args).unwrap_err());
        assert!(error.contains("/nonexistent/terms.toml"), "{error}");
    }
}
