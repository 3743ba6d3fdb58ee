-- The incentive ledger: every amount owed to a partner, one dated row each, never changed or
-- deleted. A correction is a reversal: a new row of the opposite amount naming the row it
-- reverses (at most once). `period_start` is the first day of the quarter it was booked in.
CREATE TABLE incentive_entries (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    kind TEXT NOT NULL CHECK (kind IN ('margin', 'registration', 'rebate', 'spiff', 'mdf', 'coop')),
    deal_id INTEGER REFERENCES deals (id),
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    -- What the rate applied to, and the rate (basis points), when the entry is a share of something.
    basis_minor BIGINT,
    rate_bp BIGINT,
    period_start TEXT NOT NULL,
    description TEXT NOT NULL,
    reverses INTEGER UNIQUE REFERENCES incentive_entries (id),
    -- NULL: Tessera booked it by itself (a deal won, a period closed).
    booked_by INTEGER REFERENCES users (id),
    booked_at TEXT NOT NULL
);
CREATE INDEX incentive_entries_partner ON incentive_entries (organisation_id, period_start);
CREATE INDEX incentive_entries_period ON incentive_entries (period_start, kind);
-- A won deal accrues each kind once.
CREATE UNIQUE INDEX incentive_entries_deal ON incentive_entries (deal_id, kind)
    WHERE deal_id IS NOT NULL AND reverses IS NULL;

-- A quarter an admin (or the nightly job) closed: its accrued entries were approved then.
CREATE TABLE incentive_periods (
    period_start TEXT PRIMARY KEY,
    closed_by INTEGER REFERENCES users (id),
    closed_at TEXT NOT NULL
);

-- An entry approved for payment (once).
CREATE TABLE incentive_approvals (
    entry_id INTEGER PRIMARY KEY REFERENCES incentive_entries (id),
    approved_by INTEGER REFERENCES users (id),
    approved_at TEXT NOT NULL
);

-- A payout run: the approved, unpaid entries of a period, approved together, exported for
-- accounts payable and marked paid. At most one run of a period waits to be paid.
CREATE TABLE payout_runs (
    id INTEGER PRIMARY KEY,
    period_start TEXT NOT NULL,
    approved_by INTEGER NOT NULL REFERENCES users (id),
    approved_at TEXT NOT NULL,
    paid_by INTEGER REFERENCES users (id),
    paid_at TEXT
);
CREATE UNIQUE INDEX payout_runs_waiting ON payout_runs (period_start) WHERE paid_at IS NULL;

-- Which run pays an entry (at most one).
CREATE TABLE payout_run_entries (
    entry_id INTEGER PRIMARY KEY REFERENCES incentive_entries (id),
    run_id INTEGER NOT NULL REFERENCES payout_runs (id)
);
CREATE INDEX payout_run_entries_run ON payout_run_entries (run_id);

-- Volume rebate schedules, by name (a tier's benefits name the schedule its partners earn by):
-- whether the rate reached applies to all the quarter's revenue or each rate to its band, and
-- the bands as JSON, `[{"threshold_minor": 25000000, "rate_bp": 200}, …]`, in the reporting currency.
CREATE TABLE rebate_schedules (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    method TEXT NOT NULL CHECK (method IN ('retroactive', 'incremental')),
    bands TEXT NOT NULL,
    updated_by INTEGER REFERENCES users (id),
    updated_at TEXT NOT NULL
);
-- A quarter's close books one rebate per partner.
CREATE UNIQUE INDEX incentive_entries_rebate ON incentive_entries (organisation_id, period_start)
    WHERE kind = 'rebate' AND reverses IS NULL;
