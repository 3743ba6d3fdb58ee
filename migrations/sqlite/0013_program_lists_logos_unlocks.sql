-- The program's partner types and regions are lists an admin keeps: a value in use is retired,
-- never deleted (the partners that have it keep it; nobody new is given it). Regions were free
-- text on each partner; the list starts from the usual four and every region already in use.
ALTER TABLE partner_types ADD COLUMN retired_at TEXT;

CREATE TABLE regions (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    retired_at TEXT
);
CREATE UNIQUE INDEX regions_name ON regions (lower(name));
INSERT INTO regions (name) VALUES ('North America'), ('EMEA'), ('APAC'), ('LATAM');
INSERT INTO regions (name)
SELECT DISTINCT o.region FROM organisations o
WHERE o.region IS NOT NULL AND o.region <> ''
    AND NOT EXISTS (SELECT 1 FROM regions r WHERE lower(r.name) = lower(o.region));

-- A partner's logo, as its partner admin uploaded it once checked: PNG, JPEG or WebP as sent, an
-- SVG as written again from what it draws.
CREATE TABLE organisation_logos (
    organisation_id INTEGER PRIMARY KEY REFERENCES organisations (id),
    media_type TEXT NOT NULL CHECK (media_type IN ('image/png', 'image/jpeg', 'image/webp', 'image/svg+xml')),
    body BLOB NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    uploaded_by INTEGER REFERENCES users (id),
    uploaded_at TEXT NOT NULL
);

-- The courses a tier unlocks: reserved for partners in that tier or a higher one. Written from the
-- published configuration (which keeps them with each tier's benefits) each time it is published.
CREATE TABLE course_unlocks (
    course_id INTEGER PRIMARY KEY REFERENCES courses (id),
    tier_id INTEGER NOT NULL REFERENCES tiers (id)
);
