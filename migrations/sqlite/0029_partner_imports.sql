-- Partner imports: a CSV file an admin uploaded to add partner organisations and invite their
-- first admins. The file is kept as uploaded (its text) and read again at each step, so the
-- preview and the import see the same rows; `done` counts the rows imported so far, advanced in
-- the transaction that imports them, so an import stopped half-way carries on where it stopped.
CREATE TABLE partner_imports (
    id INTEGER PRIMARY KEY,
    file_name TEXT NOT NULL,
    content TEXT NOT NULL,
    total INTEGER NOT NULL,
    done INTEGER NOT NULL DEFAULT 0,
    created INTEGER NOT NULL DEFAULT 0,
    unchanged INTEGER NOT NULL DEFAULT 0,
    uploaded_by INTEGER NOT NULL REFERENCES users (id),
    uploaded_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX partner_imports_uploaded ON partner_imports (uploaded_at);
