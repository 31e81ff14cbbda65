-- The event store: the log (source of truth), idempotency keys and reader checkpoints.
-- Migrations are append-only: change the schema with a new file, never by editing this one.

-- One row per event. Rows are only ever inserted, by the store's writer, one batch at a time
-- under a transaction-level advisory lock, so global_position is contiguous and equals commit
-- order. `payload` is TEXT, not JSONB: it holds the exact canonical JSON that was hashed, so
-- the hash chain can be recomputed from the row (JSONB would renormalise numbers and keys).
CREATE TABLE events (
    global_position BIGINT      PRIMARY KEY CHECK (global_position > 0),
    event_id        UUID        NOT NULL UNIQUE,
    stream_id       TEXT        NOT NULL,
    stream_version  BIGINT      NOT NULL CHECK (stream_version > 0),
    event_type      TEXT        NOT NULL,
    schema_version  INTEGER     NOT NULL CHECK (schema_version > 0),
    la              TEXT        NOT NULL CHECK (la ~ '^[0-9]{3}$'),
    occurred_at     TIMESTAMPTZ NOT NULL,
    recorded_at     TIMESTAMPTZ NOT NULL,
    actor_id        TEXT        NOT NULL,
    actor_role      TEXT        NOT NULL,
    correlation_id  UUID        NOT NULL,
    causation_id    UUID        NOT NULL,
    source          TEXT        NOT NULL,
    payload         TEXT        NOT NULL,
    prev_hash       BYTEA       NOT NULL CHECK (octet_length(prev_hash) = 32),
    hash            BYTEA       NOT NULL CHECK (octet_length(hash) = 32),
    CONSTRAINT events_stream_version_unique UNIQUE (stream_id, stream_version)
);

-- The log is append-only. This guards against mistakes, not against an administrator (who can
-- disable triggers); the hash chain is what makes deliberate edits evident.
CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the events table is append-only (% refused)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER events_append_only_rows
    BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_refuse_change();

CREATE TRIGGER events_append_only_truncate
    BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();

-- The first outcome of every append made with an idempotency key, written in the same
-- transaction as its events, so a retry is answered with it and writes nothing.
CREATE TABLE idempotency_keys (
    idempotency_key     TEXT        PRIMARY KEY,
    request_fingerprint TEXT        NOT NULL,
    -- JSON array of [stream_id, new_version] pairs, in request order.
    streams             TEXT        NOT NULL,
    first_position      BIGINT      NOT NULL,
    last_position       BIGINT      NOT NULL,
    recorded_at         TIMESTAMPTZ NOT NULL
);

-- The position each named reader (the relay, projectors) has processed up to.
CREATE TABLE checkpoints (
    name       TEXT        PRIMARY KEY,
    position   BIGINT      NOT NULL CHECK (position >= 0),
    updated_at TIMESTAMPTZ NOT NULL
);
