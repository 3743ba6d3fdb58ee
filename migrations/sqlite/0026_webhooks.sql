-- Webhooks: endpoints an admin registers for kinds of events, each with the secret its
-- deliveries are signed with (HMAC-SHA256 needs the secret itself, so it is kept, shown only to
-- admins). An event is written in the transaction of the change it reports, with one delivery
-- per endpoint that wants it: the deliveries are the durable queue a background sender drains
-- (a restart loses nothing; with several servers each delivery is held by one at a time).
CREATE TABLE webhook_endpoints (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL,
    description TEXT NOT NULL,
    secret TEXT NOT NULL,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    disabled_at TEXT
);

CREATE TABLE webhook_subscriptions (
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints (id),
    kind TEXT NOT NULL,
    PRIMARY KEY (endpoint_id, kind)
);
CREATE INDEX webhook_subscriptions_kind ON webhook_subscriptions (kind);

CREATE TABLE webhook_events (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    -- The event's own fields, as JSON.
    data TEXT NOT NULL,
    occurred_at TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id INTEGER PRIMARY KEY,
    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints (id),
    event_id INTEGER NOT NULL REFERENCES webhook_events (id),
    created_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_until TEXT,
    delivered_at TEXT,
    gave_up_at TEXT,
    -- The last try: the receiver's HTTP status (none when it could not be reached), how long it
    -- took, and what went wrong.
    response_status INTEGER,
    duration_ms INTEGER,
    last_error TEXT,
    last_attempt_at TEXT
);
CREATE INDEX webhook_deliveries_waiting ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND gave_up_at IS NULL;
CREATE INDEX webhook_deliveries_of_endpoint ON webhook_deliveries (endpoint_id, id);
