-- The inbound feeds' log: every accepted message (its body, status and last position, so a
-- redelivery answers `duplicate`) and every rejection (the original bytes, why, and whether it
-- has gone to the dead-letter subject). Portable types, the same text on both back ends.
--
-- A baseline like 20261206000001: adopted when both tables already exist.

CREATE TABLE inbound_messages (
    source_system TEXT NOT NULL,
    message_id TEXT NOT NULL,
    feed TEXT NOT NULL,
    la TEXT NOT NULL,
    la_child_id TEXT NOT NULL,
    child_id TEXT NOT NULL,
    body_sha256 TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL,
    transport TEXT NOT NULL,
    received_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_position BIGINT,
    flags TEXT NOT NULL,
    times_received BIGINT NOT NULL,
    PRIMARY KEY (source_system, message_id)
);

CREATE INDEX inbound_messages_by_child
    ON inbound_messages (la, la_child_id, status);

CREATE TABLE inbound_rejections (
    rejection_id TEXT PRIMARY KEY,
    feed TEXT NOT NULL,
    la TEXT NOT NULL,
    subject TEXT NOT NULL,
    source_system TEXT,
    message_id TEXT,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    original_base64 TEXT NOT NULL,
    first_received_at TEXT NOT NULL,
    last_received_at TEXT NOT NULL,
    times_received BIGINT NOT NULL,
    transport TEXT NOT NULL,
    dead_lettered_at TEXT,
    state TEXT NOT NULL,
    resolution TEXT,
    resolved_at TEXT
);

CREATE INDEX inbound_rejections_by_la
    ON inbound_rejections (la, first_received_at);

CREATE INDEX inbound_rejections_to_dead_letter
    ON inbound_rejections (dead_lettered_at);
