-- When each person last signed in, for the engagement part of a partner's health score. Earlier
-- sign-ins are taken from the audit log.
ALTER TABLE users ADD COLUMN last_signed_in_at TIMESTAMPTZ;
UPDATE users SET last_signed_in_at =
    (SELECT MAX(a.at) FROM audit_log a WHERE a.actor_id = users.id AND a.action = 'signed_in');
