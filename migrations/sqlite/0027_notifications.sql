-- In-app notifications: what concerns one person (their deal decided, a claim decided, an
-- approval waiting, …), written by the notifications' one writer in the transaction of the
-- change it is about, with the email that may go with it. A person chooses per kind whether it
-- also comes by email; a kind with no row of theirs keeps its default.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    -- The page it is about, a path within the portal.
    path TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id) WHERE read_at IS NULL;

CREATE TABLE notification_settings (
    user_id INTEGER NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    email INTEGER NOT NULL,
    PRIMARY KEY (user_id, kind)
);
