//! How one event changes the compliance tables, inside the runner's transaction.
//!
//! A child event folds into the child's stored progress; a PEP event into the PEP's stored state
//! and then the child's; a PP+ event into its request row. Whenever the child's compliance facts
//! change, the due dates are recomputed with the projector's policy and calendar and the child's
//! due-item rows are replaced; otherwise only the child's row is rewritten. Nothing here reads
//! the clock: status is judged at query time.

use super::child_record::{ChildProgress, QualityAssurance, child_row};
use super::schema::{CHILDREN, FUNDING_REQUESTS, PEPS};
use super::stored_pep::StoredPep;
use super::stored_rows::{
    LoadedChild, id_in_stream, load_child, load_pep, replace_due_items, to_json, wire_name,
};
use crate::db::{date_text, to_sql_integer};
use crate::runtime::{ProjectionError, TableNames, decode_event};
use domain::calendar::Calendar;
use domain::child::ChildEvent;
use domain::compliance::{ComplianceFacts, DueDates, due_dates};
use domain::envelope::RecordedEvent;
use domain::funding::FundingEvent;
use domain::ids::{ChildId, PepId};
use domain::pep::PepEvent;
use domain::policy::LaPolicy;
use sqlx::AnyConnection;

/// The reference data due dates are computed with.
pub(super) struct Rules<'a> {
    pub policy: &'a LaPolicy,
    pub calendar: &'a Calendar,
}

/// Applies one event; events of no interest change nothing.
pub(super) async fn apply_event(
    rules: &Rules<'_>,
    connection: &mut AnyConnection,
    tables: &TableNames,
    event: &RecordedEvent,
) -> Result<(), ProjectionError> {
    if let Some(child_event) = decode_event::<ChildEvent>(event)? {
        return apply_child_event(rules, connection, tables, event, &child_event).await;
    }
    if let Some(pep_event) = decode_event::<PepEvent>(event)? {
        return apply_pep_event(rules, connection, tables, event, &pep_event).await;
    }
    if let Some(funding_event) = decode_event::<FundingEvent>(event)? {
        return apply_funding_event(connection, tables, event, &funding_event).await;
    }
    Ok(())
}

async fn apply_child_event(
    rules: &Rules<'_>,
    connection: &mut AnyConnection,
    tables: &TableNames,
    recorded: &RecordedEvent,
    event: &ChildEvent,
) -> Result<(), ProjectionError> {
    // Education facts, notices and sharing do not touch compliance (a shared child stays in
    // the placing LA's cohort only); skip them without a read.
    if matches!(
        event,
        ChildEvent::SenStatusRecorded { .. }
            | ChildEvent::AttendanceRecorded { .. }
            | ChildEvent::ExclusionRecorded { .. }
            | ChildEvent::AttainmentRecorded { .. }
            | ChildEvent::IroNoticeRequested { .. }
            | ChildEvent::RecordShared { .. }
            | ChildEvent::RecordSharingEnded { .. }
    ) {
        return Ok(());
    }
    let child_id = id_in_stream(&recorded.stream_id, "child-")?;
    let loaded = load_child(connection, tables, child_id).await?;
    let is_new = loaded.is_none();
    let LoadedChild {
        mut progress,
        schedule_problems,
    } = loaded.unwrap_or_else(|| LoadedChild {
        progress: ChildProgress::default(),
        schedule_problems: "[]".to_owned(),
    });
    let facts_before = progress.fold.facts();
    if !progress.apply(event, recorded.recorded_at.date_naive()) && !is_new {
        return Ok(());
    }
    let current_pep = match progress.current_pep() {
        Some(pep_id) => load_pep(connection, tables, pep_id)
            .await?
            .map(|(_, stored)| stored),
        None => None,
    };
    let write = ChildWrite {
        child_id,
        progress: &progress,
        current_pep: current_pep.as_ref(),
        facts_before: if is_new { None } else { Some(facts_before) },
        schedule_problems,
        position: recorded.global_position,
    };
    write_child(rules, connection, tables, write).await
}

async fn apply_pep_event(
    rules: &Rules<'_>,
    connection: &mut AnyConnection,
    tables: &TableNames,
    recorded: &RecordedEvent,
    event: &PepEvent,
) -> Result<(), ProjectionError> {
    let pep_id = PepId::from_uuid(id_in_stream(&recorded.stream_id, "pep-")?.as_uuid());
    let (child_id, mut stored) = match event {
        PepEvent::Initiated { child_id, .. } => (*child_id, StoredPep::default()),
        _ => match load_pep(connection, tables, pep_id).await? {
            Some(loaded) => loaded,
            // The PEP decider refuses every command before initiation, so the log never has
            // such an event; there is nothing to attach it to.
            None => return Ok(()),
        },
    };
    stored.apply(event);
    let peps = tables.name(PEPS);
    sqlx::query(&format!(
        "INSERT INTO {peps} (pep_id, child_id, state) VALUES ($1, $2, $3)
         ON CONFLICT (pep_id) DO UPDATE SET child_id = $2, state = $3"
    ))
    .bind(pep_id.to_string())
    .bind(child_id.to_string())
    .bind(to_json(&stored)?)
    .execute(&mut *connection)
    .await?;

    let Some(LoadedChild {
        mut progress,
        schedule_problems,
    }) = load_child(connection, tables, child_id).await?
    else {
        // A PEP is always opened on a registered child in the same append.
        return Ok(());
    };
    let facts_before = progress.fold.facts();
    let dates_changed = progress.fold.apply_pep_event(pep_id, event);
    if let PepEvent::QualityAssured {
        rating, assured_on, ..
    } = event
    {
        progress.record_quality_assurance(QualityAssurance {
            pep_id,
            rating: *rating,
            assured_on: *assured_on,
        });
    }
    let is_current = progress.current_pep() == Some(pep_id);
    let rated = matches!(event, PepEvent::QualityAssured { .. });
    if !is_current && !dates_changed && !rated {
        return Ok(());
    }
    let current_pep = match progress.current_pep() {
        Some(current) if current == pep_id => Some(stored),
        Some(current) => load_pep(connection, tables, current)
            .await?
            .map(|(_, stored)| stored),
        None => None,
    };
    let write = ChildWrite {
        child_id,
        progress: &progress,
        current_pep: current_pep.as_ref(),
        facts_before: Some(facts_before),
        schedule_problems,
        position: recorded.global_position,
    };
    write_child(rules, connection, tables, write).await
}

async fn apply_funding_event(
    connection: &mut AnyConnection,
    tables: &TableNames,
    recorded: &RecordedEvent,
    event: &FundingEvent,
) -> Result<(), ProjectionError> {
    let requests = tables.name(FUNDING_REQUESTS);
    let children = tables.name(CHILDREN);
    let position = to_sql_integer(recorded.global_position)?;
    match event {
        FundingEvent::Requested {
            request_id,
            child_id,
            pep_id,
            amount,
            ..
        } => {
            sqlx::query(&format!(
                "INSERT INTO {requests}
                     (request_id, child_id, pep_id, state, requested_pence, allocated_pence)
                 VALUES ($1, $2, $3, 'requested', $4, NULL)
                 ON CONFLICT (request_id) DO NOTHING"
            ))
            .bind(request_id.to_string())
            .bind(child_id.to_string())
            .bind(pep_id.to_string())
            .bind(amount.pence())
            .execute(&mut *connection)
            .await?;
            // The child's count of PP+ requests changed: mark the row, so the cohort's copy in
            // memory reads it again (`cache`), as it does for any event that rewrites a row.
            sqlx::query(&format!(
                "UPDATE {children} SET last_position = $1 WHERE child_id = $2"
            ))
            .bind(position)
            .bind(child_id.to_string())
            .execute(&mut *connection)
            .await?;
        }
        FundingEvent::Allocated {
            request_id, amount, ..
        } => {
            sqlx::query(&format!(
                "UPDATE {requests} SET state = 'allocated', allocated_pence = $2
                 WHERE request_id = $1"
            ))
            .bind(request_id.to_string())
            .bind(amount.pence())
            .execute(&mut *connection)
            .await?;
        }
        FundingEvent::Rejected { request_id, .. } => {
            sqlx::query(&format!(
                "UPDATE {requests} SET state = 'rejected' WHERE request_id = $1"
            ))
            .bind(request_id.to_string())
            .execute(&mut *connection)
            .await?;
            // A rejected request no longer counts: mark the child's row, as above.
            sqlx::query(&format!(
                "UPDATE {children} SET last_position = $1
                 WHERE child_id = (SELECT child_id FROM {requests} WHERE request_id = $2)"
            ))
            .bind(position)
            .bind(request_id.to_string())
            .execute(&mut *connection)
            .await?;
        }
        FundingEvent::BudgetSet { .. }
        | FundingEvent::ImpactRecorded { .. }
        | FundingEvent::Paid { .. } => {}
    }
    Ok(())
}

/// Everything needed to rewrite one child's rows.
struct ChildWrite<'a> {
    child_id: ChildId,
    progress: &'a ChildProgress,
    current_pep: Option<&'a StoredPep>,
    /// The facts before this event; `None` for a new row (due dates always computed).
    facts_before: Option<Option<ComplianceFacts>>,
    /// The problems stored with the last due dates, kept when the facts did not change.
    schedule_problems: String,
    position: u64,
}

async fn write_child(
    rules: &Rules<'_>,
    connection: &mut AnyConnection,
    tables: &TableNames,
    write: ChildWrite<'_>,
) -> Result<(), ProjectionError> {
    let facts = write.progress.fold.facts();
    let mut schedule_problems = write.schedule_problems;
    if write.facts_before.as_ref() != Some(&facts) {
        let due = match &facts {
            Some(facts) => due_dates(facts, rules.policy, rules.calendar),
            None => DueDates::default(),
        };
        replace_due_items(connection, tables, write.child_id, &due).await?;
        schedule_problems = to_json(&due.problems)?;
    }
    let row = child_row(write.progress, write.current_pep);
    let children = tables.name(CHILDREN);
    let quality = row.last_quality_assurance;
    sqlx::query(&format!(
        "INSERT INTO {children} (
             child_id, la, la_child_id, date_of_birth, in_care, care_started_on, school_urn,
             school_name, social_worker_id, social_worker_name, current_pep_id, open_pep_id,
             current_pep_status, missing_sections, missing_for_submission, smart_targets_set,
             targets_to_review, targets_reviewed, smart_targets_complete, last_qa_rating,
             last_qa_on, last_qa_pep_id, data_quality, schedule_problems, state, last_position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                 $19, $20, $21, $22, $23, $24, $25, $26)
         ON CONFLICT (child_id) DO UPDATE SET
             la = $2, la_child_id = $3, date_of_birth = $4, in_care = $5, care_started_on = $6,
             school_urn = $7, school_name = $8, social_worker_id = $9, social_worker_name = $10,
             current_pep_id = $11, open_pep_id = $12, current_pep_status = $13,
             missing_sections = $14, missing_for_submission = $15, smart_targets_set = $16,
             targets_to_review = $17, targets_reviewed = $18, smart_targets_complete = $19,
             last_qa_rating = $20, last_qa_on = $21, last_qa_pep_id = $22, data_quality = $23,
             schedule_problems = $24, state = $25, last_position = $26"
    ))
    .bind(write.child_id.to_string())
    .bind(row.la)
    .bind(row.la_child_id)
    .bind(row.date_of_birth.map(date_text))
    .bind(i64::from(row.in_care))
    .bind(row.care_started_on.map(date_text))
    .bind(row.school_urn)
    .bind(row.school_name)
    .bind(row.social_worker.as_ref().map(|person| person.id.clone()))
    .bind(row.social_worker.map(|person| person.name))
    .bind(row.current_pep_id.map(|pep_id| pep_id.to_string()))
    .bind(row.open_pep_id.map(|pep_id| pep_id.to_string()))
    .bind(
        row.current_pep_status
            .map(|status| wire_name(&status))
            .transpose()?,
    )
    .bind(to_json(&row.missing_sections)?)
    .bind(to_json(&row.missing_for_submission)?)
    .bind(i64::from(row.targets.set_here))
    .bind(i64::from(row.targets.to_review))
    .bind(i64::from(row.targets.reviewed))
    .bind(i64::from(row.targets.is_complete()))
    .bind(
        quality
            .map(|quality| wire_name(&quality.rating))
            .transpose()?,
    )
    .bind(quality.map(|quality| date_text(quality.assured_on)))
    .bind(quality.map(|quality| quality.pep_id.to_string()))
    .bind(to_json(&row.data_quality)?)
    .bind(schedule_problems)
    .bind(to_json(write.progress)?)
    .bind(to_sql_integer(write.position)?)
    .execute(&mut *connection)
    .await?;
    Ok(())
}
