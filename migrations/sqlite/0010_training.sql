-- no-transaction
-- Training: courses (lessons in Markdown, a quiz in the text form of app/src/training/quiz.rs,
-- a pass mark and how long a certification lasts), every attempt a partner's person makes, and
-- the certification a pass gives (one per person and course, renewed by passing again).
-- Onboarding's milestones become the code's catalogue (`Milestone`): the column's fixed list
-- goes, so a later feature adds its milestone without a migration. SQLite changes a constraint
-- by copying the table, with foreign keys off, hence no transaction of sqlx's own.
PRAGMA foreign_keys = OFF;
BEGIN;

CREATE TABLE courses (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    summary TEXT NOT NULL,
    lessons TEXT NOT NULL,
    quiz TEXT NOT NULL,
    pass_mark INTEGER NOT NULL CHECK (pass_mark BETWEEN 1 AND 100),
    validity_months INTEGER NOT NULL CHECK (validity_months BETWEEN 1 AND 60),
    revision INTEGER NOT NULL DEFAULT 1,
    published INTEGER NOT NULL DEFAULT 0,
    created_by INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX courses_title ON courses (lower(title));

CREATE TABLE course_attempts (
    id INTEGER PRIMARY KEY,
    course_id INTEGER NOT NULL REFERENCES courses (id),
    user_id INTEGER NOT NULL REFERENCES users (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    revision INTEGER NOT NULL,
    percent INTEGER NOT NULL,
    passed INTEGER NOT NULL,
    answers TEXT NOT NULL,
    submitted_at TEXT NOT NULL
);
CREATE INDEX course_attempts_person ON course_attempts (user_id, course_id, submitted_at);

CREATE TABLE certifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    course_id INTEGER NOT NULL REFERENCES courses (id),
    earned_at TEXT NOT NULL,
    -- The start of the unbroken term that runs to expires_at (a pass after it ended starts anew).
    term_started_at TEXT NOT NULL,
    renewed_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    reminded_30_at TEXT,
    reminded_7_at TEXT,
    UNIQUE (user_id, course_id)
);
CREATE INDEX certifications_organisation ON certifications (organisation_id, earned_at);
CREATE INDEX certifications_expiry ON certifications (expires_at);

CREATE TABLE onboarding_steps_open (
    id INTEGER PRIMARY KEY,
    partner_type_id INTEGER NOT NULL REFERENCES partner_types (id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    href TEXT,
    milestone TEXT,
    needs_confirmation INTEGER NOT NULL DEFAULT 0,
    retired_at TEXT,
    created_at TEXT NOT NULL
);
INSERT INTO onboarding_steps_open SELECT id, partner_type_id, position, title, description, href, milestone,
    needs_confirmation, retired_at, created_at FROM onboarding_steps;
DROP TABLE onboarding_steps;
ALTER TABLE onboarding_steps_open RENAME TO onboarding_steps;
CREATE INDEX onboarding_steps_type ON onboarding_steps (partner_type_id, position);

-- Every checklist asks for a first certification before the first deal.
UPDATE onboarding_steps SET position = position + 1
    WHERE position >= 5 AND partner_type_id IN (SELECT partner_type_id FROM onboarding_steps WHERE milestone = 'first_deal_registered');
INSERT INTO onboarding_steps (partner_type_id, position, title, description, href, milestone, needs_confirmation, created_at)
SELECT pt.id, 5, 'Get certified', 'Take a course under Training and pass its quiz: your first certification.', '/training',
    'certification_earned', 0, '2026-12-03T00:00:00+00:00'
FROM partner_types pt WHERE EXISTS (SELECT 1 FROM onboarding_steps s WHERE s.partner_type_id = pt.id);

-- The KPI cache re-reads partners when their people, certifications or agreement acceptances
-- change: training completion, competency and the day a partner's clock starts follow them.
CREATE TRIGGER users_change_on_insert AFTER INSERT ON users
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'partners'; END;
CREATE TRIGGER users_change_on_update AFTER UPDATE OF role, deactivated_at ON users
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'partners'; END;
CREATE TRIGGER certifications_change_on_insert AFTER INSERT ON certifications
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'partners'; END;
CREATE TRIGGER certifications_change_on_update AFTER UPDATE OF term_started_at, expires_at ON certifications
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'partners'; END;
CREATE TRIGGER certifications_change_on_delete AFTER DELETE ON certifications
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'partners'; END;
CREATE TRIGGER agreement_acceptances_change_on_insert AFTER INSERT ON agreement_acceptances
BEGIN UPDATE change_counters SET value = value + 1 WHERE name = 'partners'; END;

COMMIT;
PRAGMA foreign_keys = ON;
