-- Single sign-on with OpenID Connect: one connection per organisation (the vendor's, and any
-- partner's own), chosen at sign-in by the email's domain; a domain leads to one connection.
-- The vendor's connection may turn password sign-in off for its staff.
CREATE TABLE sso_connections (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL UNIQUE REFERENCES organisations (id),
    issuer TEXT NOT NULL,
    client_id TEXT NOT NULL,
    -- Sent to the provider's token endpoint with each sign-in, so kept as given.
    client_secret TEXT NOT NULL,
    staff_passwords_off INTEGER NOT NULL DEFAULT 0,
    updated_by INTEGER NOT NULL REFERENCES users (id),
    updated_at TEXT NOT NULL
);

CREATE TABLE sso_domains (
    domain TEXT PRIMARY KEY,
    connection_id INTEGER NOT NULL REFERENCES sso_connections (id)
);
CREATE INDEX sso_domains_connection ON sso_domains (connection_id);

-- A sign-in under way: kept by the hash of its `state`, bound to the browser that began it (the
-- hash of a cookie), with the PKCE verifier and nonce the callback needs, and the provider's
-- address the browser is sent to; used once.
CREATE TABLE sso_attempts (
    state_hash TEXT PRIMARY KEY,
    browser_hash TEXT NOT NULL,
    connection_id INTEGER NOT NULL REFERENCES sso_connections (id),
    nonce TEXT NOT NULL,
    verifier TEXT NOT NULL,
    url TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX sso_attempts_created ON sso_attempts (created_at);
CREATE INDEX sso_attempts_browser ON sso_attempts (browser_hash);

-- The identity a person signs in with once linked: the issuer and its subject.
ALTER TABLE users ADD COLUMN sso_subject TEXT;
CREATE UNIQUE INDEX users_sso_subject ON users (sso_subject);
