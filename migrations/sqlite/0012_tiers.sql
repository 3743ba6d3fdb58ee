-- Program design: every published tier configuration (its JSON, who published it, when), the
-- grace period of a partner below its tier, proposed tier changes awaiting a channel manager,
-- and every partner's tier history. A tier left out of the configuration keeps its row (history
-- names it) with a rank below zero.
CREATE TABLE program_versions (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,
    published_by INTEGER REFERENCES users (id),
    published_at TEXT NOT NULL
);

-- The one draft an admin previews before publishing it.
CREATE TABLE program_drafts (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    body TEXT NOT NULL,
    saved_by INTEGER REFERENCES users (id),
    saved_at TEXT NOT NULL
);

ALTER TABLE organisations ADD COLUMN tier_grace_since TEXT;
ALTER TABLE program_settings ADD COLUMN tiers_evaluated_at TEXT;
-- The first nightly run comes a day after installing: until then a partner is evaluated when its
-- figures change, or when an admin asks.
UPDATE program_settings SET tiers_evaluated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now');

CREATE TABLE tier_proposals (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    from_tier_id INTEGER REFERENCES tiers (id),
    to_tier_id INTEGER NOT NULL REFERENCES tiers (id),
    direction TEXT NOT NULL CHECK (direction IN ('promotion', 'demotion')),
    explanation TEXT NOT NULL,
    program_version INTEGER NOT NULL,
    proposed_at TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'declined', 'withdrawn')),
    decided_by INTEGER REFERENCES users (id),
    decided_at TEXT,
    reason TEXT
);
CREATE UNIQUE INDEX tier_proposals_pending ON tier_proposals (organisation_id) WHERE state = 'pending';

CREATE TABLE tier_history (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL CHECK (kind IN ('placed', 'promoted', 'demoted', 'declined')),
    from_tier_id INTEGER,
    to_tier_id INTEGER,
    -- The tiers' names as they were.
    from_tier TEXT NOT NULL,
    to_tier TEXT NOT NULL,
    why TEXT NOT NULL,
    decided_by INTEGER REFERENCES users (id),
    reason TEXT NOT NULL,
    program_version INTEGER NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX tier_history_organisation ON tier_history (organisation_id, at);
CREATE INDEX tier_history_declines ON tier_history (kind, at);
-- The tier engine reads every partner's year of deals: these cover its queries (the indexes
-- alone are read, not the deals) in the order it groups them (no sort), and one partner's too.
CREATE INDEX deals_won ON deals (status, organisation_id, currency, closed_on, amount_minor, final_amount_minor);
CREATE INDEX deals_submitted ON deals (organisation_id, submitted_at);
