-- A partner's launch of a campaign: its public landing page (at an unguessable address), what it
-- changed of marketing's texts (empty for marketing's own), which posts it shares, and whether the
-- page is paused. One per campaign and partner.
CREATE TABLE campaign_launches (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    slug TEXT NOT NULL UNIQUE,
    intro TEXT NOT NULL,
    cta_text TEXT NOT NULL,
    cta_url TEXT NOT NULL,
    -- The positions of the posts it shares among the campaign's, like "0,2".
    posts TEXT NOT NULL,
    paused BOOLEAN NOT NULL,
    launched_by INTEGER NOT NULL REFERENCES users (id),
    launched_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (campaign_id, organisation_id)
);

-- Views of a landing page and clicks on its call to action, per day (counted in memory, added here in batches).
CREATE TABLE campaign_visits (
    launch_id INTEGER NOT NULL REFERENCES campaign_launches (id),
    day TEXT NOT NULL,
    views INTEGER NOT NULL,
    clicks INTEGER NOT NULL,
    PRIMARY KEY (launch_id, day)
);

-- A prospect who sent a landing page's form: a lead in the partner's pipeline.
CREATE TABLE campaign_leads (
    id INTEGER PRIMARY KEY,
    launch_id INTEGER NOT NULL REFERENCES campaign_launches (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    company TEXT NOT NULL,
    phone TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX campaign_leads_organisation ON campaign_leads (organisation_id, created_at);
CREATE INDEX campaign_leads_email ON campaign_leads (launch_id, email, created_at);

-- The lead a deal registration was made from, which attributes the deal to its campaign.
ALTER TABLE deals ADD COLUMN lead_id INTEGER REFERENCES campaign_leads (id);
CREATE UNIQUE INDEX deals_lead ON deals (lead_id) WHERE lead_id IS NOT NULL;

-- Every checklist ends with a first co-branded campaign launched.
INSERT INTO onboarding_steps (partner_type_id, position, title, description, href, milestone, needs_confirmation, created_at)
SELECT s.partner_type_id, MAX(s.position) + 1, 'Launch your first co-branded campaign',
    'Choose a campaign, make it yours, and share your landing page: the leads it brings come to you.',
    '/campaigns', 'first_campaign_launched', 0, '2026-12-04T00:00:00+00:00'
FROM onboarding_steps s GROUP BY s.partner_type_id;
