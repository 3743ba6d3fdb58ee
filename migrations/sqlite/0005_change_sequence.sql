-- Change counters the KPI cache follows instead of clocks.
-- `deals`: every write to a deal gets the counter's next number, in the order the writes commit
-- (SQLite commits one writer at a time), so a write is seen however late it commits. Existing
-- deals are numbered by id.
-- `partners`: goes up with every change to an organisation or a tier, so the cache re-reads
-- partners' tiers, regions and managers exactly when they changed.
CREATE TABLE change_counters (
    name TEXT PRIMARY KEY,
    value INTEGER NOT NULL
);
INSERT INTO change_counters (name, value) VALUES ('deals', (SELECT COALESCE(MAX(id), 0) FROM deals)), ('partners', 0);

ALTER TABLE deals ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
UPDATE deals SET change_seq = id;
CREATE INDEX deals_change_seq ON deals (change_seq);

CREATE TRIGGER deals_change_on_insert AFTER INSERT ON deals
BEGIN
    UPDATE change_counters SET value = value + 1 WHERE name = 'deals';
    UPDATE deals SET change_seq = (SELECT value FROM change_counters WHERE name = 'deals') WHERE id = NEW.id;
END;

-- The trigger's own update leaves change_seq changed, so it does not fire again.
CREATE TRIGGER deals_change_on_update AFTER UPDATE ON deals WHEN NEW.change_seq = OLD.change_seq
BEGIN
    UPDATE change_counters SET value = value + 1 WHERE name = 'deals';
    UPDATE deals SET change_seq = (SELECT value FROM change_counters WHERE name = 'deals') WHERE id = NEW.id;
END;

CREATE TRIGGER organisations_change_on_insert AFTER INSERT ON organisations
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'partners'; END;
CREATE TRIGGER organisations_change_on_update AFTER UPDATE ON organisations
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'partners'; END;
CREATE TRIGGER organisations_change_on_delete AFTER DELETE ON organisations
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'partners'; END;
CREATE TRIGGER tiers_change_on_insert AFTER INSERT ON tiers
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'partners'; END;
CREATE TRIGGER tiers_change_on_update AFTER UPDATE ON tiers
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'partners'; END;
CREATE TRIGGER tiers_change_on_delete AFTER DELETE ON tiers
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'partners'; END;

-- Timeline lines are typed now: the demo history's old "history" lines name the status they moved to.
UPDATE deal_events SET kind = to_status WHERE kind = 'history';
