-- The gateway's own tables, in the event store's database: the bytes of uploaded attachments,
-- the log of who read which child's record, and notice delivery (notices, deliveries, attempts,
-- webhooks, read receipts). None of them is an event or a read model: they record what happened
-- outside the log, so they are never rebuilt from events. Migrations are append-only.
--
-- This is the baseline: a database whose tables were created before migrations existed (at
-- start, by the code of that time) is adopted by pep_records::migrations, which records
-- this migration as applied when every table below is already there.

-- Attachments and the access log (SQLite types; instants as microseconds since the epoch).
CREATE TABLE gateway_attachments (
    attachment_id TEXT PRIMARY KEY,
    pep_id TEXT NOT NULL,
    child_id TEXT NOT NULL,
    la TEXT NOT NULL,
    file_name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    content BLOB NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_by_role TEXT NOT NULL,
    uploaded_at_micros INTEGER NOT NULL
);

CREATE TABLE gateway_access_log (
    entry_id INTEGER PRIMARY KEY AUTOINCREMENT,
    accessed_at_micros INTEGER NOT NULL,
    actor_id TEXT NOT NULL,
    actor_role TEXT NOT NULL,
    actor_la TEXT NOT NULL,
    child_id TEXT NOT NULL,
    child_la TEXT NOT NULL,
    what TEXT NOT NULL,
    request_id TEXT NOT NULL
);

CREATE INDEX gateway_access_log_by_child
    ON gateway_access_log (child_la, child_id, accessed_at_micros);

CREATE INDEX gateway_attachments_by_pep ON gateway_attachments (pep_id);

-- Notice delivery: the same text as on PostgreSQL.
CREATE TABLE gateway_notices (
    notice_id TEXT PRIMARY KEY,
    la TEXT NOT NULL,
    child_id TEXT NOT NULL,
    reason TEXT NOT NULL,
    summary TEXT NOT NULL,
    occurred_on TEXT NOT NULL,
    about_event_id TEXT NOT NULL,
    position BIGINT NOT NULL,
    requested_at_micros BIGINT NOT NULL,
    iro_id TEXT,
    iro_name TEXT,
    state TEXT NOT NULL
);

CREATE INDEX gateway_notices_by_child ON gateway_notices (child_id, state);

CREATE TABLE gateway_notice_deliveries (
    delivery_id TEXT PRIMARY KEY,
    notice_id TEXT NOT NULL,
    la TEXT NOT NULL,
    channel TEXT NOT NULL,
    target TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL,
    attempts_since_retry BIGINT NOT NULL,
    next_attempt_at_micros BIGINT NOT NULL,
    created_at_micros BIGINT NOT NULL,
    delivered_at_micros BIGINT,
    last_error TEXT,
    UNIQUE (notice_id, channel, target)
);

CREATE INDEX gateway_notice_deliveries_due
    ON gateway_notice_deliveries (state, next_attempt_at_micros);

CREATE INDEX gateway_notice_deliveries_inbox
    ON gateway_notice_deliveries (channel, target, la);

CREATE TABLE gateway_notice_attempts (
    delivery_id TEXT NOT NULL,
    attempt BIGINT NOT NULL,
    started_at_micros BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    outcome TEXT NOT NULL,
    http_status BIGINT,
    error TEXT,
    PRIMARY KEY (delivery_id, attempt)
);

CREATE TABLE gateway_webhooks (
    webhook_id TEXT PRIMARY KEY,
    la TEXT NOT NULL,
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    secret TEXT NOT NULL,
    active BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at_micros BIGINT NOT NULL,
    deactivated_at_micros BIGINT
);

CREATE TABLE gateway_notice_reads (
    notice_id TEXT NOT NULL,
    reader_id TEXT NOT NULL,
    reader_role TEXT NOT NULL,
    read_at_micros BIGINT NOT NULL,
    PRIMARY KEY (notice_id, reader_id)
);
