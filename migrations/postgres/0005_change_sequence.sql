-- Change counters the KPI cache follows instead of clocks.
-- Deals: every write to a deal gets the next number of one sequence, in the order the writes
-- commit, so a write is seen however late it commits. A sequence alone hands numbers out in the
-- order transactions ask, not the order they commit; so a transaction that writes deals takes a
-- lock it holds until it commits, and the next writer of deals waits for it. Existing deals are
-- numbered by id.
-- Partners: `change_counters.partners` goes up with every change to an organisation or a tier,
-- so the cache re-reads partners' tiers, regions and managers exactly when they changed.
CREATE TABLE change_counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO change_counters (name, value) VALUES ('partners', 0);

ALTER TABLE deals ADD COLUMN change_seq BIGINT NOT NULL DEFAULT 0;
UPDATE deals SET change_seq = id;
CREATE INDEX deals_change_seq ON deals (change_seq);

CREATE SEQUENCE deal_change_seq;
SELECT setval('deal_change_seq', GREATEST((SELECT MAX(id) FROM deals), 1));

CREATE FUNCTION deals_stamp_change() RETURNS trigger AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(73580001);
    NEW.change_seq := nextval('deal_change_seq');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER deals_change BEFORE INSERT OR UPDATE ON deals
    FOR EACH ROW EXECUTE FUNCTION deals_stamp_change();

CREATE FUNCTION partners_changed() RETURNS trigger AS $$
BEGIN
    UPDATE change_counters SET value = value + 1 WHERE name = 'partners';
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER organisations_change AFTER INSERT OR UPDATE OR DELETE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION partners_changed();
CREATE TRIGGER tiers_change AFTER INSERT OR UPDATE OR DELETE ON tiers
    FOR EACH STATEMENT EXECUTE FUNCTION partners_changed();

-- Timeline lines are typed now: the demo history's old "history" lines name the status they moved to.
UPDATE deal_events SET kind = to_status WHERE kind = 'history';
