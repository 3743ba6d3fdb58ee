-- SPIFFs: time-boxed promotions paying a fixed amount per qualifying won deal, or once per rep
-- who wins one. A draft is marketing's to change; once launched its rule stands (only its end
-- may come sooner), so partners are paid by the rule they were shown.
CREATE TABLE spiffs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    -- The products a deal must name one of (comma-separated, as deals name them); '' for any.
    products TEXT NOT NULL,
    -- The smallest final amount that qualifies, in the SPIFF's currency; 0 for any.
    min_amount_minor BIGINT NOT NULL,
    new_logo_only BOOLEAN NOT NULL,
    basis TEXT NOT NULL CHECK (basis IN ('deal', 'rep')),
    payout_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'launched')),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    launched_by INTEGER REFERENCES users (id),
    launched_at TEXT
);
CREATE UNIQUE INDEX spiffs_name ON spiffs (lower(name));
CREATE TABLE spiff_tiers (
    spiff_id INTEGER NOT NULL REFERENCES spiffs (id),
    tier_id INTEGER NOT NULL REFERENCES tiers (id),
    PRIMARY KEY (spiff_id, tier_id)
);
CREATE TABLE spiff_types (
    spiff_id INTEGER NOT NULL REFERENCES spiffs (id),
    partner_type_id INTEGER NOT NULL REFERENCES partner_types (id),
    PRIMARY KEY (spiff_id, partner_type_id)
);

-- A SPIFF's entries name it, and (paid per rep) the rep whose deal earned it.
ALTER TABLE incentive_entries ADD COLUMN spiff_id INTEGER REFERENCES spiffs (id);
ALTER TABLE incentive_entries ADD COLUMN rep_id INTEGER REFERENCES users (id);
CREATE INDEX incentive_entries_spiff ON incentive_entries (spiff_id) WHERE spiff_id IS NOT NULL;
-- A won deal accrues each kind once, and each SPIFF once.
DROP INDEX incentive_entries_deal;
CREATE UNIQUE INDEX incentive_entries_deal ON incentive_entries (deal_id, kind, COALESCE(spiff_id, 0))
    WHERE deal_id IS NOT NULL AND reverses IS NULL;
