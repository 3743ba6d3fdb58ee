import { expect, test } from '@playwright/test';
import { anotherPerson, expectAccessible, fillDeal, hydrated, lastLinkFor, open, signedInAs } from './helpers';

// A partner that has accepted no agreement in the demo data, one per project (each run accepts
// its own), with its email domain.
const NEW_PARTNERS: Record<string, [string, string]> = {
  'hydrated-desktop': ['Ironbridge Systems', 'ironbridge.test'],
  'no-js-desktop': ['Nimbus Labs', 'nimbus.test'],
  'hydrated-phone': ['Tidewater Managed IT', 'tidewater.test'],
  'no-js-phone': ['Harbor Referrals', 'harbor.test'],
};

test('an invited partner admin sets a password, accepts the agreement, passes a course, registers a deal, and the checklist and board follow', async ({ page, browser }, testInfo) => {
  // Two people in fresh contexts through a dozen pages: on a cold, busy 2-core machine the
  // (debug) WASM alone can take half a minute.
  test.setTimeout(150_000);
  const [partner, domain] = NEW_PARTNERS[testInfo.project.name];
  const email = `admin.${testInfo.project.name}.${Date.now()}@${domain}`;

  // The program admin invites the partner's new admin from its profile.
  await signedInAs(page, 'admin@acme.test', testInfo);
  await open(page, `/partners?q=${encodeURIComponent(partner)}`, testInfo);
  await page.getByRole('link', { name: partner, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: partner })).toBeVisible();
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Role').selectOption('partner_admin');
  await page.getByRole('button', { name: 'Send invitation' }).click();

  // The invitee sets a password and is sent to the agreement, not the home page.
  const outbox = () => { try { return lastLinkFor(email); } catch { return ''; } };
  await expect.poll(outbox).toContain('/invitation?token=');
  const link = new URL(outbox());
  const invitee = await anotherPerson(browser, testInfo);
  await open(invitee, link.pathname + link.search, testInfo);
  await invitee.getByLabel('Your name').fill('Ola Onboarding');
  await invitee.getByLabel('Password', { exact: true }).fill('a-long-password');
  await invitee.getByLabel('Repeat the password').fill('a-long-password');
  await invitee.getByRole('button', { name: 'Create my account' }).click();
  await expect(invitee).toHaveURL(/\/agreement$/);
  await expect(invitee.getByRole('heading', { level: 1, name: 'Partner agreement', exact: true })).toBeVisible();
  await expect(invitee.getByText(`accept it on behalf of ${partner} before using the portal`)).toBeVisible();
  await expect(invitee.getByRole('heading', { name: 'Data protection' })).toBeVisible();
  if (hydrated(testInfo)) {
    await expect(invitee.locator('body[data-hydrated]')).toBeAttached({ timeout: 20_000 });
  }
  await expectAccessible(invitee, testInfo);

  // Every other page sends them back here.
  await open(invitee, '/deals', testInfo);
  await expect(invitee).toHaveURL(/\/agreement$/);

  // Signing: the typed name and the box ticked.
  await invitee.getByLabel('Your full name').fill('Ola Onboarding');
  await invitee.getByLabel(`I accept on behalf of ${partner}`).check();
  await invitee.getByRole('button', { name: 'Accept the agreement' }).click();
  await expect(invitee.getByRole('heading', { level: 1, name: 'Welcome, Ola' })).toBeVisible();
  if (hydrated(testInfo)) {
    await expect(invitee.locator('body[data-hydrated]')).toBeAttached({ timeout: 20_000 });
  }
  await open(invitee, '/agreement', testInfo);
  await expect(invitee.getByText(`${partner} accepted this version`)).toBeVisible();
  const receipt = invitee.getByRole('link', { name: 'Download receipt' }).first();
  await expect(receipt).toHaveAttribute('href', /^\/agreement\/receipts\/\d+$/);
  const text = await (await invitee.request.get((await receipt.getAttribute('href'))!)).text();
  expect(text).toContain(partner);
  expect(text).toContain('Ola Onboarding');

  // The checklist ticked the agreement itself; the partner ticks a manual step, and the program
  // admin's open onboarding board follows (live when hydrated).
  await open(page, '/onboarding/board', testInfo);
  const row = page.locator('tr', { hasText: partner });
  await expect(row).toContainText('11 %');
  const summary = invitee.getByTestId('checklist-summary');
  await open(invitee, '/onboarding', testInfo);
  await expect(summary).toContainText('1 of 9 steps done');
  await expect(summary).toContainText('Day 1 of 90');

  // The company profile, filled in whole, ticks its step (a bad website is named first).
  await invitee.getByRole('link', { name: /^Go there\W+Complete your company profile$/ }).click();
  await expect(invitee.getByRole('heading', { level: 1, name: `${partner}: company profile` })).toBeVisible();
  if (hydrated(testInfo)) {
    await expect(invitee.locator('body[data-hydrated]')).toBeAttached({ timeout: 20_000 });
  }
  await invitee.getByLabel('Website').fill('https://www.' + domain);
  await invitee.getByLabel('Contact email').fill('sales@' + domain);
  await invitee.getByLabel('Phone').fill('call us');
  await invitee.getByLabel('City').fill('Leeds');
  await invitee.getByLabel('Country').fill('United Kingdom');
  await invitee.getByLabel('About the company').fill('We move mid-sized firms to the cloud.');
  await invitee.getByRole('button', { name: 'Save the profile' }).click();
  await expect(invitee.locator('#field-phone-error')).toContainText('6 to 20 digits');
  await invitee.getByLabel('Phone').fill('+44 113 496 0000');
  await invitee.getByRole('button', { name: 'Save the profile' }).click();
  await expect(invitee.getByText('Fill in every field to complete your profile')).toHaveCount(0);
  await expect(invitee.getByLabel('Phone')).toHaveValue('+44 113 496 0000');
  await open(invitee, '/onboarding', testInfo);
  await expect(summary).toContainText('2 of 9 steps done');
  if (!hydrated(testInfo)) await page.reload();
  await expect(row).toContainText('22 %');

  await invitee.getByRole('button', { name: 'Mark \u201cLearn how deal registration protects you\u201d done' }).click();
  await expect(summary).toContainText('3 of 9 steps done');
  if (!hydrated(testInfo)) await page.reload();
  await expect(row).toContainText('33 %');
  await expectAccessible(invitee, testInfo);

  // The checklist's next step is a course: the partner reads it and passes its quiz (the
  // answers are in the README), is certified, and the step ticks itself.
  await invitee.getByRole('link', { name: /^Go there\W+Get certified$/ }).click();
  await expect(invitee.getByRole('heading', { level: 1, name: 'Training' })).toBeVisible();
  await invitee.getByRole('link', { name: 'Deal registration essentials' }).click();
  await expect(invitee.getByRole('heading', { level: 1, name: 'Deal registration essentials' })).toBeVisible();
  if (hydrated(testInfo)) {
    await expect(invitee.locator('body[data-hydrated]')).toBeAttached({ timeout: 20_000 });
  }
  for (const answer of ['90 days', 'Your channel manager', 'Conflicts with other registrations', 'Won', 'Lost', 'Ask for an extension']) {
    await invitee.getByLabel(answer, { exact: true }).check();
  }
  await expectAccessible(invitee, testInfo);
  await invitee.getByRole('button', { name: 'Submit my answers' }).click();
  await expect(invitee.getByText(/^You are certified until \d{4}-\d{2}-\d{2}/)).toBeVisible();
  await expect(invitee.getByRole('region', { name: 'Your attempts' })).toContainText('100 %, passed');
  await open(invitee, '/onboarding', testInfo);
  await expect(summary).toContainText('4 of 9 steps done');
  if (!hydrated(testInfo)) await page.reload();
  await expect(row).toContainText('44 %');

  // Registering a first deal ticks the next.
  await open(invitee, '/deals/new', testInfo);
  const stamp = `${testInfo.project.name}-${Date.now()}`.toLowerCase();
  await fillDeal(invitee, `Initech ${stamp}`, `https://initech-${stamp}.com/`);
  await invitee.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(invitee).toHaveURL(/\/deals\/\d+$/);
  await open(invitee, '/onboarding', testInfo);
  await expect(summary).toContainText('5 of 9 steps done');
  if (!hydrated(testInfo)) await page.reload();
  await expect(row).toContainText('55 %');
  await invitee.context().close();

  // The partner's profile shows the acceptance to the admin.
  await row.getByRole('link', { name: partner }).click();
  await expect(page.getByRole('region', { name: 'Acceptances' })).toContainText('Ola Onboarding');
});

test('a partner that has a new version to accept sees a banner on every page until it does', async ({ page }, testInfo) => {
  await signedInAs(page, 'partner@granite.test', testInfo);
  const banner = page.locator('.agreement-banner');
  await expect(banner).toContainText('A new version of the partner agreement waits for you');
  await banner.getByRole('link', { name: 'Read the agreement' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Partner agreement', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: 'Acme Cloud Partner Agreement 2027' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Accept the agreement' })).toBeVisible();
  await expectAccessible(page, testInfo);
});

test('an admin publishes agreement versions from the administration', async ({ page }, testInfo) => {
  await signedInAs(page, 'admin@acme.test', testInfo);
  await open(page, '/admin/agreement', testInfo);
  await expect(page.getByRole('heading', { level: 1, name: 'Partner agreement', exact: true })).toBeVisible();
  const versions = page.getByRole('region', { name: 'Published versions' });
  await expect(versions).toContainText('Acme Cloud Partner Agreement 2027');
  await expect(versions).toContainText('of 24 partners');
  await expect(page.getByLabel('Text')).toHaveValue(/# Acme Cloud Partner Agreement 2027/);
  // A bad choice is named at its field and nothing is published.
  await page.getByLabel('Days to accept').fill('0');
  await page.getByRole('button', { name: 'Publish this version' }).click();
  await expect(page.locator('#field-days-error')).toContainText('from 1 to 365');
  await expectAccessible(page, testInfo);
});
