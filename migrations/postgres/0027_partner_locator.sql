-- The public partner locator: a partner admin lists their organisation (`listed_at`, when they
-- chose to); prospects find it by region, type, tier and text and send its contact form. What
-- they send is a lead like a landing page's, kept in the same table, with no launch (it came
-- from the locator) and marked when another partner had already registered that customer.
ALTER TABLE organisations ADD COLUMN listed_at TIMESTAMPTZ;
ALTER TABLE campaign_leads ALTER COLUMN launch_id DROP NOT NULL;
ALTER TABLE campaign_leads ADD COLUMN possible_conflict BOOLEAN NOT NULL DEFAULT FALSE;
CREATE INDEX campaign_leads_locator ON campaign_leads (organisation_id, email, created_at) WHERE launch_id IS NULL;
