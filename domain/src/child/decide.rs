//! The child record's business rules.

use super::commands::ChildCommand;
use super::episode::{EpisodeChange, Ssda903Episode};
use super::error::ChildError;
use super::error::require_text;
use super::events::{ChildEvent, ExclusionKind};
use super::state::ChildState;

fn require_registered(state: &ChildState) -> Result<(), ChildError> {
    if state.registration.is_none() {
        return Err(ChildError::NotRegistered);
    }
    Ok(())
}

/// Decides a child command.
pub fn decide(state: &ChildState, command: ChildCommand) -> Result<Vec<ChildEvent>, ChildError> {
    if !matches!(command, ChildCommand::Register { .. }) {
        require_registered(state)?;
    }
    match command {
        ChildCommand::Register {
            child_id,
            la,
            la_child_id,
            details,
        } => {
            if state.registration.is_some() {
                return Err(ChildError::AlreadyRegistered);
            }
            require_text(&la_child_id, "la_child_id")?;
            Ok(vec![ChildEvent::Registered {
                child_id,
                la,
                la_child_id,
                details,
            }])
        }
        ChildCommand::UpdateDetails { details } => {
            if state.details.as_ref() == Some(&details) {
                return Ok(vec![]);
            }
            Ok(vec![ChildEvent::DetailsUpdated { details }])
        }
        ChildCommand::RecordEpisode { episode } => decide_episode(state, episode),
        ChildCommand::ChangeEducationSetting {
            setting,
            started_on,
            leaving_reason,
            leaving_detail,
        } => {
            require_text(&setting.name, "setting.name")?;
            let current = state.current_setting();
            if let Some(current) = current {
                if current.setting == setting && current.started_on == started_on {
                    // The same change sent again: already recorded.
                    return Ok(vec![]);
                }
                if leaving_reason.is_none() {
                    return Err(ChildError::MissingLeavingReason);
                }
                if started_on < current.started_on {
                    return Err(ChildError::StartsBeforeCurrentSetting {
                        started_on,
                        current_started_on: current.started_on,
                    });
                }
            }
            Ok(vec![ChildEvent::EducationSettingChanged {
                setting,
                started_on,
                previous: current.map(|spell| spell.setting.clone()),
                leaving_reason: current.and(leaving_reason),
                leaving_detail: current.and(leaving_detail),
            }])
        }
        ChildCommand::AssignPerson { role, person, from } => {
            require_text(&person.id, "person.id")?;
            require_text(&person.name, "person.name")?;
            if state.people.get(&role) == Some(&person) {
                return Ok(vec![]);
            }
            Ok(vec![ChildEvent::PersonAssigned { role, person, from }])
        }
        ChildCommand::RecordSenStatus {
            provision,
            effective_from,
            detail,
        } => Ok(vec![ChildEvent::SenStatusRecorded {
            provision,
            effective_from,
            detail,
        }]),
        ChildCommand::RecordAttendance {
            period_start,
            period_end,
            possible_sessions,
            attended_sessions,
            unauthorised_absence_sessions,
        } => {
            if period_end < period_start {
                return Err(ChildError::PeriodEndsBeforeStart {
                    start: period_start,
                    end: period_end,
                });
            }
            if possible_sessions == 0 {
                return Err(ChildError::InconsistentAttendance(
                    "possible_sessions must be at least 1",
                ));
            }
            if attended_sessions > possible_sessions {
                return Err(ChildError::InconsistentAttendance(
                    "attended_sessions exceeds possible_sessions",
                ));
            }
            if unauthorised_absence_sessions > possible_sessions - attended_sessions {
                return Err(ChildError::InconsistentAttendance(
                    "unauthorised absences exceed the sessions missed",
                ));
            }
            Ok(vec![ChildEvent::AttendanceRecorded {
                period_start,
                period_end,
                possible_sessions,
                attended_sessions,
                unauthorised_absence_sessions,
            }])
        }
        ChildCommand::RecordExclusion {
            kind,
            start_date,
            days,
            reason,
        } => {
            require_text(&reason, "reason")?;
            let length_ok = match kind {
                ExclusionKind::Suspension => days.is_some_and(|days| days >= 1),
                ExclusionKind::PermanentExclusion => days.is_none(),
            };
            if !length_ok {
                return Err(ChildError::InvalidExclusionLength);
            }
            Ok(vec![ChildEvent::ExclusionRecorded {
                kind,
                start_date,
                days,
                reason,
            }])
        }
        ChildCommand::RecordAttainment {
            subject,
            assessment,
            result,
            assessed_on,
            on_track,
        } => {
            require_text(&subject, "subject")?;
            require_text(&assessment, "assessment")?;
            require_text(&result, "result")?;
            Ok(vec![ChildEvent::AttainmentRecorded {
                subject,
                assessment,
                result,
                assessed_on,
                on_track,
            }])
        }
        ChildCommand::OpenPep {
            pep_id,
            kind,
            trigger,
            opened_on,
        } => {
            if let Some(open) = state.open_pep {
                return Err(ChildError::PepAlreadyOpen { open });
            }
            if state.peps.contains(&pep_id) {
                return Err(ChildError::DuplicatePepId(pep_id));
            }
            if !state.in_care() {
                return Err(ChildError::NotInCare);
            }
            Ok(vec![ChildEvent::PepOpened {
                pep_id,
                kind,
                trigger,
                opened_on,
            }])
        }
        ChildCommand::RequestIroNotice {
            notice_id,
            reason,
            about_event_id,
            occurred_on,
            summary,
        } => {
            if state.notices_requested_about.contains(&about_event_id) {
                return Ok(vec![]);
            }
            require_text(&summary, "summary")?;
            Ok(vec![ChildEvent::IroNoticeRequested {
                notice_id,
                reason,
                about_event_id,
                occurred_on,
                summary,
            }])
        }
        ChildCommand::ShareRecord {
            with_la,
            reason,
            shared_on,
        } => super::sharing::decide_share(state, with_la, reason, shared_on),
        ChildCommand::EndSharing { with_la, ended_on } => {
            super::sharing::decide_end_sharing(state, with_la, ended_on)
        }
        ChildCommand::ClosePep {
            pep_id,
            closed_on,
            completed,
        } => {
            if state.open_pep != Some(pep_id) {
                return Err(ChildError::PepNotOpen(pep_id));
            }
            Ok(vec![ChildEvent::PepClosed {
                pep_id,
                closed_on,
                completed,
            }])
        }
    }
}

/// An episode row is new, a repeat, a closure or a correction of the row with its start date.
/// A repeat yields no events, so replaying a whole extract changes nothing.
fn decide_episode(
    state: &ChildState,
    episode: Ssda903Episode,
) -> Result<Vec<ChildEvent>, ChildError> {
    episode.check_shape().map_err(ChildError::InvalidEpisode)?;
    match state.episodes.get(&episode.start_date) {
        None => Ok(vec![match episode.change() {
            EpisodeChange::StartedCare => ChildEvent::CareEpisodeStarted { episode },
            EpisodeChange::LegalStatusOnly => ChildEvent::LegalStatusChanged { episode },
            EpisodeChange::Placement => ChildEvent::PlacementChanged { episode },
        }]),
        Some(known) if *known == episode => Ok(vec![]),
        Some(known) => {
            let only_closed = known.end_date.is_none()
                && Ssda903Episode {
                    end_date: None,
                    reason_ceased: None,
                    ..episode.clone()
                } == *known;
            match (only_closed, episode.end_date, episode.reason_ceased.clone()) {
                (true, Some(end_date), Some(reason_ceased)) => {
                    Ok(vec![ChildEvent::CareEpisodeEnded {
                        start_date: episode.start_date,
                        end_date,
                        reason_ceased,
                    }])
                }
                _ => Ok(vec![ChildEvent::CareEpisodeCorrected { episode }]),
            }
        }
    }
}
