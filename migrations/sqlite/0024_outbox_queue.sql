-- The outbox is the queue a background sender drains once SMTP is configured (TESSERA_SMTP_URL):
-- how often each message was tried, when it is tried next, the last failure, a refusal the mail
-- server gave for good, and until when one server holds it (with several servers, each message
-- is taken by one at a time).
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at TEXT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN refused_at TEXT;
ALTER TABLE outbox ADD COLUMN claimed_until TEXT;
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL AND refused_at IS NULL;
