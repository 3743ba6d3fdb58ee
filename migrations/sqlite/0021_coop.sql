-- Co-op funds: a partner accrues a share of its won revenue (its tier's co-op rate, in the
-- reporting currency) and draws on it with requests and claims like MDF's. The accruals are the
-- fund's own ledger: a row per won deal, never changed; reopening the deal as lost adds the
-- reversal naming it.
CREATE TABLE coop_accruals (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    deal_id INTEGER NOT NULL REFERENCES deals (id),
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    -- The won amount, in the deal's currency, and the tier's rate (basis points).
    basis_minor BIGINT NOT NULL,
    basis_currency TEXT NOT NULL,
    rate_bp BIGINT NOT NULL,
    description TEXT NOT NULL,
    reverses INTEGER UNIQUE REFERENCES coop_accruals (id),
    accrued_at TEXT NOT NULL
);
CREATE INDEX coop_accruals_partner ON coop_accruals (organisation_id, accrued_at);
CREATE UNIQUE INDEX coop_accruals_deal ON coop_accruals (deal_id) WHERE reverses IS NULL;

-- A request draws on an MDF allocation or on the partner's co-op funds. SQLite cannot loosen a
-- column in place, so the table is rebuilt; its rows keep their ids, and the rows naming them
-- (timeline, claims, ledger entries) find them again before the transaction commits.
PRAGMA defer_foreign_keys = ON;
CREATE TABLE mdf_requests_before AS SELECT * FROM mdf_requests;
DROP TABLE mdf_requests;
CREATE TABLE mdf_requests (
    id INTEGER PRIMARY KEY,
    fund TEXT NOT NULL DEFAULT 'mdf' CHECK (fund IN ('mdf', 'coop')),
    allocation_id INTEGER REFERENCES mdf_allocations (id),
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
    updated_at TEXT NOT NULL,
    CHECK ((fund = 'mdf') = (allocation_id IS NOT NULL))
);
INSERT INTO mdf_requests (id, fund, allocation_id, organisation_id, requested_by, kind, title, starts_on, ends_on,
    amount_minor, currency, expected_outcome, campaign_id, state, reason, created_at, updated_at)
SELECT id, 'mdf', allocation_id, organisation_id, requested_by, kind, title, starts_on, ends_on,
    amount_minor, currency, expected_outcome, campaign_id, state, reason, created_at, updated_at
FROM mdf_requests_before;
DROP TABLE mdf_requests_before;
CREATE INDEX mdf_requests_allocation ON mdf_requests (allocation_id, state);
CREATE INDEX mdf_requests_partner ON mdf_requests (organisation_id, updated_at);
CREATE INDEX mdf_requests_coop ON mdf_requests (organisation_id, fund, state);
