-- Onboarding: each partner type's checklist (ordered steps, automatic or manual), what each
-- partner's people and channel manager marked on it, and the nudges sent to partners. A partner
-- with `onboarded_at` set was in the program before onboarding existed and is asked nothing; any
-- other is onboarding, and drops off the board once its checklist is complete.
CREATE TABLE onboarding_steps (
    id INTEGER PRIMARY KEY,
    partner_type_id INTEGER NOT NULL REFERENCES partner_types (id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    href TEXT,
    milestone TEXT CHECK (milestone IN ('agreement_accepted', 'colleague_invited', 'first_deal_registered', 'first_deal_won')),
    needs_confirmation INTEGER NOT NULL DEFAULT 0,
    retired_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX onboarding_steps_type ON onboarding_steps (partner_type_id, position);

CREATE TABLE onboarding_marks (
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    step_id INTEGER NOT NULL REFERENCES onboarding_steps (id),
    state TEXT NOT NULL CHECK (state IN ('waiting', 'done', 'skipped')),
    marked_by INTEGER NOT NULL REFERENCES users (id),
    marked_at TEXT NOT NULL,
    PRIMARY KEY (organisation_id, step_id)
);

CREATE TABLE onboarding_nudges (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    nudged_by INTEGER NOT NULL REFERENCES users (id),
    nudged_at TEXT NOT NULL
);
CREATE INDEX onboarding_nudges_organisation ON onboarding_nudges (organisation_id, nudged_at);

ALTER TABLE organisations ADD COLUMN onboarded_at TEXT;
-- Partners already in the program are past onboarding.
UPDATE organisations SET onboarded_at = created_at WHERE kind = 'partner';

CREATE INDEX invitations_organisation ON invitations (organisation_id, created_at);

-- Every partner type starts with the same checklist; admins change it per type.
INSERT INTO onboarding_steps (partner_type_id, position, title, description, href, milestone, needs_confirmation, created_at)
SELECT pt.id, s.position, s.title, s.description, s.href, s.milestone, s.needs_confirmation, '2026-12-01T00:00:00+00:00'
FROM partner_types pt CROSS JOIN (
    SELECT 1 AS position, 'Accept the partner agreement' AS title, 'Your partner admin reads and accepts it for your organisation.' AS description, '/agreement' AS href, 'agreement_accepted' AS milestone, 0 AS needs_confirmation
    UNION ALL SELECT 2, 'Invite a colleague', 'Bring in the people who sell with you, so deals and training are shared.', '/team', 'colleague_invited', 0
    UNION ALL SELECT 3, 'Hold a kickoff call with your channel manager', 'Agree on target customers, products and your first 90 days. Tick it once the call took place; your channel manager confirms it.', NULL, NULL, 1
    UNION ALL SELECT 4, 'Learn how deal registration protects you', 'Registered deals are protected for 90 days once approved, and conflicts are checked before you submit.', '/deals/new', NULL, 0
    UNION ALL SELECT 5, 'Register your first deal', 'Submit a deal registration for a customer you are working with.', '/deals/new', 'first_deal_registered', 0
    UNION ALL SELECT 6, 'Win your first deal', 'Mark a registered deal won when the customer signs.', '/deals', 'first_deal_won', 0
) s;
