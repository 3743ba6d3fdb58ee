-- A partner's company profile, kept by its partner admin. `profile_completed_at` is when every
-- field was first filled: an onboarding milestone, which later edits do not undo.
ALTER TABLE organisations ADD COLUMN website TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN contact_email TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN country TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN about TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN profile_completed_at TIMESTAMPTZ;

-- Every checklist asks for the profile second.
UPDATE onboarding_steps SET position = position + 1 WHERE position >= 2;
INSERT INTO onboarding_steps (partner_type_id, position, title, description, href, milestone, needs_confirmation, created_at)
SELECT pt.id, 2, 'Complete your company profile',
    'Your website, contact details, where you are and what you do: what the program and your prospects see.',
    '/profile', 'profile_completed', FALSE, TIMESTAMPTZ '2026-12-03 00:00:00+00'
FROM partner_types pt WHERE EXISTS (SELECT 1 FROM onboarding_steps s WHERE s.partner_type_id = pt.id);
