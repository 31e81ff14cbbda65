//! The read-only view of one PEP on a child's page: its sections with the role that writes
//! each and how far it has got, its targets with progress, its actions and its meetings; and
//! the one line each earlier PEP gets.

use super::education::Closure;
use super::words::words;
use crate::format::{self, Tag};
use domain::pep::PepState;

/// One earlier PEP: its kind, when it started, when its meeting was held, when it was closed
/// and its status.
pub(super) struct EarlierPep {
    pub(super) kind: String,
    pub(super) started: String,
    pub(super) meeting: String,
    pub(super) closed: String,
    pub(super) status: Tag,
}

/// The line for `pep`, closed as `closure` says (if it was).
pub(super) fn earlier_pep(pep: &PepState, closure: Option<&Closure>) -> EarlierPep {
    let header = pep.header.as_ref();
    EarlierPep {
        kind: header
            .map(|header| words(&format!("{:?}", header.kind)))
            .unwrap_or_else(|| "Not recorded".to_owned()),
        started: format::optional_date(header.map(|header| header.initiated_on)),
        meeting: pep
            .meetings
            .values()
            .filter_map(|meeting| meeting.held_on)
            .max()
            .map(format::date)
            .unwrap_or_else(|| "No meeting held".to_owned()),
        closed: match closure {
            Some(closure) if closure.completed => {
                format!("Completed {}", format::date(closure.closed_on))
            }
            Some(closure) => format!("Withdrawn {}", format::date(closure.closed_on)),
            None => "Not closed".to_owned(),
        },
        status: format::pep_tag(Some(pep.status())),
    }
}

pub(super) struct SectionRow {
    pub(super) name: String,
    pub(super) owner: String,
    pub(super) state: Tag,
}

pub(super) struct TargetRow {
    pub(super) description: String,
    pub(super) measure: String,
    pub(super) due: String,
    pub(super) outcome: String,
}

pub(super) struct ActionRow {
    pub(super) owner: String,
    pub(super) due: String,
    pub(super) state: Tag,
}

pub(super) struct MeetingRow {
    pub(super) scheduled: String,
    pub(super) held: String,
    pub(super) attendees: String,
}

pub(super) struct PepView {
    /// The PEP's own page, where it is written.
    pub(super) href: String,
    pub(super) heading: String,
    pub(super) status: Tag,
    pub(super) sections: Vec<SectionRow>,
    pub(super) targets: Vec<TargetRow>,
    pub(super) actions: Vec<ActionRow>,
    pub(super) meetings: Vec<MeetingRow>,
}

pub(super) fn pep_view(pep: &PepState) -> PepView {
    let header = pep.header.as_ref();
    let heading = header
        .map(|header| {
            format!(
                "{} PEP, started {}",
                words(&format!("{:?}", header.kind)),
                format::date(header.initiated_on)
            )
        })
        .unwrap_or_else(|| "PEP".to_owned());
    let sections = domain::pep::PepSection::ALL
        .iter()
        .map(|section| {
            let state = pep.sections.get(section);
            SectionRow {
                name: words(&format!("{section:?}")),
                owner: format::role_name(section.owner()).to_owned(),
                state: match state {
                    Some(state) if state.completed_on.is_some() => format::Tag {
                        text: "Complete".to_owned(),
                        class: "govuk-tag--green".to_owned(),
                    },
                    Some(state) if !state.content.trim().is_empty() => format::Tag {
                        text: "In progress".to_owned(),
                        class: "govuk-tag--light-blue".to_owned(),
                    },
                    _ => format::Tag {
                        text: "Not started".to_owned(),
                        class: "govuk-tag--grey".to_owned(),
                    },
                },
            }
        })
        .collect();
    PepView {
        href: header
            .map(|header| format!("/peps/{}", header.pep_id))
            .unwrap_or_default(),
        heading,
        status: format::pep_tag(Some(pep.status())),
        sections,
        targets: pep
            .targets
            .values()
            .map(|target| TargetRow {
                description: target.description.clone(),
                measure: target.success_criterion.clone(),
                due: format::date(target.due_on),
                outcome: target
                    .outcome
                    .map(|outcome| words(&format!("{outcome:?}")))
                    .unwrap_or_else(|| "Not reviewed yet".to_owned()),
            })
            .collect(),
        actions: pep
            .actions
            .values()
            .map(|action| ActionRow {
                owner: action.owner.name.clone(),
                due: format::date(action.due_on),
                state: match action.completed_on {
                    Some(day) => format::Tag {
                        text: format!("Done {}", format::date(day)),
                        class: "govuk-tag--green".to_owned(),
                    },
                    None => format::Tag {
                        text: "Open".to_owned(),
                        class: "govuk-tag--blue".to_owned(),
                    },
                },
            })
            .collect(),
        meetings: pep
            .meetings
            .values()
            .map(|meeting| MeetingRow {
                scheduled: format::date(meeting.scheduled_for),
                held: format::optional_date(meeting.held_on)
                    .replace("Not recorded", "Not yet held"),
                attendees: if meeting.attendees.is_empty() {
                    "None recorded".to_owned()
                } else {
                    meeting
                        .attendees
                        .iter()
                        .map(|attendee| format!("{} ({})", attendee.person.name, attendee.capacity))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
            })
            .collect(),
    }
}
