-- The event store for the embedded mode: the same tables as on PostgreSQL (see
-- migrations/postgres), in SQLite's types. Migrations are append-only.
-- UUIDs are hyphenated text and instants are microseconds since the Unix epoch (UTC), so
-- values are exact and readable with the sqlite3 shell.

CREATE TABLE events (
    global_position INTEGER PRIMARY KEY CHECK (global_position > 0),
    event_id        TEXT    NOT NULL UNIQUE,
    stream_id       TEXT    NOT NULL,
    stream_version  INTEGER NOT NULL CHECK (stream_version > 0),
    event_type      TEXT    NOT NULL,
    schema_version  INTEGER NOT NULL CHECK (schema_version > 0),
    la              TEXT    NOT NULL CHECK (length(la) = 3 AND la NOT GLOB '*[^0-9]*'),
    occurred_at     INTEGER NOT NULL,
    recorded_at     INTEGER NOT NULL,
    actor_id        TEXT    NOT NULL,
    actor_role      TEXT    NOT NULL,
    correlation_id  TEXT    NOT NULL,
    causation_id    TEXT    NOT NULL,
    source          TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    prev_hash       BLOB    NOT NULL CHECK (length(prev_hash) = 32),
    hash            BLOB    NOT NULL CHECK (length(hash) = 32),
    UNIQUE (stream_id, stream_version)
);

-- Append-only, as on PostgreSQL: a guard against mistakes; the hash chain detects the rest.
CREATE TRIGGER events_refuse_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the events table is append-only (UPDATE refused)');
END;

CREATE TRIGGER events_refuse_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the events table is append-only (DELETE refused)');
END;

CREATE TABLE idempotency_keys (
    idempotency_key     TEXT    PRIMARY KEY,
    request_fingerprint TEXT    NOT NULL,
    streams             TEXT    NOT NULL,
    first_position      INTEGER NOT NULL,
    last_position       INTEGER NOT NULL,
    recorded_at         INTEGER NOT NULL
);

CREATE TABLE checkpoints (
    name       TEXT    PRIMARY KEY,
    position   INTEGER NOT NULL CHECK (position >= 0),
    updated_at INTEGER NOT NULL
);
