-- Each audit entry says where its change came from: the client's address, and the API token when
-- it came through the API; and, where the change says so, each field before and after (JSON).
-- The log is append-only: the database refuses to change or remove an entry.
ALTER TABLE audit_log ADD COLUMN client TEXT;
ALTER TABLE audit_log ADD COLUMN token_id BIGINT REFERENCES api_tokens (id);
ALTER TABLE audit_log ADD COLUMN changes TEXT;
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
