-- Deal registration: partners' registered deals, every change to them, and the vendor's own pipeline.
CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    created_by INTEGER NOT NULL REFERENCES users (id),
    -- One per form the browser rendered: a second post of the same form finds the first deal.
    form_token TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'won', 'lost', 'expired')),
    customer_company TEXT NOT NULL,
    -- The company name normalised for matching, and its first two characters (the lookup key).
    company_key TEXT NOT NULL,
    name_prefix TEXT NOT NULL,
    -- The registrable domain (public suffix list, punycode).
    customer_domain TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_email TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    currency TEXT NOT NULL,
    expected_close_date TEXT NOT NULL,
    products TEXT NOT NULL,
    attribution TEXT NOT NULL CHECK (attribution IN ('sourced', 'influenced')),
    notes TEXT NOT NULL,
    possible_conflict INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_at TEXT,
    sla_due_at TEXT,
    decided_at TEXT,
    rejection_reason TEXT,
    protected_until TEXT,
    reminded_14_at TEXT,
    reminded_3_at TEXT,
    extension_status TEXT CHECK (extension_status IN ('requested', 'approved', 'declined')),
    extension_reason TEXT,
    final_amount_minor BIGINT,
    closed_on TEXT
);
CREATE INDEX deals_organisation ON deals (organisation_id, status, updated_at);
CREATE INDEX deals_domain ON deals (customer_domain, status);
CREATE INDEX deals_name ON deals (name_prefix, status, company_key, organisation_id);
CREATE INDEX deals_queue ON deals (status, sla_due_at);
CREATE INDEX deals_protection ON deals (status, protected_until);

CREATE TABLE deal_events (
    id INTEGER PRIMARY KEY,
    deal_id INTEGER NOT NULL REFERENCES deals (id),
    -- NULL when Tessera itself acted (the expiry job).
    actor_id INTEGER REFERENCES users (id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX deal_events_deal ON deal_events (deal_id, at);

CREATE TABLE vendor_pipeline (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    customer_company TEXT NOT NULL,
    company_key TEXT NOT NULL,
    name_prefix TEXT NOT NULL,
    customer_domain TEXT NOT NULL,
    amount_minor BIGINT NOT NULL,
    currency TEXT NOT NULL,
    stage TEXT NOT NULL,
    owner TEXT NOT NULL,
    imported_at TEXT NOT NULL
);
CREATE INDEX vendor_pipeline_domain ON vendor_pipeline (customer_domain);
CREATE INDEX vendor_pipeline_name ON vendor_pipeline (name_prefix, company_key);
