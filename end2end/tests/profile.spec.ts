import { expect, test } from '@playwright/test';
import { anotherPerson, expectAccessible, open, signedInAs } from './helpers';

// Each project works on its own partner (the projects share one database): its admin uploads
// a logo, and the program admin gives it another channel manager.
const PARTNERS: Record<string, [string, string]> = {
  'hydrated-desktop': ['Summit Solutions', 'partner@summit.test'],
  'no-js-desktop': ['Vantage Supply', 'partner@vantage.test'],
  'hydrated-phone': ['Quill Analytics', 'partner@quill.test'],
  'no-js-phone': ['Keystone Consulting', 'partner@keystone.test'],
};

/** A 1 × 1 PNG. */
const PIXEL_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg==',
  'base64',
);

test('a partner admin uploads a logo: a script named .png is refused with why, a PNG is kept and shown', async ({ page }, testInfo) => {
  const [name, email] = PARTNERS[testInfo.project.name];
  await signedInAs(page, email, testInfo);
  await open(page, '/profile', testInfo);
  const logo = page.getByRole('region', { name: 'Logo' });
  await expect(logo.getByRole('img', { name: `${name} logo` })).toHaveCount(0);

  await logo.getByLabel('Logo file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('<script>alert(1)</script>') });
  await logo.getByRole('button', { name: 'Upload the logo' }).click();
  await expect(logo.getByText('This file is not a PNG, JPEG, WebP or SVG image, whatever its name says.').first()).toBeVisible();
  await expect(logo.getByLabel('Logo file')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, testInfo);

  await logo.getByLabel('Logo file').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: PIXEL_PNG });
  const served = page.waitForResponse((response) => response.url().includes('/logos/') && response.status() === 200);
  await logo.getByRole('button', { name: 'Upload the logo' }).click();
  expect((await served).headers()['content-type']).toBe('image/png');
  await expect(logo.getByRole('img', { name: `${name} logo` })).toBeVisible();
  await expect(logo.getByRole('alert')).toHaveCount(0);
});

test('an admin adds and deletes a region, and gives a partner another channel manager, who then sees it', async ({ page, browser }, testInfo) => {
  const [name] = PARTNERS[testInfo.project.name];
  await signedInAs(page, 'admin@acme.test', testInfo);

  // A region nobody uses is added, then deleted; one in use offers only to retire it.
  await open(page, '/admin/lists', testInfo);
  await expect(page.getByRole('heading', { level: 1, name: 'Partner types and regions' })).toBeVisible();
  const regions = page.getByTestId('list-regions');
  await expect(regions.getByRole('row', { name: /Nordics/ })).toContainText('Retired');
  await expect(regions.getByRole('row', { name: /EMEA/ }).getByRole('button', { name: 'Delete' })).toHaveCount(0);
  const region = `Region ${testInfo.project.name}`;
  await regions.getByLabel('New region').fill(region);
  await regions.getByRole('button', { name: 'Add' }).click();
  const row = regions.getByRole('row', { name: new RegExp(region) });
  await expect(row).toContainText('Unused');
  await expectAccessible(page, testInfo);
  await row.getByRole('button', { name: 'Delete' }).click();
  await expect(regions.getByRole('row', { name: new RegExp(region) })).toHaveCount(0);

  // The partner's page: its manager changes, and the new one's directory has it.
  await open(page, '/partners', testInfo);
  await page.getByRole('link', { name, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const facts = page.locator('dl.facts').first();
  const before = (await facts.locator('div', { hasText: 'Channel manager' }).locator('dd').textContent())?.trim();
  const [next, nextEmail] = before === 'Sam Achterberg' ? ['Rin Takahashi', 'cam2@acme.test'] : ['Sam Achterberg', 'cam@acme.test'];
  const manager = page.getByRole('region', { name: 'Channel manager' });
  await manager.getByLabel('Looked after by').selectOption({ label: next });
  await manager.getByRole('button', { name: 'Assign' }).click();
  await expect(facts.locator('div', { hasText: 'Channel manager' }).locator('dd')).toHaveText(next);

  const newManager = await anotherPerson(browser, testInfo);
  await signedInAs(newManager, nextEmail, testInfo);
  await open(newManager, `/partners?q=${encodeURIComponent(name)}`, testInfo);
  await expect(newManager.getByRole('link', { name, exact: true })).toBeVisible();
});
