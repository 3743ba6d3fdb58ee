import { expect, test } from '@playwright/test';
import { anotherPerson, expectAccessible, hydrated, open, signedInAs } from './helpers';

// Each project promotes its own Registered partner (its people hold one certification or two),
// whose channel manager approves: the projects share one database.
const PARTNERS: Record<string, [string, string, string]> = {
  'hydrated-desktop': ['Helix Software', 'partner@helix.test', 'cam2@acme.test'],
  'no-js-desktop': ['Referra Partners', 'partner@referra.test', 'cam@acme.test'],
  'hydrated-phone': ['Beacon Introductions', 'partner@beacon.test', 'cam@acme.test'],
  'no-js-phone': ['Atlas Wholesale', 'partner@atlas.test', 'cam@acme.test'],
};

test('an admin lowers Silver\'s requirements, previews who would move, publishes; the partner sees the new distance; its channel manager approves and the tier changes on its open page', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  const [name, partnerEmail, managerEmail] = PARTNERS[testInfo.project.name];

  // The partner's home before: Silver asks for revenue and won deals it does not have.
  const partner = await anotherPerson(browser, testInfo);
  await signedInAs(partner, partnerEmail, testInfo);
  const tierSection = partner.getByRole('region', { name: 'Your tier' });
  await expect(tierSection).toContainText(/to Silver|Every requirement of Silver met/);

  // The admin: Silver asks one certified person instead of revenue and won deals.
  await signedInAs(page, 'admin@acme.test', testInfo);
  await open(page, '/admin/program', testInfo);
  await expect(page.getByRole('heading', { level: 1, name: 'Program: tiers' })).toBeVisible();
  // Counted as table rows: a phone lays the table out as cards.
  const versions = page.getByRole('region', { name: 'Versions published' }).locator('tbody tr');
  const before = await versions.count();
  const silver = page.getByRole('region', { name: '2. Silver' });
  await silver.getByLabel('Won revenue, last 12 months').fill('');
  await silver.getByLabel('Won deals, last 12 months').fill('');
  await silver.getByLabel('Certified people').fill('1');
  await expectAccessible(page, testInfo);
  // The preview first: who would move today and at each of the last four quarters' ends.
  await page.getByRole('button', { name: /^Preview/ }).click();
  const preview = page.getByRole('region', { name: 'Preview of the draft' });
  await expect(preview.getByTestId('simulation')).toContainText('Today');
  await expect(preview.getByTestId('simulation')).toContainText(/End of Q\d \d{4}/);
  await expect(preview.getByTestId('margin-change')).toContainText('Base margin on the last 12 months of won revenue');
  await expect(versions).toHaveCount(before);
  await expectAccessible(page, testInfo);
  await page.getByRole('button', { name: /^Publish as version \d+$/ }).click();
  await expect(versions).toHaveCount(before + 1);
  await expect(page.getByRole('region', { name: 'Preview of the draft' })).toHaveCount(0);
  await expect(versions.first()).toContainText('Morgan Reyes');

  // The partner's home now: every requirement of Silver met, the change waiting for approval.
  await open(partner, '/', testInfo);
  await expect(tierSection).toContainText('Every requirement of Silver met');
  await open(partner, '/tier', testInfo);
  await expect(partner.getByRole('heading', { level: 1, name: `${name}: tier` })).toBeVisible();
  await expect(partner.getByText('A change to Silver awaits its channel manager\'s approval.')).toBeVisible();
  await expect(partner.getByRole('heading', { name: 'Current tier: Registered' })).toBeVisible();
  await expectAccessible(partner, testInfo);

  // The channel manager approves with a reason.
  const manager = await anotherPerson(browser, testInfo);
  await signedInAs(manager, managerEmail, testInfo);
  await open(manager, '/tiers/approvals', testInfo);
  const card = manager.getByRole('region', { name });
  await expect(card).toContainText('Meets every requirement of Silver: moves up from Registered.');
  await expectAccessible(manager, testInfo);
  await card.getByLabel('Reason').fill('Certified and ready.');
  await card.getByRole('button', { name: 'Approve' }).click();
  await expect(manager.getByRole('region', { name })).toHaveCount(0);

  // The partner's open page follows without a reload (with JavaScript; without, on the next load).
  if (!hydrated(testInfo)) await open(partner, '/tier', testInfo);
  await expect(partner.getByRole('heading', { name: 'Current tier: Silver' })).toBeVisible({ timeout: 15_000 });
  const history = partner.getByRole('region', { name: 'Tier history' });
  await expect(history).toContainText('Promoted: Registered → Silver');
  await expect(history).toContainText('Certified and ready.');
});

test('a partner sees its tier, each requirement\'s progress and every tier\'s benefits; another partner\'s tier is not found', async ({ page }, testInfo) => {
  await signedInAs(page, 'partner@pinecone.test', testInfo);
  await open(page, '/tier', testInfo);
  await expect(page.getByRole('heading', { level: 1, name: 'Pinecone Apps: tier' })).toBeVisible();
  const progress = page.getByRole('region', { name: /^Progress to Gold|^Requirements/ });
  await expect(progress.getByRole('listitem').first()).toBeVisible();
  const benefits = page.getByRole('region', { name: 'Tiers and their benefits' });
  await expect(benefits).toContainText('Dedicated engineer');
  await expectAccessible(page, testInfo);
  const response = await open(page, '/partners/2/tier', testInfo);
  expect(response?.status()).toBe(403);
});

test('anyone sees the program page: what a deal earns at each tier, worked out for the amount they type', async ({ page }, testInfo) => {
  await open(page, '/program', testInfo);
  await expect(page.getByRole('heading', { level: 1, name: 'The partner program' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'What a 100,000.00 USD deal earns' })).toBeVisible();
  await page.getByLabel('Deal amount (USD)').fill('250,000');
  await page.getByRole('button', { name: 'Work it out' }).click();
  await expect(page.getByRole('heading', { name: 'What a 250,000.00 USD deal earns' })).toBeVisible();
  // Gold: 20 % margin, 5 points for registering, 1 % rebate: 26 % of 250,000.00.
  await expect(page.getByTestId('earnings')).toContainText('65,000.00 USD');
  await expectAccessible(page, testInfo);
});
