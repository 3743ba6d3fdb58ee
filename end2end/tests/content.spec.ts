import { expect, test } from '@playwright/test';
import { anotherPerson, expectAccessible, hydrated, open, signedInAs } from './helpers';

/** A one-page PDF, as small as one can be. */
const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n');

test('marketing uploads a file for Gold and above: a Gold partner downloads it, a Silver one sees it locked', async ({ page, browser }, testInfo) => {
  const title = `Price list ${testInfo.project.name}`;
  await signedInAs(page, 'marketing@acme.test', testInfo);
  await open(page, '/content', testInfo);
  await expect(page.getByRole('heading', { level: 1, name: 'Content library' })).toBeVisible();
  const add = page.getByRole('region', { name: 'Add to the library' });
  await add.getByText('Upload a file').click();

  // A PDF named .png is refused with what it is; what was typed comes back.
  await add.getByLabel('File').setInputFiles({ name: 'price-list.png', mimeType: 'image/png', buffer: PDF });
  await add.getByLabel('Title').first().fill(title);
  await add.getByLabel('Tags').first().fill('Pricing');
  await add.getByLabel('Open to').first().selectOption({ label: 'Gold and above' });
  await add.getByRole('button', { name: 'Upload the file' }).click();
  await expect(add.getByText('This file is a PDF, not the .png its name says').first()).toBeVisible();
  await expect(add.getByLabel('File')).toHaveAttribute('aria-invalid', 'true');
  await expect(add.getByLabel('Title').first()).toHaveValue(title);
  await expectAccessible(page, testInfo);

  await add.getByLabel('File').setInputFiles({ name: 'price-list.pdf', mimeType: 'application/pdf', buffer: PDF });
  await add.getByLabel('Open to').first().selectOption({ label: 'Gold and above' });
  await add.getByRole('button', { name: 'Upload the file' }).click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByText('No partner has opened it yet.')).toBeVisible();
  const itemPage = page.url();

  // Bluepeak (Gold) finds it by a word and downloads it.
  const gold = await anotherPerson(browser, testInfo);
  await signedInAs(gold, 'rep@bluepeak.test', testInfo);
  await open(gold, `/content?q=${encodeURIComponent(title)}`, testInfo);
  const card = gold.getByRole('listitem').filter({ hasText: title });
  await expect(card).toContainText('Gold and above');
  const downloading = gold.waitForEvent('download');
  await card.getByRole('link', { name: 'Download' }).click();
  expect((await downloading).suggestedFilename()).toBe('price-list.pdf');
  await expectAccessible(gold, testInfo);

  // Copperline (Silver) sees it locked, with the tier that unlocks it, and nothing to open.
  const silver = await anotherPerson(browser, testInfo);
  await signedInAs(silver, 'partner@copperline.test', testInfo);
  await open(silver, '/content?tag=Pricing', testInfo);
  const locked = silver.getByRole('listitem').filter({ hasText: title });
  await expect(locked).toContainText('Unlocks at Gold');
  await expect(locked.getByRole('link', { name: 'Download' })).toHaveCount(0);

  // Marketing sees who opened it.
  await open(page, new URL(itemPage).pathname, testInfo);
  const opened = page.getByRole('region', { name: /Opened by partners/ });
  await expect(opened.getByRole('row', { name: /Bluepeak Systems/ })).toContainText('1');
});

test('a partner browses the library: its type\'s items, locked ones above its tier, a link that opens', async ({ page }, testInfo) => {
  await signedInAs(page, 'partner@copperline.test', testInfo);
  await open(page, '/content', testInfo);
  const items = page.locator('.content-list > li');
  await expect(items.filter({ hasText: 'Managed services playbook' }).getByRole('link', { name: 'Download' })).toBeVisible();
  await expect(items.filter({ hasText: 'Roadmap briefing' })).toContainText('Unlocks at Platinum');
  const pricing = items.filter({ hasText: 'Pricing calculator' }).getByRole('link', { name: 'Open the link' });
  await expect(pricing).toHaveAttribute('href', /\/content\/\d+\/link$/);
  await page.getByLabel('Kind').selectOption({ label: 'Links' });
  await page.getByRole('button', { name: 'Search' }).click();
  await expect(page).toHaveURL(/kind=link/);
  await expect(items).toHaveCount(2);
  await expect(page.getByText('Found 2 items.')).toBeVisible();
  if (hydrated(testInfo)) await expectAccessible(page, testInfo);
});
