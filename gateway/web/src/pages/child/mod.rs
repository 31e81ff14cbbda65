//! A child's page: who the child is and where (age, year group and key stage, school, placement,
//! legal status, SEN, the people around them), every due date with the rule and the events that
//! set it, the current PEP read-only (sections with owner and state, targets, actions,
//! meetings), earlier PEPs, the data-quality flags the social care system owns, and the
//! education timeline, filterable by kind and date and paginated.
//!
//! Authorised and access-logged exactly as `GET /api/v1/children/{id}`: a child outside the
//! person's reach, or in another LA, answers the same 404 as a child that does not exist.

use crate::WebState;
use crate::error::{PageError, render};
use crate::format::{self, Tag};
use crate::nav::Layout;
use crate::session::SignedIn;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use domain::calendar::YearGroup;
use domain::child::{AssignedRole, SenProvision};
use domain::ids::ChildId;
use domain::pep::PepState;
use domain::ssda903::{CodeListKind, CodeLists};
use pep_messaging::event_log::StoreEventLog;
use projections::audit::replay_child;
use projections::chronology::{Category, TimelineQuery};
use serde::Deserialize;

/// Timeline entries per page.
pub const TIMELINE_PAGE_SIZE: usize = 20;

/// The timeline's filters, in the URL so a filtered page can be shared and the back button
/// works.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ChildQuery {
    /// One category (`care`, `pep`, `attendance`...), or all.
    pub kind: Option<String>,
    /// From this day (YYYY-MM-DD).
    pub from: Option<String>,
    /// To this day (YYYY-MM-DD).
    pub to: Option<String>,
    /// The timeline's page, from 1.
    pub page: Option<usize>,
}

struct Row {
    key: String,
    value: String,
}

struct DueRow {
    label: String,
    due: String,
    met: String,
    tag: Tag,
    basis: String,
    provisional: bool,
}

struct EntryRow {
    date: String,
    kind: String,
    summary: String,
    who: String,
}

struct SectionRow {
    name: String,
    owner: String,
    state: Tag,
}

struct TargetRow {
    description: String,
    measure: String,
    due: String,
    outcome: String,
}

struct ActionRow {
    owner: String,
    due: String,
    state: Tag,
}

struct MeetingRow {
    scheduled: String,
    held: String,
    attendees: String,
}

struct PepView {
    heading: String,
    status: Tag,
    sections: Vec<SectionRow>,
    targets: Vec<TargetRow>,
    actions: Vec<ActionRow>,
    meetings: Vec<MeetingRow>,
}

struct EarlierPep {
    heading: String,
    status: Tag,
}

struct KindChoice {
    value: String,
    label: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "child.html")]
struct ChildPage {
    layout: Layout,
    name: String,
    la_child_id: String,
    headline: Tag,
    about: Vec<Row>,
    people: Vec<Row>,
    due: Vec<DueRow>,
    flags: Vec<String>,
    current: Option<PepView>,
    earlier: Vec<EarlierPep>,
    entries: Vec<EntryRow>,
    kinds: Vec<KindChoice>,
    from: String,
    to: String,
    page: usize,
    pages: usize,
    total_entries: usize,
    previous_link: Option<String>,
    next_link: Option<String>,
    filter_error: Option<String>,
    audit_href: Option<String>,
}

fn parse_day(text: &Option<String>, field: &str) -> Result<Option<NaiveDate>, String> {
    match text
        .as_deref()
        .map(str::trim)
        .filter(|text| !text.is_empty())
    {
        None => Ok(None),
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| format!("The {field} date must be a real date, like 2026-09-01")),
    }
}

/// `GET /children/{child_id}`.
pub async fn page(
    State(state): State<WebState>,
    signed_in: SignedIn,
    Path(child_id): Path<String>,
    Query(query): Query<ChildQuery>,
) -> Result<Response, PageError> {
    let request_id = signed_in.request_id;
    let child_id: ChildId = child_id.parse().map_err(|_| PageError::NotFound)?;
    let child = pep_http::access::authorize_child_read(
        state.api(),
        &signed_in.principal,
        child_id,
        "GET /children/{id} (web page)",
        request_id,
    )
    .await
    .map_err(|error| PageError::from_api(error, request_id))?;
    let today = pep_http::command::london_date(state.api().clock().now());
    let side = state.read();
    let compliance = side
        .compliance()
        .child(side.database(), child_id, today)
        .await
        .map_err(|error| PageError::internal(error.to_string(), request_id))?;
    let replay = replay_child(
        &StoreEventLog::new(state.api().store().clone()),
        child_id,
        None,
        None,
    )
    .await
    .map_err(|error| PageError::internal(error.to_string(), request_id))?;

    // The timeline, filtered.
    let (from, to, filter_error) =
        match (parse_day(&query.from, "from"), parse_day(&query.to, "to")) {
            (Ok(from), Ok(to)) => (from, to, None),
            (Err(error), _) | (_, Err(error)) => (None, None, Some(error)),
        };
    let kind = query
        .kind
        .as_deref()
        .and_then(Category::parse)
        .map(|category| category.as_str().to_owned());
    let timeline = projections::chronology::timeline(
        side.database(),
        child_id,
        &TimelineQuery {
            from,
            to,
            categories: kind.iter().cloned().collect(),
            event_types: Vec::new(),
        },
    )
    .await
    .map_err(|error| PageError::internal(error.to_string(), request_id))?;
    let total_entries = timeline.len();
    let pages = total_entries.div_ceil(TIMELINE_PAGE_SIZE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let entries = timeline
        .iter()
        .rev()
        .skip((page - 1) * TIMELINE_PAGE_SIZE)
        .take(TIMELINE_PAGE_SIZE)
        .map(|entry| EntryRow {
            date: format::date(entry.occurred_at.date_naive()),
            kind: category_name(&entry.category),
            summary: entry.summary.clone(),
            who: entry.actor_role.replace('_', " "),
        })
        .collect();
    let page_link = |number: usize| {
        format!(
            "/children/{child_id}{}#timeline",
            format::query_string(&[
                ("kind", kind.as_deref()),
                ("from", query.from.as_deref()),
                ("to", query.to.as_deref()),
                ("page", Some(&number.to_string())),
            ])
        )
    };

    // Who the child is.
    let details = child.details.as_ref();
    let name = details
        .and_then(
            |details| match (&details.given_name, &details.family_name) {
                (Some(given), Some(family)) => Some(format!("{given} {family}")),
                (Some(given), None) => Some(given.clone()),
                _ => None,
            },
        )
        .unwrap_or_else(|| "Name not recorded".to_owned());
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
            about.push(Row {
                key: "Placement".to_owned(),
                value: format!(
                    "{}, since {}{postcode}",
                    describe(CodeListKind::PlacementType, &episode.placement_type),
                    format::date(episode.start_date)
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
    about.push(Row {
        key: "In care".to_owned(),
        value: if child.in_care() {
            "Yes"
        } else {
            "No, has left care"
        }
        .to_owned(),
    });
    about.push(Row {
        key: "Special educational needs".to_owned(),
        value: match child.sen {
            None => "Not recorded",
            Some(SenProvision::None) => "No identified needs",
            Some(SenProvision::SenSupport) => "SEN support",
            Some(SenProvision::EhcpAssessment) => "EHC plan being assessed",
            Some(SenProvision::Ehcp) => "EHC plan",
        }
        .to_owned(),
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

    // Due dates, with why.
    let due = compliance
        .as_ref()
        .map(|compliance| {
            compliance
                .items
                .iter()
                .map(|judged| DueRow {
                    label: judged.item.kind.to_string(),
                    due: format::date(judged.item.due_date),
                    met: format::optional_date(judged.item.met_on)
                        .replace("Not recorded", "Not yet"),
                    tag: format::due_tag(Some(judged.status)),
                    basis: judged.item.basis.clone(),
                    provisional: judged.item.due_date_is_provisional,
                })
                .collect()
        })
        .unwrap_or_default();
    let headline = format::due_tag(compliance.as_ref().and_then(|compliance| compliance.status));
    let flags = child.data_quality_issues().iter().map(flag_words).collect();

    // PEPs, newest first.
    let mut peps: Vec<&PepState> = replay.peps.iter().map(|pep| &pep.state).collect();
    peps.reverse();
    let current = peps.first().map(|pep| pep_view(pep));
    let earlier = peps
        .iter()
        .skip(1)
        .map(|pep| {
            let view = pep_view(pep);
            EarlierPep {
                heading: view.heading,
                status: view.status,
            }
        })
        .collect();

    let kinds = std::iter::once(KindChoice {
        value: String::new(),
        label: "All kinds".to_owned(),
        selected: kind.is_none(),
    })
    .chain(Category::ALL.iter().map(|category| KindChoice {
        value: category.as_str().to_owned(),
        label: category_name(category.as_str()),
        selected: kind.as_deref() == Some(category.as_str()),
    }))
    .collect();
    render(&ChildPage {
        layout: Layout::signed_in(&signed_in, &name, ""),
        name,
        la_child_id,
        headline,
        about,
        people,
        due,
        flags,
        current,
        earlier,
        entries,
        kinds,
        from: query.from.clone().unwrap_or_default(),
        to: query.to.clone().unwrap_or_default(),
        page,
        pages,
        total_entries,
        previous_link: (page > 1).then(|| page_link(page - 1)),
        next_link: (page < pages).then(|| page_link(page + 1)),
        filter_error,
        audit_href: pep_auth::policy::reach(
            &signed_in.principal,
            pep_auth::Operation::QueryAccessLog,
        )
        .is_ok()
        .then(|| format!("/audit/children/{child_id}")),
    })
    .pipe_ok()
}

trait PipeOk {
    fn pipe_ok(self) -> Result<Response, PageError>;
}

impl PipeOk for Response {
    fn pipe_ok(self) -> Result<Response, PageError> {
        Ok(self)
    }
}

/// A chronology category in words.
pub fn category_name(category: &str) -> String {
    match category {
        "record" => "Record",
        "care" => "Care and placement",
        "education_setting" => "School",
        "people" => "People",
        "sen" => "SEN",
        "attendance" => "Attendance",
        "exclusion" => "Exclusions",
        "attainment" => "Attainment",
        "pep" => "PEP",
        "pep_meeting" => "PEP meeting",
        "target" => "Targets",
        "action" => "Actions",
        "funding" => "PP+",
        "notice" => "Notices",
        other => other,
    }
    .to_owned()
}

fn pep_view(pep: &PepState) -> PepView {
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

/// `CurrentArrangements` as "Current arrangements".
fn words(identifier: &str) -> String {
    let mut text = String::new();
    for (index, character) in identifier.chars().enumerate() {
        if character.is_uppercase() && index > 0 {
            text.push(' ');
            text.extend(character.to_lowercase());
        } else {
            text.push(character);
        }
    }
    text
}

/// A data-quality flag in words a person can act on (ring the social care team about it).
fn flag_words(issue: &domain::child::DataQualityIssue) -> String {
    use domain::child::DataQualityIssue;
    match issue {
        DataQualityIssue::InvalidUpn { upn, reason } => {
            format!("The UPN {upn} is not valid: {reason}")
        }
        DataQualityIssue::OverlappingEpisodes {
            first_start,
            second_start,
        } => format!(
            "Two care episodes overlap: the one starting {} and the one starting {}",
            format::date(*first_start),
            format::date(*second_start)
        ),
        DataQualityIssue::FirstEpisodeNotStart {
            start_date,
            reason_new_episode,
        } => format!(
            "The earliest care episode known, starting {}, does not start a period of care (its reason for a new episode is {reason_new_episode}, not S): an earlier episode may be missing",
            format::date(*start_date)
        ),
    }
}
