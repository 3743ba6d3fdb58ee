import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { hydrated, open, signedInAs } from './helpers';

test('a prospect finds Bluepeak in the partner locator and its contact form makes Bluepeak a lead', async ({ page, browser }, testInfo) => {
  test.setTimeout(90_000);
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  const company = `Located ${stamp}`;

  // Anyone, signed in nowhere, with the project's JavaScript setting (the locator runs no script).
  const visitorContext = await browser.newContext({ viewport: testInfo.project.use.viewport });
  const visitor = await visitorContext.newPage();
  await visitor.goto('/locator');
  await expect(visitor.getByRole('heading', { level: 1, name: 'Find a partner' })).toBeVisible();
  await expect(visitor.locator('[data-partner="Copperline IT"]')).toHaveCount(0);
  await visitor.getByLabel('Name, place or what they do').fill('bluepeak');
  await visitor.getByLabel('Tier').selectOption('Gold');
  await visitor.getByRole('button', { name: 'Search' }).click();
  await expect(visitor).toHaveURL(/q=bluepeak/);
  await expect(visitor.getByRole('status')).toHaveText('1 partner found.');
  // axe is a script: it audits in the projects that run scripts (the page is the same in all).
  if (hydrated(testInfo)) {
    const results = await new AxeBuilder({ page: visitor }).analyze();
    expect(results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
  }

  await visitor.getByRole('link', { name: 'Bluepeak Systems' }).click();
  await expect(visitor.getByRole('heading', { level: 1, name: 'Bluepeak Systems' })).toBeVisible();
  await visitor.getByLabel('Your name').fill('Lucius Fox');
  await visitor.getByLabel('Company').fill(company);
  // A bad address is named beside its field and what was typed stays (once: every form sent
  // counts toward an address's few a minute, shared with the landing pages).
  if (testInfo.project.name === 'hydrated-desktop') {
    // (An address the browser takes but the server does not.)
    await visitor.getByLabel('Work email').fill('lucius@foxtech');
    await visitor.getByRole('button', { name: 'Send' }).click();
    await expect(visitor.getByText('Please check the fields marked below.')).toBeVisible();
    await expect(visitor.getByLabel('Company')).toHaveValue(company);
  }
  await visitor.getByLabel('Work email').fill(`lucius.${testInfo.project.name}@foxtech.example`);
  await visitor.getByRole('button', { name: 'Send' }).click();
  await expect(visitor.getByRole('status')).toContainText('Thank you: Bluepeak Systems will be in touch soon.');
  await visitorContext.close();

  // Bluepeak's admin finds the lead among its leads, from the locator.
  await signedInAs(page, 'partner@bluepeak.test', testInfo);
  await open(page, '/leads', testInfo);
  const row = page.getByRole('row').filter({ hasText: company });
  await expect(row).toContainText('Partner locator');
  await expect(row).toContainText('Lucius Fox');
});

test('a vendor embeds the locator in its own site', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'hydrated-desktop', 'one browser suffices: the page has no script');
  const locator = new URL('/locator', testInfo.project.use.baseURL ?? process.env.TESSERA_URL).toString();
  // The vendor's site: another origin on loopback, framing the locator.
  const site = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'text/html' });
    response.end(`<!DOCTYPE html><title>Acme Cloud</title><h1>Acme Cloud</h1><iframe title="Partner locator" src="${locator}" width="800" height="600"></iframe>`);
  });
  await new Promise<void>((resolve) => site.listen(0, 'localhost', resolve));
  try {
    const { port } = site.address() as AddressInfo;
    await page.goto(`http://localhost:${port}/`);
    const framed = page.frameLocator('iframe[title="Partner locator"]');
    await expect(framed.getByRole('heading', { level: 1, name: 'Find a partner' })).toBeVisible();
    await expect(framed.locator('[data-partner="Bluepeak Systems"]')).toBeVisible();
  } finally {
    site.close();
  }
});

test('a partner admin lists their company in the locator from its profile', async ({ page }, testInfo) => {
  await signedInAs(page, 'partner@copperline.test', testInfo);
  await open(page, '/profile', testInfo);
  const card = page.locator('section').filter({ has: page.getByRole('heading', { name: /Partner locator/ }) });
  await expect(card).toContainText('Not listed');
  await card.getByRole('button', { name: 'List us in the locator' }).click();
  await expect(card.getByRole('button', { name: 'Take us off the locator' })).toBeVisible();
  await expect(card).toContainText('Listed');
  const listed = await page.request.get('/locator?q=copperline');
  expect(await listed.text()).toContain('Copperline IT');
  // As it was, for the next run.
  await card.getByRole('button', { name: 'Take us off the locator' }).click();
  await expect(card.getByRole('button', { name: 'List us in the locator' })).toBeVisible();
});
