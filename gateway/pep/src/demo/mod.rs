//! The demo cohort: a realistic synthetic looked-after population for LA 831, so `pep serve
//! --demo` and `pep seed-demo` show a working Virtual School on a fresh machine.
//!
//! Every record is made by the real [`CommandHandler`], so the demo data obeys the same rules
//! as live data and exercises the same events. The generator is deterministic: every value is
//! worked out from the child's index and the `today` passed in, and ids come from [`DemoIds`],
//! so seeding the same empty database on the same day gives the same history.

mod child_script;
pub mod cli;
mod people;
pub mod web_people;

pub use child_script::STATUS_CYCLE;
pub use cli::{SeedDemoArgs, run_seed_demo_command};

use child_script::{ChildScript, SeededChild};
use chrono::{NaiveDate, NaiveTime};
use commands::clock::{IdSource, ManualClock};
use commands::handlers::{CommandContext, CommandHandler, FundingAllocation, HandleError};
use commands::store::{EventStore, StoreError};
use domain::funding::FundingCommand;
use domain::funding::ReleaseCondition;
use domain::pep::PepStatus;
use domain::values::{LaCode, Money};
use domain::{Actor, Role};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use thiserror::Error;
use uuid::Uuid;

/// The LA the demo cohort belongs to.
pub const DEMO_LA: &str = "831";

/// The cohort size when none is asked for.
pub const DEFAULT_DEMO_CHILDREN: usize = 300;

/// Why the demo cohort was not (completely) seeded.
#[derive(Debug, Error)]
pub enum DemoSeedError {
    /// The database already holds events and `--force` was not given.
    #[error(
        "the database already holds {events} events; the demo cohort is only seeded into an empty database (use --force to add it anyway)"
    )]
    NotEmpty {
        /// How many events it holds.
        events: u64,
    },
    /// A command the generator issued was refused: a bug in the generator.
    #[error("demo child {index}: {error}")]
    Command {
        /// The child's index in the cohort.
        index: usize,
        /// Why the handler refused.
        #[source]
        error: HandleError,
    },
    /// The funding pass was refused: a bug in the generator.
    #[error("demo PP+ budget: {0}")]
    Funding(#[source] HandleError),
    /// The event store could not be read.
    #[error("event store: {0}")]
    Store(#[from] StoreError),
    /// The generator built a value the domain refuses.
    #[error("demo generator: {0}")]
    Generator(String),
}

/// Deterministic v7-shaped ids: the timestamp field is `today`'s midnight plus a salt (the store's
/// head position, so a forced second seeding never reuses an id), the rest a counter.
#[derive(Debug)]
pub struct DemoIds {
    high: u128,
    counter: AtomicU64,
}

impl DemoIds {
    /// Ids for a seeding on `today` into a store whose head is at `salt`.
    pub fn new(today: NaiveDate, salt: u64) -> Self {
        let millis = today.and_time(NaiveTime::MIN).and_utc().timestamp_millis();
        let timestamp = u128::from(millis.unsigned_abs().wrapping_add(salt)) & ((1 << 48) - 1);
        const VERSION_7: u128 = 0x7 << 76;
        const VARIANT_RFC4122: u128 = 0b10 << 62;
        Self {
            high: (timestamp << 80) | VERSION_7 | VARIANT_RFC4122,
            counter: AtomicU64::new(0),
        }
    }

    /// The next id.
    pub fn next(&self) -> Uuid {
        let number = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        Uuid::from_u128(self.high | u128::from(number))
    }
}

impl IdSource for DemoIds {
    fn new_id(&self) -> Uuid {
        self.next()
    }
}

/// What a seeding did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoSummary {
    /// Children registered.
    pub children: usize,
    /// Events written.
    pub events: u64,
    /// Children by the status of their latest PEP.
    pub peps_by_status: BTreeMap<String, usize>,
    /// PP+ requests made.
    pub funding_requests: usize,
    /// PP+ requests allocated.
    pub funding_allocations: usize,
}

/// How to seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// How many children.
    pub children: usize,
    /// The day the cohort is seen from; every date is relative to it.
    pub today: NaiveDate,
    /// Seed even when the database already holds events.
    pub force: bool,
}

/// The label a status has in the summary, as the API spells it.
pub fn status_label(status: PepStatus) -> String {
    serde_json::to_value(status)
        .ok()
        .and_then(|value| value.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{status:?}"))
}

/// Seeds the demo cohort into `store`, calling `progress(done, total)` after each child.
pub async fn seed_demo(
    store: Arc<dyn EventStore>,
    options: &DemoOptions,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<DemoSummary, DemoSeedError> {
    let head_before = store.head_position().await?;
    if head_before > 0 && !options.force {
        return Err(DemoSeedError::NotEmpty {
            events: head_before,
        });
    }
    let ids = Arc::new(DemoIds::new(options.today, head_before));
    let clock = ManualClock::new(
        options.today.and_time(NaiveTime::MIN).and_utc() + chrono::Duration::hours(9),
    );
    let handler = CommandHandler::new(store.clone(), Arc::new(clock), ids.clone());
    let la = LaCode::parse(DEMO_LA).map_err(|error| DemoSeedError::Generator(error.to_string()))?;
    let id_prefix = if head_before == 0 {
        "DEMO".to_owned()
    } else {
        format!("DEMO{head_before}-")
    };
    let mut seeded: Vec<SeededChild> = Vec::with_capacity(options.children);
    for index in 0..options.children {
        let script = ChildScript {
            handler: &handler,
            ids: &ids,
            la: &la,
            today: options.today,
            index,
            id_prefix: &id_prefix,
        };
        seeded.push(script.run().await?);
        progress(index + 1, options.children);
    }
    let (funding_requests, funding_allocations) =
        seed_funding(&handler, &ids, &la, options.today, &seeded).await?;
    let mut peps_by_status = BTreeMap::new();
    for child in &seeded {
        *peps_by_status
            .entry(status_label(child.latest_pep_status))
            .or_insert(0) += 1;
    }
    Ok(DemoSummary {
        children: seeded.len(),
        events: store.head_position().await? - head_before,
        peps_by_status,
        funding_requests,
        funding_allocations,
    })
}

/// Sets this financial year's PP+ budget, then requests, decides and records impact for the
/// children whose PEP has been quality assured. Returns (requests, allocations).
async fn seed_funding(
    handler: &CommandHandler,
    ids: &DemoIds,
    la: &LaCode,
    today: NaiveDate,
    seeded: &[SeededChild],
) -> Result<(usize, usize), DemoSeedError> {
    let year = child_script::current_year(today);
    let virtual_school = || {
        CommandContext::new(
            Actor::new("demo-virtual-school", Role::VirtualSchool),
            ids.next(),
            "demo",
        )
    };
    handler
        .funding(
            la,
            year,
            FundingCommand::SetBudget {
                la: la.clone(),
                financial_year: year,
                budget: Money::from_pence(demo_budget_pence(seeded.len())),
                per_child_cap: Money::from_pence(190_000),
                release_condition: ReleaseCondition::QualityAssured,
                impact_required_before_further_funding: false,
            },
            &virtual_school(),
        )
        .await
        .map_err(DemoSeedError::Funding)?;
    let (mut requests, mut allocations) = (0, 0);
    for (position, child) in seeded.iter().enumerate() {
        let Some(request) = &child.funding_request else {
            continue;
        };
        let teacher = CommandContext::new(
            Actor::new("demo-designated-teacher", Role::DesignatedTeacher),
            ids.next(),
            "demo",
        );
        handler
            .request_funding(la, year, request.clone(), &teacher)
            .await
            .map_err(DemoSeedError::Funding)?;
        requests += 1;
        // Most requests are allocated, one in five waits for a decision, and one in ten is
        // refused, so every state of a request shows in the demo.
        let decided_on = child.last_step_on.max(request.requested_on);
        match position % 10 {
            0 | 5 => continue,
            7 => {
                let reject = FundingCommand::Reject {
                    request_id: request.request_id,
                    reason: "the purpose is already funded by the school's own budget".to_owned(),
                    rejected_on: decided_on,
                };
                handler
                    .funding(la, year, reject, &virtual_school())
                    .await
                    .map_err(DemoSeedError::Funding)?;
                continue;
            }
            _ => {
                let allocation = FundingAllocation {
                    request_id: request.request_id,
                    amount: request.amount,
                    allocated_on: decided_on,
                };
                handler
                    .allocate_funding(la, year, allocation, &virtual_school())
                    .await
                    .map_err(DemoSeedError::Funding)?;
            }
        }
        allocations += 1;
        if child.latest_pep_status != PepStatus::QualityAssured {
            handler
                .funding(
                    la,
                    year,
                    FundingCommand::RecordImpact {
                        request_id: request.request_id,
                        impact: "reading age up eight months; the target was met".to_owned(),
                        recorded_on: decided_on,
                    },
                    &virtual_school(),
                )
                .await
                .map_err(DemoSeedError::Funding)?;
        }
    }
    Ok((requests, allocations))
}

/// The demo LA's PP+ budget: £250,000, or £2,570 a child (the national PP+ rate) for a cohort
/// large enough that £250,000 would not cover its requests.
fn demo_budget_pence(children: usize) -> i64 {
    let per_child = i64::try_from(children)
        .unwrap_or(i64::MAX)
        .saturating_mul(257_000);
    per_child.max(25_000_000)
}

/// For `pep serve --demo`: seeds the default cohort when the store holds no events yet, and
/// otherwise leaves it alone. Returns the summary when it seeded.
pub async fn seed_demo_if_empty(
    store: Arc<dyn EventStore>,
    today: NaiveDate,
    children: usize,
) -> Result<Option<DemoSummary>, DemoSeedError> {
    if store.head_position().await? > 0 {
        return Ok(None);
    }
    let options = DemoOptions {
        children,
        today,
        force: false,
    };
    seed_demo(store, &options, &mut |_, _| {}).await.map(Some)
}

#[cfg(test)]
mod tests;
