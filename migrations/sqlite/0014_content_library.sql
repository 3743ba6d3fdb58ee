-- The content library: files (kept under the data directory by the SHA-256 of their content) and
-- links, tagged and gated by a tier (that tier and those above; every tier when empty) and by
-- partner types (every type when none is named).
CREATE TABLE content_items (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('file', 'link')),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    url TEXT,
    file_hash TEXT,
    file_name TEXT,
    media_type TEXT,
    size_bytes INTEGER,
    tier_id INTEGER REFERENCES tiers (id),
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((kind = 'file') = (file_hash IS NOT NULL AND file_name IS NOT NULL AND media_type IS NOT NULL)),
    CHECK ((kind = 'link') = (url IS NOT NULL))
);
CREATE INDEX content_items_file ON content_items (file_hash);

CREATE TABLE content_tags (
    item_id INTEGER NOT NULL REFERENCES content_items (id),
    tag TEXT NOT NULL,
    PRIMARY KEY (item_id, tag)
);

CREATE TABLE content_types (
    item_id INTEGER NOT NULL REFERENCES content_items (id),
    partner_type_id INTEGER NOT NULL REFERENCES partner_types (id),
    PRIMARY KEY (item_id, partner_type_id)
);

-- Downloads (and links opened) per item and partner.
CREATE TABLE content_downloads (
    item_id INTEGER NOT NULL REFERENCES content_items (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    downloads INTEGER NOT NULL,
    last_at TEXT NOT NULL,
    PRIMARY KEY (item_id, organisation_id)
);
