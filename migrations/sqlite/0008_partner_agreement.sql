-- The partner agreement: versions an admin publishes, and each partner organisation's acceptance
-- of each version. The newest version is the current one. An organisation that accepted an
-- earlier version may go on until `required_from`; one that never accepted any must accept now.
CREATE TABLE agreement_versions (
    id INTEGER PRIMARY KEY,
    number INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    published_by INTEGER NOT NULL REFERENCES users (id),
    published_at TEXT NOT NULL,
    required_from TEXT NOT NULL
);

CREATE TABLE agreement_acceptances (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    version_id INTEGER NOT NULL REFERENCES agreement_versions (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    typed_name TEXT NOT NULL,
    accepted_at TEXT NOT NULL,
    client_address TEXT NOT NULL,
    UNIQUE (organisation_id, version_id)
);
CREATE INDEX agreement_acceptances_version ON agreement_acceptances (version_id);
