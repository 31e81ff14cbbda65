//! Who the child is and where: name, age, year group and key stage, UPN, school, placement
//! (with the SSDA903 codes' official meanings), legal status, SEN, and the people around them.

use super::education::SenRecord;
use super::words::sen_name;
use crate::format;
use chrono::NaiveDate;
use domain::calendar::YearGroup;
use domain::child::{AssignedRole, ChildState};
use domain::ssda903::{CodeListKind, CodeLists};

/// One row of a summary list.
pub(super) struct Row {
    pub(super) key: String,
    pub(super) value: String,
}

/// The child's header.
pub(super) struct Identity {
    pub(super) name: String,
    pub(super) la_child_id: String,
    pub(super) about: Vec<Row>,
    pub(super) people: Vec<Row>,
}

/// The child's name as recorded (given and family name), or that it is not.
pub fn child_name(child: &ChildState) -> String {
    child
        .details
        .as_ref()
        .and_then(
            |details| match (&details.given_name, &details.family_name) {
                (Some(given), Some(family)) => Some(format!("{given} {family}")),
                (Some(given), None) => Some(given.clone()),
                _ => None,
            },
        )
        .unwrap_or_else(|| "Name not recorded".to_owned())
}

/// The header of `child` on `today`, with the latest SEN record's date and detail.
pub(super) fn identity(child: &ChildState, today: NaiveDate, sen: Option<&SenRecord>) -> Identity {
    // Who the child is.
    let details = child.details.as_ref();
    let name = child_name(child);
    let registration = child.registration.as_ref();
    let la_child_id = registration
        .map(|registration| registration.la_child_id.clone())
        .unwrap_or_default();
    let mut about = Vec::new();
    if let Some(details) = details {
        let age = today.years_since(details.date_of_birth).unwrap_or_default();
        let year_group = YearGroup::on(details.date_of_birth, today);
        about.push(Row {
            key: "Date of birth".to_owned(),
            value: format!("{} (age {age})", format::date(details.date_of_birth)),
        });
        about.push(Row {
            key: "Year group".to_owned(),
            value: match year_group.key_stage() {
                Some(key_stage) => format!("{year_group} ({key_stage})"),
                None => year_group.to_string(),
            },
        });
        about.push(Row {
            key: "UPN".to_owned(),
            value: details
                .upn
                .clone()
                .unwrap_or_else(|| "Not recorded".to_owned()),
        });
    }
    about.push(Row {
        key: "School".to_owned(),
        value: child
            .current_setting()
            .filter(|spell| spell.left_on.is_none())
            .map(|spell| {
                let urn = spell
                    .setting
                    .urn
                    .as_ref()
                    .map(|urn| format!(" (URN {})", urn.as_str()))
                    .unwrap_or_default();
                format!(
                    "{}{urn}, since {}",
                    spell.setting.name,
                    format::date(spell.started_on)
                )
            })
            .unwrap_or_else(|| "No current school recorded".to_owned()),
    });
    let codes = CodeLists::embedded();
    let describe = |kind, code: &str| {
        codes
            .describe(kind, code)
            .map(|words| format!("{words} ({code})"))
            .unwrap_or_else(|| format!("Code {code}"))
    };
    match child.episodes.values().next_back() {
        Some(episode) => {
            let postcode = episode
                .placement_postcode
                .as_ref()
                .map(|postcode| {
                    format!(
                        ", postcode district {}",
                        postcode.split(' ').next().unwrap_or(postcode)
                    )
                })
                .unwrap_or_default();
            let when = match episode.end_date {
                Some(end_date) => format!(
                    "from {} to {}",
                    format::date(episode.start_date),
                    format::date(end_date)
                ),
                None => format!("since {}", format::date(episode.start_date)),
            };
            about.push(Row {
                key: "Placement".to_owned(),
                value: format!(
                    "{}, {when}{postcode}",
                    describe(CodeListKind::PlacementType, &episode.placement_type)
                ),
            });
            about.push(Row {
                key: "Placement provider".to_owned(),
                value: describe(CodeListKind::PlacementProvider, &episode.placement_provider),
            });
            about.push(Row {
                key: "Legal status".to_owned(),
                value: describe(CodeListKind::LegalStatus, &episode.legal_status),
            });
        }
        None => about.push(Row {
            key: "Placement".to_owned(),
            value: "No care episode recorded".to_owned(),
        }),
    }
    let reason_ceased = child
        .episodes
        .values()
        .next_back()
        .and_then(|episode| episode.reason_ceased.as_deref());
    about.push(Row {
        key: "In care".to_owned(),
        value: match (child.in_care(), reason_ceased) {
            (true, _) => "Yes".to_owned(),
            (false, Some(code)) => format!(
                "No, has left care: {}",
                describe(CodeListKind::ReasonCeased, code)
            ),
            (false, None) => "No, has left care".to_owned(),
        },
    });
    about.push(Row {
        key: "Special educational needs".to_owned(),
        value: match (child.sen, sen) {
            (Some(provision), Some(record)) => {
                let detail = record
                    .detail
                    .as_ref()
                    .map(|detail| format!(": {detail}"))
                    .unwrap_or_default();
                format!(
                    "{}, from {}{detail}",
                    sen_name(Some(provision)),
                    format::date(record.effective_from)
                )
            }
            (provision, _) => sen_name(provision).to_owned(),
        },
    });
    let people = [
        (AssignedRole::SocialWorker, "Social worker"),
        (AssignedRole::DesignatedTeacher, "Designated teacher"),
        (AssignedRole::Carer, "Carer"),
        (AssignedRole::Iro, "IRO"),
        (AssignedRole::VirtualSchoolOfficer, "Virtual School contact"),
    ]
    .into_iter()
    .map(|(role, label)| Row {
        key: label.to_owned(),
        value: child
            .people
            .get(&role)
            .map(|person| person.name.clone())
            .unwrap_or_else(|| "Not assigned".to_owned()),
    })
    .collect();
    Identity {
        name,
        la_child_id,
        about,
        people,
    }
}
