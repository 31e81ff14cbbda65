//! Applying the authorisation table to a request: load what the table needs to know (the
//! child's LA, school and assigned people; which child a PEP or a PP+ request is about), ask
//! [`pep_auth::policy`], and answer 403 or 404 as it says. Also the helper every read route
//! calls, which authorises a read of a child's record and writes it to the access log, and its
//! batch form for the cohort reads, which show many children at once.

use super::problem::ApiError;
use super::state::AppState;
use commands::store::{ReadStreamOptions, StoreError};
use domain::child::{ChildDecider, ChildState};
use domain::event::{Decider, DomainEvent};
use domain::funding::{FinancialYear, FundingDecider, FundingState, budget_stream_id};
use domain::ids::{ChildId, FundingRequestId, PepId};
use domain::pep::{PepDecider, PepHeader, PepState};
use domain::values::LaCode;
use pep_auth::Principal;
use pep_auth::policy::{self, ChildFacts, Denial, Operation};
use pep_records::AccessLogEntry;
use uuid::Uuid;

fn store_problem(error: StoreError) -> ApiError {
    match error {
        StoreError::Unavailable(reason) => ApiError::unavailable(
            reason,
            super::domain_errors::UNAVAILABLE_RETRY_AFTER_SECONDS,
        ),
        other => ApiError::internal(other.to_string()),
    }
}

/// Folds a stream into its decider's state, with its version.
pub async fn load<D: Decider>(
    state: &AppState,
    stream_id: &str,
) -> Result<(D::State, u64), ApiError> {
    let recorded = state
        .store()
        .read_stream(stream_id, ReadStreamOptions::all())
        .await
        .map_err(store_problem)?;
    let mut folded = D::State::default();
    for event in &recorded {
        let event = D::Event::decode(&event.event_type, event.schema_version, &event.payload)
            .map_err(|error| ApiError::internal(format!("{stream_id}: {error}")))?;
        folded = D::evolve(folded, &event);
    }
    let version = recorded.last().map_or(0, |event| event.stream_version);
    Ok((folded, version))
}

/// A child's record as it stands.
pub async fn load_child(state: &AppState, child_id: ChildId) -> Result<ChildState, ApiError> {
    Ok(load::<ChildDecider>(state, &child_id.stream_id()).await?.0)
}

/// A PEP as it stands.
pub async fn load_pep(state: &AppState, pep_id: PepId) -> Result<PepState, ApiError> {
    Ok(load::<PepDecider>(state, &pep_id.stream_id()).await?.0)
}

/// An LA's PP+ budget for a year as it stands.
pub async fn load_funding(
    state: &AppState,
    la: &LaCode,
    financial_year: FinancialYear,
) -> Result<FundingState, ApiError> {
    Ok(
        load::<FundingDecider>(state, &budget_stream_id(la, financial_year))
            .await?
            .0,
    )
}

fn role_refused(principal: &Principal, operation: Operation) -> ApiError {
    ApiError::forbidden(format!(
        "the {} role may not {}",
        principal.role,
        describe(operation)
    ))
}

fn child_hidden(child_id: ChildId) -> ApiError {
    ApiError::not_found(format!("child {child_id} was not found"))
}

/// Refuses a role the table never allows `operation`, before anything is loaded.
pub fn require_role(principal: &Principal, operation: Operation) -> Result<(), ApiError> {
    policy::reach(principal, operation)
        .map(|_| ())
        .map_err(|_| role_refused(principal, operation))
}

/// The child's facts, when the caller may take `operation` on it; otherwise 403 (wrong role)
/// or 404 (another LA's child, out of reach, or no such child: indistinguishable).
pub async fn child_in_reach(
    state: &AppState,
    principal: &Principal,
    operation: Operation,
    child_id: ChildId,
) -> Result<ChildState, ApiError> {
    require_role(principal, operation)?;
    let child = load_child(state, child_id).await?;
    let facts = ChildFacts::from_state(&child);
    match policy::authorize_child(principal, operation, facts.as_ref()) {
        Ok(()) => Ok(child),
        Err(Denial::WrongRole) => Err(role_refused(principal, operation)),
        Err(Denial::Hidden) => Err(child_hidden(child_id)),
    }
}

/// A PEP's header and its child's facts, when the caller may take `operation` on that child.
/// A PEP of a child out of reach is answered as a PEP that does not exist.
pub async fn pep_in_reach(
    state: &AppState,
    principal: &Principal,
    operation: Operation,
    pep_id: PepId,
) -> Result<(PepHeader, ChildState), ApiError> {
    require_role(principal, operation)?;
    let hidden = || ApiError::not_found(format!("PEP {pep_id} was not found"));
    let pep = load_pep(state, pep_id).await?;
    let header = pep.header.ok_or_else(hidden)?;
    // The PEP's LA is its child's; whether the caller reaches another LA's (a shared record)
    // is the table's to say, on the child's facts.
    let child = load_child(state, header.child_id).await?;
    match policy::authorize_child(
        principal,
        operation,
        ChildFacts::from_state(&child).as_ref(),
    ) {
        Ok(()) => Ok((header, child)),
        Err(Denial::WrongRole) => Err(role_refused(principal, operation)),
        Err(Denial::Hidden) => Err(hidden()),
    }
}

/// Allows `operation` on a whole LA's thing (a PP+ budget) only to LA-wide grants of that LA;
/// another LA's is answered as not found.
pub fn la_in_reach(
    principal: &Principal,
    operation: Operation,
    la: &LaCode,
    what: impl FnOnce() -> String,
) -> Result<(), ApiError> {
    match policy::authorize_local_authority(principal, operation, la) {
        Ok(()) => Ok(()),
        Err(Denial::WrongRole) => Err(role_refused(principal, operation)),
        Err(Denial::Hidden) => Err(ApiError::not_found(format!("{} was not found", what()))),
    }
}

/// A PP+ request's child, when the caller may take `operation` on it. A request of another
/// LA's budget is reached only when its child's record is shared with the caller's LA (and
/// then only by a reach that names the child); a request out of reach is answered as one that
/// does not exist.
pub async fn funding_request_in_reach(
    state: &AppState,
    principal: &Principal,
    operation: Operation,
    la: &LaCode,
    financial_year: FinancialYear,
    request_id: FundingRequestId,
) -> Result<ChildState, ApiError> {
    require_role(principal, operation)?;
    let hidden = || ApiError::not_found(format!("PP+ request {request_id} was not found"));
    // Another LA's budget is reached only through a request for a child whose record that LA
    // shares with the caller's; the table decides on the child's facts.
    let funding = load_funding(state, la, financial_year).await?;
    let request = funding.requests.get(&request_id).ok_or_else(hidden)?;
    let child = load_child(state, request.child_id).await?;
    if child
        .registration
        .as_ref()
        .is_none_or(|registration| &registration.la != la)
    {
        // A request is always made in its child's LA's budget; anything else is not ours to show.
        return Err(hidden());
    }
    match policy::authorize_child(
        principal,
        operation,
        ChildFacts::from_state(&child).as_ref(),
    ) {
        Ok(()) => Ok(child),
        Err(Denial::WrongRole) => Err(role_refused(principal, operation)),
        Err(Denial::Hidden) => Err(hidden()),
    }
}

/// For the read routes: authorises a read of a child's record and writes it to the access log
/// before anything is returned. If the log cannot be written the read is refused: a read that
/// leaves no trace is exactly what the log exists to prevent.
pub async fn authorize_child_read(
    state: &AppState,
    principal: &Principal,
    child_id: ChildId,
    what: &str,
    request_id: Uuid,
) -> Result<ChildState, ApiError> {
    let child = child_in_reach(state, principal, Operation::ReadChildRecord, child_id).await?;
    log_child_read(state, principal, child_id, &child, what, request_id).await?;
    Ok(child)
}

/// For the read routes about one PEP: authorises a read of its child's record (loading each
/// once) and writes it to the access log, as [`authorize_child_read`] does.
pub async fn authorize_pep_read(
    state: &AppState,
    principal: &Principal,
    pep_id: PepId,
    what: &str,
    request_id: Uuid,
) -> Result<PepHeader, ApiError> {
    let (header, child) =
        pep_in_reach(state, principal, Operation::ReadChildRecord, pep_id).await?;
    log_child_read(state, principal, header.child_id, &child, what, request_id).await?;
    Ok(header)
}

/// The LA responsible for `child` (the placing LA, also when another LA reads a shared record);
/// `None` for a child never registered.
pub fn responsible_la(child: &ChildState) -> Option<&str> {
    child
        .registration
        .as_ref()
        .map(|registration| registration.la.as_str())
}

/// Writes an authorised read of `child` to the access log; the read is refused if it cannot be.
pub async fn log_child_read(
    state: &AppState,
    principal: &Principal,
    child_id: ChildId,
    child: &ChildState,
    what: &str,
    request_id: Uuid,
) -> Result<(), ApiError> {
    let child_la = responsible_la(child).unwrap_or_default().to_owned();
    state
        .records()
        .log_access(&AccessLogEntry {
            accessed_at: state.clock().now(),
            actor_id: principal.subject.clone(),
            actor_role: principal.role.as_str().to_owned(),
            actor_la: principal.la.as_str().to_owned(),
            child_id: child_id.as_uuid(),
            child_la,
            what: what.to_owned(),
            request_id,
        })
        .await?;
    Ok(())
}

/// For the cohort reads (LA-wide readers only, already checked): writes one access-log row per
/// child whose record the answer shows, all in one batch, before the answer is returned. As for
/// a single read, if the rows cannot be written the read is refused.
pub async fn log_cohort_read(
    state: &AppState,
    principal: &Principal,
    children: impl IntoIterator<Item = (ChildId, String)>,
    what: &str,
    request_id: Uuid,
) -> Result<(), ApiError> {
    let accessed_at = state.clock().now();
    let entries: Vec<AccessLogEntry> = children
        .into_iter()
        .map(|(child_id, child_la)| AccessLogEntry {
            accessed_at,
            actor_id: principal.subject.clone(),
            actor_role: principal.role.as_str().to_owned(),
            actor_la: principal.la.as_str().to_owned(),
            child_id: child_id.as_uuid(),
            child_la,
            what: what.to_owned(),
            request_id,
        })
        .collect();
    state.records().log_accesses(&entries).await?;
    Ok(())
}

/// Words for an operation, for 403 details.
fn describe(operation: Operation) -> &'static str {
    match operation {
        Operation::RegisterChild => "register a child",
        Operation::UpdateChildDetails => "update a child's details",
        Operation::RecordEpisode => "record a care episode",
        Operation::ChangeEducationSetting => "record a change of education setting",
        Operation::AssignPerson => "assign people to a child",
        Operation::RecordSenStatus => "record SEN status",
        Operation::RecordAttendance => "record attendance",
        Operation::RecordExclusion => "record exclusions",
        Operation::RecordAttainment => "record attainment",
        Operation::InitiatePep => "initiate a PEP",
        Operation::DraftSection => "draft PEP sections",
        Operation::CompleteSection => "complete PEP sections",
        Operation::ScheduleMeeting => "schedule PEP meetings",
        Operation::HoldMeeting => "record PEP meetings",
        Operation::RecordChildViews => "record the child's views",
        Operation::SetTarget => "set targets",
        Operation::ReviewTarget => "review targets",
        Operation::AgreeAction => "agree actions",
        Operation::CompleteAction => "complete actions",
        Operation::SubmitPep => "submit a PEP",
        Operation::ReturnPep => "return a PEP",
        Operation::QualityAssurePep => "quality-assure a PEP",
        Operation::SignOffPep => "sign off a PEP",
        Operation::WithdrawPep => "withdraw a PEP",
        Operation::UploadAttachment => "upload attachments",
        Operation::SetFundingBudget => "set the PP+ budget",
        Operation::RequestFunding => "request PP+",
        Operation::AllocateFunding => "allocate PP+",
        Operation::RejectFunding => "reject PP+ requests",
        Operation::RecordFundingImpact => "record the impact of PP+",
        Operation::RecordFundingPayment => "record PP+ payments",
        Operation::ShareChildRecord => "share a child's record with another LA",
        Operation::ReadChildRecord => "read children's records",
        Operation::QueryAccessLog => "read the access log",
        Operation::PostFeed => "post feed messages",
        Operation::ManageInboundRejections => "look after refused feed messages",
        Operation::ReadDataQuality => "read the data-quality view",
        Operation::ManageWebhooks => "manage notice webhooks",
        Operation::ReadNoticeDeliveries => "see notice deliveries",
        Operation::RetryNoticeDelivery => "retry notice deliveries",
        Operation::ReadInbox => "read a notice inbox",
    }
}

impl From<pep_records::RecordError> for ApiError {
    fn from(error: pep_records::RecordError) -> Self {
        match error {
            pep_records::RecordError::Unavailable(reason) => ApiError::unavailable(
                reason,
                super::domain_errors::UNAVAILABLE_RETRY_AFTER_SECONDS,
            ),
            pep_records::RecordError::Failed(reason) => ApiError::internal(reason),
        }
    }
}
