//! A large, coherent history made fast: prepared events appended straight through the store in
//! big multi-stream requests (thousands of events each), not one command at a time.

mod child_history;

pub use child_history::EVENTS_PER_CHILD;

use child_history::one_child;
use chrono::NaiveTime;
use commands::store::{
    AppendRequest, EventMetadata, EventStore, ExpectedVersion, NewEvent, StreamAppend,
};
use domain::event::DomainEvent;
use domain::funding::{FundingEvent, ReleaseCondition, budget_stream_id};
use domain::values::Money;
use domain::{Actor, Role};
use std::sync::Arc;
use uuid::Uuid;

use crate::fixtures::{la, year};

/// Appends the year's budget, then `children` children's histories in requests of
/// `children_per_request` children; returns the number of events appended.
pub async fn generate_history(
    store: &Arc<dyn EventStore>,
    children: usize,
    children_per_request: usize,
) -> u64 {
    let budget_stream = budget_stream_id(&la(), year());
    let mut budget_version = store.stream_version(&budget_stream).await.unwrap();
    let mut appended = 0;
    if budget_version == 0 {
        let budget = FundingEvent::BudgetSet {
            la: la(),
            financial_year: year(),
            budget: Money::from_pence(1_000_000_000),
            per_child_cap: Money::from_pence(190_000),
            release_condition: ReleaseCondition::QualityAssured,
            impact_required_before_further_funding: false,
        };
        let request = AppendRequest::single(
            budget_stream.clone(),
            ExpectedVersion::NoStream,
            vec![new_event(&budget, Role::VirtualSchool)],
            None,
        );
        store.append(request).await.unwrap();
        budget_version = 1;
        appended += 1;
    }
    let mut made = 0;
    while made < children {
        let count = children_per_request.min(children - made);
        let mut streams = Vec::with_capacity(count * 2 + 1);
        let mut funding = Vec::with_capacity(count * 3);
        for index in made..made + count {
            let (child, pep, requests) = one_child(index);
            streams.push(StreamAppend {
                stream_id: child.0,
                expected: ExpectedVersion::NoStream,
                events: child.1,
            });
            streams.push(StreamAppend {
                stream_id: pep.0,
                expected: ExpectedVersion::NoStream,
                events: pep.1,
            });
            funding.extend(requests);
        }
        let funding_count = funding.len() as u64;
        streams.push(StreamAppend {
            stream_id: budget_stream.clone(),
            expected: ExpectedVersion::Exactly(budget_version),
            events: funding,
        });
        let events: u64 = streams
            .iter()
            .map(|stream| stream.events.len() as u64)
            .sum();
        store
            .append(AppendRequest {
                streams,
                idempotency: None,
            })
            .await
            .unwrap();
        budget_version += funding_count;
        appended += events;
        made += count;
    }
    appended
}

fn new_event<E: DomainEvent>(event: &E, role: Role) -> NewEvent {
    let encoded = event.encode();
    let metadata = EventMetadata {
        la: la().as_str().to_owned(),
        occurred_at: event
            .occurred_on()
            .map(|day| day.and_time(NaiveTime::MIN).and_utc())
            .unwrap_or_else(crate::support::start_instant),
        actor: Actor::new(format!("{role}-1"), role),
        correlation_id: Uuid::now_v7(),
        causation_id: Uuid::now_v7(),
        source: "generator".to_owned(),
    };
    NewEvent::new(
        Uuid::now_v7(),
        encoded.event_type,
        encoded.schema_version,
        encoded.payload,
        &metadata,
    )
}
