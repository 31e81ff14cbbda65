//! Bitemporal replay of one child: the record and each PEP as known at instant T (events with
//! `recorded_at <= T`) and/or as of business date D (events with `occurred_at` on or before D),
//! and every change recorded after T (who, when, what).
//!
//! The two axes answer different questions. "As known at T" is what PEP Ledger could have shown
//! at T: a placement change reported late is absent before it was recorded. "As of D" is the
//! world on D as known now (or as known at T, when both are given): a placement change on 3 March
//! reported on 20 March is present as of 5 March.

use super::AuditError;
use crate::runtime::EventLog;
use chrono::{DateTime, NaiveDate, Utc};
use domain::Actor;
use domain::PersonRef;
use domain::calendar::Calendar;
use domain::child::{
    AssignedRole, ChildDetails, ChildEvent, ChildState, DataQualityIssue, LeavingReason,
    Ssda903Episode,
};
use domain::compliance::from_events::ComplianceFold;
use domain::compliance::{ComplianceFacts, DueDates, due_dates};
use domain::envelope::RecordedEvent;
use domain::event::DomainEvent;
use domain::ids::{ChildId, PepId, TargetId};
use domain::pep::{PepEvent, PepKind, PepSection, PepState, PepStatus, PepTrigger, TargetOutcome};
use domain::policy::LaPolicy;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// A child's record and PEPs as replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildReplay {
    /// The child.
    pub child_id: ChildId,
    /// Only events recorded at or before this instant, when given.
    pub as_known_at: Option<DateTime<Utc>>,
    /// Only events that occurred on or before this day, when given.
    pub as_of: Option<NaiveDate>,
    /// The child record folded from the included events.
    pub child: ChildState,
    /// Each PEP the included events opened, folded from its included events.
    pub peps: Vec<PepReplay>,
    /// The compliance facts from the included events (`None` before registration).
    pub facts: Option<ComplianceFacts>,
    /// The included events of the child and its PEPs, in global position order.
    pub events: Vec<RecordedEvent>,
    /// Every event of the child and its PEPs recorded after `as_known_at`, in position order
    /// (empty without `as_known_at`).
    pub changes_since: Vec<RecordedChange>,
}

/// One PEP as replayed.
#[derive(Debug, Clone, PartialEq)]
pub struct PepReplay {
    /// The PEP.
    pub pep_id: PepId,
    /// Its state from the included events.
    pub state: PepState,
}

/// One change recorded after the replay's instant: who did what, when it happened and when it
/// was recorded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedChange {
    /// Where in the log.
    pub global_position: u64,
    /// The stream changed (`child-…` or `pep-…`).
    pub stream_id: String,
    /// The stream's version after the change.
    pub stream_version: u64,
    /// The event's id.
    pub event_id: uuid::Uuid,
    /// What happened.
    pub event_type: String,
    /// Who recorded it.
    pub actor: Actor,
    /// Where it came from.
    pub source: String,
    /// When it happened in the world.
    pub occurred_at: DateTime<Utc>,
    /// When PEP Ledger recorded it.
    pub recorded_at: DateTime<Utc>,
    /// The change itself.
    pub payload: Value,
}

impl From<&RecordedEvent> for RecordedChange {
    fn from(event: &RecordedEvent) -> Self {
        Self {
            global_position: event.global_position,
            stream_id: event.stream_id.clone(),
            stream_version: event.stream_version,
            event_id: event.event_id,
            event_type: event.event_type.clone(),
            actor: event.actor.clone(),
            source: event.source.clone(),
            occurred_at: event.occurred_at,
            recorded_at: event.recorded_at,
            payload: event.payload.clone(),
        }
    }
}

/// Replays `child_id` as known at `as_known_at` and/or as of `as_of` (both `None`: now).
pub async fn replay_child(
    log: &dyn EventLog,
    child_id: ChildId,
    as_known_at: Option<DateTime<Utc>>,
    as_of: Option<NaiveDate>,
) -> Result<ChildReplay, AuditError> {
    let included = |event: &RecordedEvent| {
        as_known_at.is_none_or(|instant| event.recorded_at <= instant)
            && as_of.is_none_or(|day| event.occurred_at.date_naive() <= day)
    };
    let recorded_later =
        |event: &RecordedEvent| as_known_at.is_some_and(|instant| event.recorded_at > instant);

    let child_events = log.read_stream(&child_id.stream_id(), None).await?;
    if child_events.is_empty() {
        return Err(AuditError::UnknownChild(child_id));
    }
    let mut child = ChildState::default();
    let mut fold = ComplianceFold::new();
    let mut events = Vec::new();
    let mut changes_since = Vec::new();
    let mut every_pep = Vec::new();
    for recorded in &child_events {
        let event: ChildEvent = decode(recorded)?;
        if let ChildEvent::PepOpened { pep_id, .. } = &event {
            every_pep.push(*pep_id);
        }
        if included(recorded) {
            child = child.evolve(&event);
            fold.apply_child_event(&event, recorded.recorded_at.date_naive());
            events.push(recorded.clone());
        }
        if recorded_later(recorded) {
            changes_since.push(RecordedChange::from(recorded));
        }
    }
    let mut peps = Vec::new();
    for pep_id in every_pep {
        let pep_events = log.read_stream(&pep_id.stream_id(), None).await?;
        let known = child.peps.contains(&pep_id);
        let mut state = PepState::default();
        for recorded in &pep_events {
            if known && included(recorded) {
                let event: PepEvent = decode(recorded)?;
                state = state.evolve(&event);
                fold.apply_pep_event(pep_id, &event);
                events.push(recorded.clone());
            }
            if recorded_later(recorded) {
                changes_since.push(RecordedChange::from(recorded));
            }
        }
        if known {
            peps.push(PepReplay { pep_id, state });
        }
    }
    events.sort_by_key(|event| event.global_position);
    changes_since.sort_by_key(|change| change.global_position);
    Ok(ChildReplay {
        child_id,
        as_known_at,
        as_of,
        child,
        peps,
        facts: fold.facts(),
        events,
        changes_since,
    })
}

fn decode<E: DomainEvent>(recorded: &RecordedEvent) -> Result<E, AuditError> {
    E::decode(
        &recorded.event_type,
        recorded.schema_version,
        &recorded.payload,
    )
    .map_err(|source| AuditError::Decode {
        position: recorded.global_position,
        event_id: recorded.event_id,
        source,
    })
}

impl ChildReplay {
    /// The child's due dates as they stood in the replay, under `policy` and `calendar`.
    pub fn due_dates(&self, policy: &LaPolicy, calendar: &Calendar) -> DueDates {
        self.facts
            .as_ref()
            .map(|facts| due_dates(facts, policy, calendar))
            .unwrap_or_default()
    }

    /// The replay in a shape an API or a report can serialise.
    pub fn summary(&self) -> ReplaySummary {
        let registration = self.child.registration.as_ref();
        ReplaySummary {
            child_id: self.child_id,
            as_known_at: self.as_known_at,
            as_of: self.as_of,
            la: registration.map(|registration| registration.la.as_str().to_owned()),
            la_child_id: registration.map(|registration| registration.la_child_id.clone()),
            details: self.child.details.clone(),
            in_care: self.child.in_care(),
            episodes: self.child.episodes.values().cloned().collect(),
            settings: self
                .child
                .settings
                .iter()
                .map(|spell| SettingSummary {
                    urn: spell
                        .setting
                        .urn
                        .as_ref()
                        .map(|urn| urn.as_str().to_owned()),
                    name: spell.setting.name.clone(),
                    started_on: spell.started_on,
                    left_on: spell.left_on,
                    leaving_reason: spell.leaving_reason,
                })
                .collect(),
            people: self.child.people.clone(),
            open_pep_id: self.child.open_pep,
            shared_with: self
                .child
                .shared_with
                .iter()
                .map(|la| la.as_str().to_owned())
                .collect(),
            data_quality: self.child.data_quality_issues(),
            peps: self.peps.iter().map(PepSummary::from).collect(),
            facts: self.facts.clone(),
            events_included: self.events.len(),
            changes_since: self.changes_since.clone(),
        }
    }
}

/// A replayed child in serialisable form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReplaySummary {
    /// The child.
    pub child_id: ChildId,
    /// The instant replayed, if any.
    pub as_known_at: Option<DateTime<Utc>>,
    /// The business date replayed, if any.
    pub as_of: Option<NaiveDate>,
    /// The responsible LA, once registered.
    pub la: Option<String>,
    /// The child's id in the LA's social care system.
    pub la_child_id: Option<String>,
    /// Identifying details.
    pub details: Option<ChildDetails>,
    /// Looked after according to the latest episode included.
    pub in_care: bool,
    /// SSDA903 episodes, by start date.
    pub episodes: Vec<Ssda903Episode>,
    /// Education settings, oldest first.
    pub settings: Vec<SettingSummary>,
    /// Who held each role.
    pub people: BTreeMap<AssignedRole, PersonRef>,
    /// The open PEP.
    pub open_pep_id: Option<PepId>,
    /// The LAs the placing LA shared the record with (at the instant replayed), in code order.
    pub shared_with: Vec<String>,
    /// Data-quality flags.
    pub data_quality: Vec<DataQualityIssue>,
    /// Each PEP.
    pub peps: Vec<PepSummary>,
    /// The compliance facts.
    pub facts: Option<ComplianceFacts>,
    /// How many events were folded.
    pub events_included: usize,
    /// Changes recorded after the instant.
    pub changes_since: Vec<RecordedChange>,
}

/// One education setting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SettingSummary {
    /// URN, if it has one.
    pub urn: Option<String>,
    /// Name.
    pub name: String,
    /// First day.
    pub started_on: NaiveDate,
    /// The day the next setting started.
    pub left_on: Option<NaiveDate>,
    /// Why it was left.
    pub leaving_reason: Option<LeavingReason>,
}

/// What one PEP said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PepSummary {
    /// The PEP.
    pub pep_id: PepId,
    /// Kind, once initiated.
    pub kind: Option<PepKind>,
    /// Trigger, once initiated.
    pub trigger: Option<PepTrigger>,
    /// Day initiated.
    pub initiated_on: Option<NaiveDate>,
    /// Status.
    pub status: PepStatus,
    /// Each section's text and completion day.
    pub sections: BTreeMap<PepSection, SectionSummary>,
    /// Days meetings were held.
    pub meetings_held_on: Vec<NaiveDate>,
    /// The child's views as recorded.
    pub child_views: Vec<String>,
    /// Targets set here or carried in.
    pub targets: BTreeMap<TargetId, TargetSummary>,
    /// What still stops submission.
    pub missing_for_submission: Vec<String>,
}

/// One section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionSummary {
    /// Its text.
    pub content: String,
    /// When completed.
    pub completed_on: Option<NaiveDate>,
    /// How many times it has been drafted (a new draft names it as `based_on_revision`).
    pub revision: u32,
}

/// One target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetSummary {
    /// Set in this PEP (false when carried in to review).
    pub set_here: bool,
    /// What it says.
    pub description: String,
    /// How success is judged.
    pub success_criterion: String,
    /// Due date.
    pub due_on: NaiveDate,
    /// Review outcome.
    pub outcome: Option<TargetOutcome>,
}

impl From<&PepReplay> for PepSummary {
    fn from(replay: &PepReplay) -> Self {
        let state = &replay.state;
        let header = state.header.as_ref();
        Self {
            pep_id: replay.pep_id,
            kind: header.map(|header| header.kind),
            trigger: header.map(|header| header.trigger),
            initiated_on: header.map(|header| header.initiated_on),
            status: state.status(),
            sections: state
                .sections
                .iter()
                .map(|(section, section_state)| {
                    let summary = SectionSummary {
                        content: section_state.content.clone(),
                        completed_on: section_state.completed_on,
                        revision: section_state.revision,
                    };
                    (*section, summary)
                })
                .collect(),
            meetings_held_on: state
                .meetings
                .values()
                .filter_map(|meeting| meeting.held_on)
                .collect(),
            child_views: state
                .child_views
                .iter()
                .map(|(views, _)| views.clone())
                .collect(),
            targets: state
                .targets
                .iter()
                .map(|(target_id, target)| {
                    let summary = TargetSummary {
                        set_here: target.set_here,
                        description: target.description.clone(),
                        success_criterion: target.success_criterion.clone(),
                        due_on: target.due_on,
                        outcome: target.outcome,
                    };
                    (*target_id, summary)
                })
                .collect(),
            missing_for_submission: state.missing_for_submission(),
        }
    }
}
