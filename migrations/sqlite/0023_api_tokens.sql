-- API tokens: an admin's (vendor-wide) or a partner admin's (its own organisation), named, with
-- scopes and an expiry. Only the secret's SHA-256 is kept; the secret is shown once. A token acts
-- with the rights its creator has at the moment of each request, narrowed to its scopes.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    created_by INTEGER NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    -- The secret's first characters, so a person can tell their tokens apart.
    prefix TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_used_at TEXT,
    last_used_from TEXT,
    revoked_at TEXT,
    revoked_by INTEGER REFERENCES users (id)
);
CREATE INDEX api_tokens_organisation ON api_tokens (organisation_id, created_at);
