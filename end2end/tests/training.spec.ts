import { expect, test } from '@playwright/test';
import { anotherPerson, expectAccessible, hydrated, open, signedInAs } from './helpers';

test('a partner admin sees the courses, their own standing, and their people\'s certifications', async ({ page }, testInfo) => {
  await signedInAs(page, 'partner@bluepeak.test', testInfo);
  await open(page, '/training', testInfo);
  await expect(page.getByRole('heading', { level: 1, name: 'Training' })).toBeVisible();
  // Bluepeak's admin passed 350 days ago: the certification ends within 30 days.
  const course = page.getByRole('listitem').filter({ hasText: 'Deal registration essentials' });
  await expect(course).toContainText(/Expiring until \d{4}-\d{2}-\d{2}/);
  await expectAccessible(page, testInfo);
  await page.getByRole('link', { name: 'Certifications of people' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Your people\'s certifications' })).toBeVisible();
  await expect(page.getByTestId('certification-summary')).toContainText('1 expiring within 30 days');
  const rows = page.getByRole('region', { name: 'Certifications' }).getByRole('row');
  await expect(rows.filter({ hasText: 'Copperline' })).toHaveCount(0);
  await expect(rows.filter({ hasText: 'Deal registration essentials' })).toContainText(['Expiring']);
  await expectAccessible(page, testInfo);
});

test('a channel manager sees the certifications of their own partners\' people', async ({ page }, testInfo) => {
  await signedInAs(page, 'cam2@acme.test', testInfo);
  await open(page, '/training/people', testInfo);
  const table = page.getByRole('region', { name: 'Certifications' });
  // Copperline's admin let theirs lapse.
  await expect(table.getByRole('row').filter({ hasText: 'Copperline IT' }).first()).toContainText('Expired');
  await expect(table.getByRole('row').filter({ hasText: 'Bluepeak Systems' })).toHaveCount(0);
});

test('marketing writes a course: a mistake in the quiz is named at its line, and the course is saved as a draft', async ({ page }, testInfo) => {
  const title = `Security basics ${testInfo.project.name} ${Date.now()}`;
  await signedInAs(page, 'marketing@acme.test', testInfo);
  await open(page, '/training', testInfo);
  await page.getByRole('link', { name: 'New course' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New course' })).toBeVisible();
  if (hydrated(testInfo)) {
    await expect(page.locator('body[data-hydrated]')).toBeAttached({ timeout: 20_000 });
  }
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Summary').fill('Passwords and phishing, for everyone who sells with us.');
  await page.getByLabel('Lessons').fill('# Passwords\nUse a password manager.\n\n# Phishing\nCheck the sender.');
  await page.getByLabel('Quiz').fill('? Where do passwords belong?\n* In a password manager\n* On a sticky note');
  await page.getByRole('button', { name: 'Create the course' }).click();
  await expect(page.locator('#field-quiz-error')).toContainText('Line 1: a question with one answer');
  await expect(page.getByLabel('Title')).toHaveValue(title);
  await page.getByLabel('Quiz').fill('? Where do passwords belong?\n* In a password manager\n- On a sticky note');
  await page.getByRole('button', { name: 'Create the course' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByText('This course is a draft: partners do not see it yet.')).toBeVisible();
  await expect(page.getByRole('heading', { name: '2. Phishing' })).toBeVisible();
  await expectAccessible(page, testInfo);
});

test('a course Gold unlocks: a Gold partner opens it, a Silver partner is told which tier unlocks it', async ({ page, browser }, testInfo) => {
  const title = 'Migrating a customer to Acme Cloud';
  await signedInAs(page, 'sales@bluepeak.test', testInfo);
  await open(page, '/training', testInfo);
  const gold = page.getByRole('listitem').filter({ hasText: title });
  await expect(gold).toContainText('Gold and above');
  await gold.getByRole('link', { name: title }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  const path = new URL(page.url()).pathname;

  const silver = await anotherPerson(browser, testInfo);
  await signedInAs(silver, 'partner@copperline.test', testInfo);
  await open(silver, '/training', testInfo);
  const locked = silver.getByRole('listitem').filter({ hasText: title });
  await expect(locked).toContainText('Unlocks at Gold');
  await expect(locked.getByRole('link', { name: title })).toHaveCount(0);
  const refused = await open(silver, path, testInfo);
  expect(refused?.status()).toBe(403);
  await expect(silver.getByRole('heading', { level: 1, name: 'Reserved for a higher tier' })).toBeVisible();
  await expect(silver.getByText(/Gold partners and those above take this course/)).toBeVisible();
  await expectAccessible(silver, testInfo);
});
