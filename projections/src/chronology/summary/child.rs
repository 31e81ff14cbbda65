//! Summaries of child-record events.

use super::{capitalised, day, quoted, words};
use crate::chronology::category::Category;
use domain::child::{ChildEvent, ExclusionKind};

/// A child event's category and summary.
pub fn child_event(event: &ChildEvent) -> (Category, String) {
    match event {
        ChildEvent::Registered {
            la,
            la_child_id,
            details,
            ..
        } => (
            Category::Record,
            format!(
                "Registered by LA {la} (social care id {}), born {}",
                quoted(la_child_id),
                day(&details.date_of_birth)
            ),
        ),
        ChildEvent::DetailsUpdated { .. } => {
            (Category::Record, "Identifying details updated".to_owned())
        }
        ChildEvent::CareEpisodeStarted { episode } => (
            Category::Care,
            format!(
                "Became looked after on {}: legal status {}, placement {} ({})",
                day(&episode.start_date),
                episode.legal_status,
                episode.placement_type,
                episode.placement_provider
            ),
        ),
        ChildEvent::PlacementChanged { episode } => (
            Category::Care,
            format!(
                "Placement changed on {} to {} ({}){}",
                day(&episode.start_date),
                episode.placement_type,
                episode.placement_provider,
                episode
                    .reason_place_change
                    .as_ref()
                    .map(|reason| format!(", reason {reason}"))
                    .unwrap_or_default()
            ),
        ),
        ChildEvent::LegalStatusChanged { episode } => (
            Category::Care,
            format!(
                "Legal status changed on {} to {}",
                day(&episode.start_date),
                episode.legal_status
            ),
        ),
        ChildEvent::CareEpisodeEnded {
            start_date,
            end_date,
            reason_ceased,
        } => (
            Category::Care,
            format!(
                "Episode from {} ended on {} (reason {reason_ceased})",
                day(start_date),
                day(end_date)
            ),
        ),
        ChildEvent::CareEpisodeCorrected { episode } => (
            Category::Care,
            format!(
                "Episode from {} corrected by the social care system",
                day(&episode.start_date)
            ),
        ),
        ChildEvent::EducationSettingChanged {
            setting,
            started_on,
            previous,
            leaving_reason,
            ..
        } => {
            let urn = setting
                .urn
                .as_ref()
                .map(|urn| format!(" (URN {urn})"))
                .unwrap_or_default();
            let left = match (previous, leaving_reason) {
                (Some(previous), Some(reason)) => {
                    format!("; left {} ({})", quoted(&previous.name), words(reason))
                }
                (Some(previous), None) => format!("; left {}", quoted(&previous.name)),
                (None, _) => String::new(),
            };
            (
                Category::EducationSetting,
                format!(
                    "Started at {}{urn} on {}{left}",
                    quoted(&setting.name),
                    day(started_on)
                ),
            )
        }
        ChildEvent::PersonAssigned { role, person, from } => (
            Category::People,
            format!(
                "{} assigned as {} from {}",
                quoted(&person.name),
                words(role),
                day(from)
            ),
        ),
        ChildEvent::SenStatusRecorded {
            provision,
            effective_from,
            ..
        } => (
            Category::Sen,
            format!(
                "SEN provision recorded: {} from {}",
                words(provision),
                day(effective_from)
            ),
        ),
        ChildEvent::AttendanceRecorded {
            period_start,
            period_end,
            possible_sessions,
            attended_sessions,
            unauthorised_absence_sessions,
        } => {
            let percentage = attendance_percentage(*attended_sessions, *possible_sessions)
                .unwrap_or_else(|| "no sessions possible".to_owned());
            (
                Category::Attendance,
                format!(
                    "Attendance {percentage} ({attended_sessions} of {possible_sessions} \
                     sessions, {unauthorised_absence_sessions} unauthorised) from {} to {}",
                    day(period_start),
                    day(period_end)
                ),
            )
        }
        ChildEvent::ExclusionRecorded {
            kind,
            start_date,
            days,
            reason,
        } => {
            let what = match (kind, days) {
                (ExclusionKind::Suspension, Some(days)) => {
                    format!("Suspension of {days} school day{}", plural(*days))
                }
                (ExclusionKind::Suspension, None) => "Suspension".to_owned(),
                (ExclusionKind::PermanentExclusion, _) => "Permanent exclusion".to_owned(),
            };
            (
                Category::Exclusion,
                format!("{what} from {}: {}", day(start_date), quoted(reason)),
            )
        }
        ChildEvent::AttainmentRecorded {
            subject,
            assessment,
            result,
            on_track,
            ..
        } => {
            let track = match on_track {
                Some(true) => ", on track",
                Some(false) => ", not on track",
                None => "",
            };
            (
                Category::Attainment,
                format!(
                    "{} ({}): {}{track}",
                    capitalised(&quoted(subject)),
                    quoted(assessment),
                    quoted(result)
                ),
            )
        }
        ChildEvent::PepOpened { kind, trigger, .. } => (
            Category::Pep,
            format!(
                "{} PEP opened ({})",
                capitalised(&words(kind)),
                words(trigger)
            ),
        ),
        ChildEvent::PepClosed { completed, .. } => (
            Category::Pep,
            if *completed {
                "PEP completed and closed".to_owned()
            } else {
                "PEP closed without completion".to_owned()
            },
        ),
        ChildEvent::IroNoticeRequested {
            reason, summary, ..
        } => (
            Category::Notice,
            format!(
                "IRO notice requested ({}): {}",
                words(reason),
                quoted(summary)
            ),
        ),
        ChildEvent::RecordShared {
            with_la, reason, ..
        } => (
            Category::Record,
            format!("Record shared with LA {with_la}: {}", quoted(reason)),
        ),
        ChildEvent::RecordSharingEnded { with_la, .. } => {
            (Category::Record, format!("Sharing with LA {with_la} ended"))
        }
    }
}

fn plural(count: u32) -> &'static str {
    if count == 1 { "" } else { "s" }
}

/// Attendance as a percentage to one decimal place ("93.2%"), rounded down, or `None` when no
/// session was possible. Tenths of a percent in integers, so the text never depends on float
/// rounding; the timeline and the child's page both write it with this.
pub fn attendance_percentage(attended: u32, possible: u32) -> Option<String> {
    if possible == 0 {
        return None;
    }
    let tenths = u64::from(attended) * 1000 / u64::from(possible);
    Some(format!("{}.{}%", tenths / 10, tenths % 10))
}
