-- A person whose account a partner admin (or a program admin) has deactivated: they cannot sign
-- in, and their sessions end at once. Reactivating clears it.
ALTER TABLE users ADD COLUMN deactivated_at TEXT;
