//! What the child's record says about their education as the schools reported it: attendance
//! for each period, suspensions and permanent exclusions, attainment results (each newest
//! first), the latest SEN record's date and detail, and when each PEP was closed.
//!
//! Read from the child's own events exactly as the authorised replay loaded them (the same
//! replay `GET /api/v1/children/{id}` answers from); nothing here is decided, only written in
//! words.

use super::words::{exclusion_kind_name, exclusion_length, on_track_words, percentage};
use crate::format;
use chrono::NaiveDate;
use domain::child::ChildEvent;
use domain::event::{DecodeError, DomainEvent};
use domain::ids::PepId;
use projections::audit::ChildReplay;
use std::collections::BTreeMap;

/// One attendance period.
pub(super) struct AttendanceRow {
    pub(super) period: String,
    pub(super) percentage: String,
    pub(super) sessions: String,
    pub(super) unauthorised: String,
}

/// One suspension or permanent exclusion.
pub(super) struct ExclusionRow {
    pub(super) kind: String,
    pub(super) from: String,
    pub(super) length: String,
    pub(super) reason: String,
}

/// One attainment or progress result.
pub(super) struct AttainmentRow {
    pub(super) subject: String,
    pub(super) assessment: String,
    pub(super) result: String,
    pub(super) on_track: String,
    pub(super) date: String,
}

/// The latest SEN record: from when it applies, and its detail (the primary need).
pub(super) struct SenRecord {
    pub(super) effective_from: NaiveDate,
    pub(super) detail: Option<String>,
}

/// How a PEP was closed.
pub(super) struct Closure {
    pub(super) closed_on: NaiveDate,
    pub(super) completed: bool,
}

/// Everything this module reads from the child's events.
#[derive(Default)]
pub(super) struct Education {
    pub(super) attendance: Vec<AttendanceRow>,
    pub(super) exclusions: Vec<ExclusionRow>,
    pub(super) attainment: Vec<AttainmentRow>,
    pub(super) sen: Option<SenRecord>,
    pub(super) closures: BTreeMap<PepId, Closure>,
}

/// The education facts in `replay`'s child events, each list newest first (ties: the one
/// recorded later first).
pub(super) fn education(replay: &ChildReplay) -> Result<Education, DecodeError> {
    let stream = replay.child_id.stream_id();
    let mut attendance = Vec::new();
    let mut exclusions = Vec::new();
    let mut attainment = Vec::new();
    let mut education = Education::default();
    for recorded in replay
        .events
        .iter()
        .filter(|recorded| recorded.stream_id == stream)
        .rev()
    {
        let event = ChildEvent::decode(
            &recorded.event_type,
            recorded.schema_version,
            &recorded.payload,
        )?;
        match event {
            ChildEvent::AttendanceRecorded {
                period_start,
                period_end,
                possible_sessions,
                attended_sessions,
                unauthorised_absence_sessions,
            } => attendance.push((
                period_end,
                AttendanceRow {
                    period: format!(
                        "{} to {}",
                        format::date(period_start),
                        format::date(period_end)
                    ),
                    percentage: percentage(attended_sessions, possible_sessions),
                    sessions: format!("{attended_sessions} of {possible_sessions}"),
                    unauthorised: unauthorised_absence_sessions.to_string(),
                },
            )),
            ChildEvent::ExclusionRecorded {
                kind,
                start_date,
                days,
                reason,
            } => exclusions.push((
                start_date,
                ExclusionRow {
                    kind: exclusion_kind_name(kind).to_owned(),
                    from: format::date(start_date),
                    length: exclusion_length(kind, days),
                    reason,
                },
            )),
            ChildEvent::AttainmentRecorded {
                subject,
                assessment,
                result,
                assessed_on,
                on_track,
            } => attainment.push((
                assessed_on,
                AttainmentRow {
                    subject,
                    assessment,
                    result,
                    on_track: on_track_words(on_track).to_owned(),
                    date: format::date(assessed_on),
                },
            )),
            // Newest first, so the first one met is the one the record holds now.
            ChildEvent::SenStatusRecorded {
                effective_from,
                detail,
                ..
            } if education.sen.is_none() => {
                education.sen = Some(SenRecord {
                    effective_from,
                    detail: detail.filter(|detail| !detail.trim().is_empty()),
                });
            }
            ChildEvent::PepClosed {
                pep_id,
                closed_on,
                completed,
            } => {
                education.closures.entry(pep_id).or_insert(Closure {
                    closed_on,
                    completed,
                });
            }
            _ => {}
        }
    }
    education.attendance = newest_first(attendance);
    education.exclusions = newest_first(exclusions);
    education.attainment = newest_first(attainment);
    Ok(education)
}

/// Rows gathered newest recorded first, sorted by their day, latest first; the sort is stable,
/// so of two rows on one day the one recorded later stays first.
fn newest_first<T>(mut rows: Vec<(NaiveDate, T)>) -> Vec<T> {
    rows.sort_by_key(|row| std::cmp::Reverse(row.0));
    rows.into_iter().map(|(_, row)| row).collect()
}
