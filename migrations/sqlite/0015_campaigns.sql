-- Co-branded campaigns: marketing's texts (templates with partner placeholders), a launch window,
-- the tiers and partner types targeted (every one when none is named), and what partners may
-- change when they launch.
CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    summary TEXT NOT NULL,
    headline TEXT NOT NULL,
    intro TEXT NOT NULL,
    body TEXT NOT NULL,
    cta_text TEXT NOT NULL,
    email_subject TEXT NOT NULL,
    email_body TEXT NOT NULL,
    posts TEXT NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    edit_intro BOOLEAN NOT NULL,
    edit_cta BOOLEAN NOT NULL,
    choose_posts BOOLEAN NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'published', 'closed')),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX campaigns_name ON campaigns (lower(name));

CREATE TABLE campaign_tiers (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    tier_id INTEGER NOT NULL REFERENCES tiers (id),
    PRIMARY KEY (campaign_id, tier_id)
);

CREATE TABLE campaign_types (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    partner_type_id INTEGER NOT NULL REFERENCES partner_types (id),
    PRIMARY KEY (campaign_id, partner_type_id)
);
