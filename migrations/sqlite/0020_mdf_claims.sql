-- Claims for executed MDF activities: what the partner spent (never more than was pre-approved)
-- and what the activity brought, with its proof of performance. A request holds at most one
-- claim that is waiting or approved; a rejected claim may be followed by another. An approved
-- claim is paid by the ledger entry it names.
CREATE TABLE mdf_claims (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES mdf_requests (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    claimed_by INTEGER NOT NULL REFERENCES users (id),
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    results TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('claimed', 'approved', 'rejected')),
    -- A rejection's reason, which the partner sees.
    reason TEXT,
    entry_id INTEGER UNIQUE REFERENCES incentive_entries (id),
    claimed_at TEXT NOT NULL,
    decided_by INTEGER REFERENCES users (id),
    decided_at TEXT
);
CREATE UNIQUE INDEX mdf_claims_standing ON mdf_claims (request_id) WHERE state <> 'rejected';
CREATE INDEX mdf_claims_partner ON mdf_claims (organisation_id, state);

-- Proof of performance: files kept under the data directory by the SHA-256 of their content.
CREATE TABLE mdf_proofs (
    id INTEGER PRIMARY KEY,
    claim_id INTEGER NOT NULL REFERENCES mdf_claims (id),
    hash TEXT NOT NULL,
    name TEXT NOT NULL,
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    added_by INTEGER NOT NULL REFERENCES users (id),
    added_at TEXT NOT NULL
);
CREATE INDEX mdf_proofs_claim ON mdf_proofs (claim_id);

-- The request an MDF entry pays: a statement's line leads to it. One standing entry per request.
ALTER TABLE incentive_entries ADD COLUMN mdf_request_id INTEGER REFERENCES mdf_requests (id);
CREATE UNIQUE INDEX incentive_entries_mdf ON incentive_entries (mdf_request_id)
    WHERE mdf_request_id IS NOT NULL AND reverses IS NULL;
