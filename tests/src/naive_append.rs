//! The benchmark's baseline: the naive design, one transaction per command.
//!
//! Each writer has its own connection and, per command, takes the same transaction-level
//! advisory lock, reads the head, checks the idempotency key and the stream version, inserts
//! the hash-chained rows, records the key, notifies and commits: the same work and the same
//! guarantees as the store's writer, without batching. Comparing the two shows what group
//! commit buys.

use chrono::{DateTime, SubsecRound, Utc};
use commands::store::{
    CanonicalFields, EventHash, NewEvent, canonical_bytes, canonical_json, link_hash,
};
use sqlx::{Connection, PgConnection, Row};
use uuid::Uuid;

/// The advisory lock key the store's writer takes (ASCII "pepledgr"), so both designs pay for
/// the same serialisation.
const WRITER_LOCK_KEY: i64 = 0x7065_706c_6564_6772;

/// One naive writer: a connection of its own.
#[derive(Debug)]
pub struct NaiveWriter {
    connection: PgConnection,
}

/// Where a naive append put its events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NaiveOutcome {
    /// The first global position written (0 when the key was already used).
    pub first_position: u64,
    /// The stream's version afterwards.
    pub stream_version: u64,
}

impl NaiveWriter {
    /// Opens the writer's connection.
    pub async fn connect(url: &str) -> anyhow::Result<Self> {
        Ok(Self {
            connection: PgConnection::connect(url).await?,
        })
    }

    /// Appends `events` to `stream_id` (any expected version) in one transaction.
    pub async fn append(
        &mut self,
        stream_id: &str,
        events: &[NewEvent],
        idempotency_key: &str,
    ) -> anyhow::Result<NaiveOutcome> {
        let mut transaction = self.connection.begin().await?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(WRITER_LOCK_KEY)
            .execute(&mut *transaction)
            .await?;
        let known: Option<i64> =
            sqlx::query_scalar("SELECT 1 FROM idempotency_keys WHERE idempotency_key = $1")
                .bind(idempotency_key)
                .fetch_optional(&mut *transaction)
                .await?;
        if known.is_some() {
            return Ok(NaiveOutcome {
                first_position: 0,
                stream_version: 0,
            });
        }
        let head = sqlx::query(
            "SELECT global_position, hash, recorded_at FROM events \
             ORDER BY global_position DESC LIMIT 1",
        )
        .fetch_optional(&mut *transaction)
        .await?;
        let (mut position, mut prev_hash, previous_recorded_at) = match head {
            Some(row) => {
                let hash: Vec<u8> = row.try_get("hash")?;
                (
                    u64::try_from(row.try_get::<i64, _>("global_position")?)?,
                    EventHash::from_slice(&hash).unwrap_or_default(),
                    Some(row.try_get::<DateTime<Utc>, _>("recorded_at")?),
                )
            }
            None => (0, EventHash::GENESIS, None),
        };
        let version: Option<i64> =
            sqlx::query_scalar("SELECT max(stream_version) FROM events WHERE stream_id = $1")
                .bind(stream_id)
                .fetch_one(&mut *transaction)
                .await?;
        let mut version = u64::try_from(version.unwrap_or(0))?;
        let now = Utc::now().trunc_subsecs(6);
        let recorded_at = previous_recorded_at.map_or(now, |previous| previous.max(now));
        let first_position = position + 1;
        let mut rows = Rows::default();
        for event in events {
            position += 1;
            version += 1;
            let payload_json = canonical_json(&event.payload);
            let occurred_at = event.occurred_at.trunc_subsecs(6);
            let fields = CanonicalFields {
                global_position: position,
                event_id: event.event_id,
                stream_id,
                stream_version: version,
                event_type: &event.event_type,
                schema_version: event.schema_version,
                la: &event.la,
                occurred_at,
                recorded_at,
                actor_id: &event.actor.id,
                actor_role: event.actor.role.as_str(),
                correlation_id: event.correlation_id,
                causation_id: event.causation_id,
                source: &event.source,
                payload_json: &payload_json,
            };
            let hash = link_hash(&prev_hash, &canonical_bytes(&fields));
            rows.push(&fields, prev_hash, hash);
            prev_hash = hash;
        }
        rows.insert(&mut transaction).await?;
        sqlx::query(
            "INSERT INTO idempotency_keys (idempotency_key, request_fingerprint, streams, \
             first_position, last_position, recorded_at) VALUES ($1, 'bench', $2, $3, $4, $5)",
        )
        .bind(idempotency_key)
        .bind(serde_json::to_string(&[(stream_id, version)])?)
        .bind(i64::try_from(first_position)?)
        .bind(i64::try_from(position)?)
        .bind(recorded_at)
        .execute(&mut *transaction)
        .await?;
        sqlx::query("SELECT pg_notify('pep_events', $1)")
            .bind(position.to_string())
            .execute(&mut *transaction)
            .await?;
        transaction.commit().await?;
        Ok(NaiveOutcome {
            first_position,
            stream_version: version,
        })
    }
}

/// Column arrays for one `INSERT ... SELECT FROM UNNEST`, as the store's writer does it.
#[derive(Default)]
struct Rows {
    positions: Vec<i64>,
    event_ids: Vec<Uuid>,
    stream_ids: Vec<String>,
    versions: Vec<i64>,
    event_types: Vec<String>,
    schema_versions: Vec<i32>,
    las: Vec<String>,
    occurred: Vec<DateTime<Utc>>,
    recorded: Vec<DateTime<Utc>>,
    actor_ids: Vec<String>,
    actor_roles: Vec<String>,
    correlations: Vec<Uuid>,
    causations: Vec<Uuid>,
    sources: Vec<String>,
    payloads: Vec<String>,
    prev_hashes: Vec<Vec<u8>>,
    hashes: Vec<Vec<u8>>,
}

impl Rows {
    fn push(&mut self, fields: &CanonicalFields<'_>, prev_hash: EventHash, hash: EventHash) {
        self.positions
            .push(i64::try_from(fields.global_position).unwrap_or(i64::MAX));
        self.event_ids.push(fields.event_id);
        self.stream_ids.push(fields.stream_id.to_owned());
        self.versions
            .push(i64::try_from(fields.stream_version).unwrap_or(i64::MAX));
        self.event_types.push(fields.event_type.to_owned());
        self.schema_versions
            .push(i32::try_from(fields.schema_version).unwrap_or(i32::MAX));
        self.las.push(fields.la.to_owned());
        self.occurred.push(fields.occurred_at);
        self.recorded.push(fields.recorded_at);
        self.actor_ids.push(fields.actor_id.to_owned());
        self.actor_roles.push(fields.actor_role.to_owned());
        self.correlations.push(fields.correlation_id);
        self.causations.push(fields.causation_id);
        self.sources.push(fields.source.to_owned());
        self.payloads.push(fields.payload_json.to_owned());
        self.prev_hashes.push(prev_hash.0.to_vec());
        self.hashes.push(hash.0.to_vec());
    }

    async fn insert(self, connection: &mut PgConnection) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO events (global_position, event_id, stream_id, stream_version, \
             event_type, schema_version, la, occurred_at, recorded_at, actor_id, actor_role, \
             correlation_id, causation_id, source, payload, prev_hash, hash) \
             SELECT * FROM UNNEST($1::bigint[], $2::uuid[], $3::text[], $4::bigint[], \
             $5::text[], $6::integer[], $7::text[], $8::timestamptz[], $9::timestamptz[], \
             $10::text[], $11::text[], $12::uuid[], $13::uuid[], $14::text[], $15::text[], \
             $16::bytea[], $17::bytea[])",
        )
        .bind(self.positions)
        .bind(self.event_ids)
        .bind(self.stream_ids)
        .bind(self.versions)
        .bind(self.event_types)
        .bind(self.schema_versions)
        .bind(self.las)
        .bind(self.occurred)
        .bind(self.recorded)
        .bind(self.actor_ids)
        .bind(self.actor_roles)
        .bind(self.correlations)
        .bind(self.causations)
        .bind(self.sources)
        .bind(self.payloads)
        .bind(self.prev_hashes)
        .bind(self.hashes)
        .execute(connection)
        .await
        .map(|_| ())
    }
}
