//! The steps every command route shares, in the order that leaks nothing: authenticate (the
//! [`super::extract::Caller`] extractor), check the role, load what authorisation needs and
//! check the reach, only then read and parse the body, build the domain command, run it, and
//! answer with the new versions.
//!
//! Ids of things a command creates are made here. With an `Idempotency-Key` they are derived
//! from the caller, the key and the request, so a retry names the same child, PEP or target as
//! the first attempt and gets the same answer; without one they are fresh UUID v7s.

use super::extract::Caller;
use super::problem::ApiError;
use super::response::{CommandAccepted, CommandResponse, StreamVersion};
use super::state::AppState;
use axum::http::StatusCode;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use commands::clock::IdSource;
use commands::handlers::CommandOutcome;
use domain::Actor;
use sha2::{Digest, Sha256};
use std::str::FromStr;
use uuid::Uuid;

/// What building a domain command may need from the edge: today's date, the actor, new ids.
#[derive(Debug)]
pub struct CommandEnv<'a> {
    /// Today in England, the default for business dates a request leaves out.
    pub today: NaiveDate,
    /// The caller as recorded on events.
    pub actor: Actor,
    caller: &'a Caller,
    fingerprint: &'a str,
    ids: &'a dyn IdSource,
}

impl<'a> CommandEnv<'a> {
    /// The environment for one request.
    pub fn new(state: &'a AppState, caller: &'a Caller, fingerprint: &'a str) -> Self {
        Self {
            today: london_date(state.clock().now()),
            actor: caller.principal.actor(),
            caller,
            fingerprint,
            ids: state.ids().as_ref(),
        }
    }

    /// A new id for the thing named `purpose` (`"child"`, `"target"`...): derived from the
    /// idempotency key when there is one, otherwise fresh.
    pub fn new_id(&self, purpose: &str) -> Uuid {
        match &self.caller.idempotency_key {
            Some(key) => derived_id(
                &self.caller.principal.subject,
                key,
                self.fingerprint,
                purpose,
            ),
            None => self.ids.new_id(),
        }
    }
}

/// A UUID (version 8) determined by who asked, their key, the request and what it names.
pub fn derived_id(subject: &str, key: &str, fingerprint: &str, purpose: &str) -> Uuid {
    let digest = Sha256::digest(format!(
        "pep-ledger/http-id/v1\n{subject}\n{key}\n{fingerprint}\n{purpose}"
    ));
    let mut bytes = [0_u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_custom_bytes(bytes).into_uuid()
}

/// The calendar date in England (GMT, or BST from 01:00 UTC on the last Sunday of March to
/// 01:00 UTC on the last Sunday of October): a PEP signed off at 00:30 on 15 March BST was
/// signed off on the 15th, whatever the UTC date.
pub fn london_date(now: DateTime<Utc>) -> NaiveDate {
    let year = now.year();
    let summer_time = match (last_sunday(year, 3), last_sunday(year, 10)) {
        (Some(start), Some(end)) => {
            let start = start.and_hms_opt(1, 0, 0).map(|time| time.and_utc());
            let end = end.and_hms_opt(1, 0, 0).map(|time| time.and_utc());
            matches!((start, end), (Some(start), Some(end)) if now >= start && now < end)
        }
        _ => false,
    };
    let offset = if summer_time {
        Duration::hours(1)
    } else {
        Duration::zero()
    };
    (now + offset).date_naive()
}

fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let last = first_of_next.pred_opt()?;
    last.checked_sub_days(chrono::Days::new(u64::from(
        last.weekday().num_days_from_sunday(),
    )))
}

/// What a command created, for the answer's id field, its status (201) and `Location`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    /// Nothing new: 200.
    Nothing,
    /// A child record.
    Child(Uuid),
    /// A PEP.
    Pep(Uuid),
    /// A meeting.
    Meeting(Uuid),
    /// A target.
    Target(Uuid),
    /// An action.
    Action(Uuid),
    /// A PP+ request.
    FundingRequest(Uuid),
}

/// Parses an id from the path, reporting `path.<name>` when it is not one.
pub fn path_id<T: FromStr>(name: &str, text: &str) -> Result<T, ApiError> {
    text.parse().map_err(|_| {
        ApiError::field(
            format!("path.{name}"),
            format!("{text:?} is not an id (a UUID such as 0190f3c4-8d2a-7cbe-9b41-3f8e2f6a1b2c)"),
        )
    })
}

/// The answer for a command's outcome. `main_stream` is the stream `If-Match` applies to.
pub fn respond(
    state: &AppState,
    outcome: CommandOutcome,
    main_stream: &str,
    created: Created,
) -> CommandResponse {
    state.metrics().count_appended(outcome.events_written);
    let mut body = CommandAccepted {
        stream_id: main_stream.to_owned(),
        version: outcome.version_of(main_stream).unwrap_or_default(),
        position: outcome.last_position,
        streams: outcome
            .streams
            .iter()
            .map(|(stream_id, version)| StreamVersion {
                stream_id: stream_id.clone(),
                version: *version,
            })
            .collect(),
        child_id: None,
        pep_id: None,
        meeting_id: None,
        target_id: None,
        action_id: None,
        funding_request_id: None,
    };
    let mut location = None;
    match created {
        Created::Nothing => {}
        Created::Child(id) => {
            body.child_id = Some(id);
            location = Some(format!("/api/v1/children/{id}"));
        }
        Created::Pep(id) => {
            body.pep_id = Some(id);
            location = Some(format!("/api/v1/peps/{id}"));
        }
        Created::Meeting(id) => body.meeting_id = Some(id),
        Created::Target(id) => body.target_id = Some(id),
        Created::Action(id) => body.action_id = Some(id),
        Created::FundingRequest(id) => body.funding_request_id = Some(id),
    }
    CommandResponse {
        status: if created == Created::Nothing {
            StatusCode::OK
        } else {
            StatusCode::CREATED
        },
        body,
        location,
        replayed: outcome.duplicate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn london_dates_follow_british_summer_time() {
        // 23:30 UTC on 14 March is still 14 March (GMT).
        let winter = Utc.with_ymd_and_hms(2024, 3, 14, 23, 30, 0).unwrap();
        assert_eq!(
            london_date(winter),
            NaiveDate::from_ymd_opt(2024, 3, 14).unwrap()
        );
        // 23:30 UTC on 14 May is 00:30 BST on 15 May.
        let summer = Utc.with_ymd_and_hms(2024, 5, 14, 23, 30, 0).unwrap();
        assert_eq!(
            london_date(summer),
            NaiveDate::from_ymd_opt(2024, 5, 15).unwrap()
        );
        // BST began at 01:00 UTC on Sunday 31 March 2024 and ended at 01:00 UTC on 27 October.
        let before_change = Utc.with_ymd_and_hms(2024, 3, 31, 0, 59, 0).unwrap();
        assert_eq!(
            london_date(before_change),
            NaiveDate::from_ymd_opt(2024, 3, 31).unwrap()
        );
        let last_bst_hour = Utc.with_ymd_and_hms(2024, 10, 26, 23, 30, 0).unwrap();
        assert_eq!(
            london_date(last_bst_hour),
            NaiveDate::from_ymd_opt(2024, 10, 27).unwrap()
        );
        let after_end = Utc.with_ymd_and_hms(2024, 10, 27, 23, 30, 0).unwrap();
        assert_eq!(
            london_date(after_end),
            NaiveDate::from_ymd_opt(2024, 10, 27).unwrap()
        );
    }

    #[test]
    fn derived_ids_are_stable_and_differ_by_every_input() {
        let id = derived_id("sw-1", "key-1", "abc", "target");
        assert_eq!(id, derived_id("sw-1", "key-1", "abc", "target"));
        assert_ne!(id, derived_id("sw-2", "key-1", "abc", "target"));
        assert_ne!(id, derived_id("sw-1", "key-2", "abc", "target"));
        assert_ne!(id, derived_id("sw-1", "key-1", "abd", "target"));
        assert_ne!(id, derived_id("sw-1", "key-1", "abc", "action"));
        assert_eq!(id.get_version_num(), 8);
    }

    #[test]
    fn path_ids_that_are_not_uuids_are_named() {
        let error = path_id::<domain::ids::ChildId>("child_id", "abc").unwrap_err();
        assert_eq!(error.errors()[0].path, "path.child_id");
    }
}
