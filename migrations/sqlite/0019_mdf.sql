-- Market development funds. A quarter's budget (in the reporting currency); allocations of it
-- to partners, which never add up past it and lapse after their last day; and partners'
-- requests for funds for an activity, each move on a timeline of its own.
CREATE TABLE mdf_budgets (
    period_start TEXT PRIMARY KEY,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    set_by INTEGER NOT NULL REFERENCES users (id),
    set_at TEXT NOT NULL
);

CREATE TABLE mdf_allocations (
    id INTEGER PRIMARY KEY,
    period_start TEXT NOT NULL REFERENCES mdf_budgets (period_start),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    -- The last day a request may draw on it.
    expires_on TEXT NOT NULL,
    allocated_by INTEGER NOT NULL REFERENCES users (id),
    allocated_at TEXT NOT NULL,
    UNIQUE (period_start, organisation_id)
);
CREATE INDEX mdf_allocations_partner ON mdf_allocations (organisation_id);

CREATE TABLE mdf_requests (
    id INTEGER PRIMARY KEY,
    allocation_id INTEGER NOT NULL REFERENCES mdf_allocations (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    requested_by INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('event', 'digital', 'content', 'training', 'telemarketing', 'other')),
    title TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    expected_outcome TEXT NOT NULL,
    campaign_id INTEGER REFERENCES campaigns (id),
    state TEXT NOT NULL CHECK (state IN ('requested', 'pre_approved', 'rejected', 'withdrawn', 'executed')),
    -- A rejection's reason, which the partner sees.
    reason TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX mdf_requests_allocation ON mdf_requests (allocation_id, state);
CREATE INDEX mdf_requests_partner ON mdf_requests (organisation_id, updated_at);

CREATE TABLE mdf_events (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES mdf_requests (id),
    state TEXT NOT NULL,
    actor_id INTEGER NOT NULL REFERENCES users (id),
    note TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX mdf_events_request ON mdf_events (request_id, at);
