-- no-transaction
-- The public partner locator: a partner admin lists their organisation (`listed_at`, when they
-- chose to); prospects find it by region, type, tier and text and send its contact form. What
-- they send is a lead like a landing page's, kept in the same table, with no launch (it came
-- from the locator) and marked when another partner had already registered that customer.
-- SQLite drops a column's NOT NULL by copying the table, with foreign keys off (deals name
-- their lead), hence no transaction of sqlx's own.
PRAGMA foreign_keys = OFF;
BEGIN;

ALTER TABLE organisations ADD COLUMN listed_at TEXT;

CREATE TABLE campaign_leads_new (
    id INTEGER PRIMARY KEY,
    launch_id INTEGER REFERENCES campaign_launches (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    company TEXT NOT NULL,
    phone TEXT NOT NULL,
    created_at TEXT NOT NULL,
    possible_conflict INTEGER NOT NULL DEFAULT 0
);
INSERT INTO campaign_leads_new (id, launch_id, organisation_id, name, email, company, phone, created_at)
    SELECT id, launch_id, organisation_id, name, email, company, phone, created_at FROM campaign_leads;
DROP TABLE campaign_leads;
ALTER TABLE campaign_leads_new RENAME TO campaign_leads;
CREATE INDEX campaign_leads_organisation ON campaign_leads (organisation_id, created_at);
CREATE INDEX campaign_leads_email ON campaign_leads (launch_id, email, created_at);
CREATE INDEX campaign_leads_locator ON campaign_leads (organisation_id, email, created_at) WHERE launch_id IS NULL;

COMMIT;
PRAGMA foreign_keys = ON;
