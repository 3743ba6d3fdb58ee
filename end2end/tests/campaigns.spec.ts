import { expect, test } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { anotherPerson, expectAccessible, inDays, open, signedInAs } from './helpers';

test('marketing writes a campaign for managed-service providers, previews it per partner and publishes it; a partner sees it with its logo', async ({ page, browser }, testInfo) => {
  test.slow();
  const name = `Monitoring month ${testInfo.project.name}`;
  await signedInAs(page, 'marketing@acme.test', testInfo);
  await open(page, '/campaigns', testInfo);
  await expect(page.getByRole('heading', { level: 1, name: 'Campaigns' })).toBeVisible();
  await page.getByRole('link', { name: 'New campaign' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'New campaign' })).toBeVisible();

  // A placeholder that does not exist is named beside its field, and what was typed stays.
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Headline').fill('{{ compnay }} watches your servers');
  await page.getByLabel('Subject').fill('Monitoring from {{ company }}');
  await page.getByRole('group', { name: 'Partner types' }).getByLabel('MSP').check();
  await page.getByRole('button', { name: 'Create the campaign' }).click();
  await expect(page.getByText('{{ compnay }} is not a placeholder').first()).toBeVisible();
  await expect(page.getByLabel('Headline')).toHaveAttribute('aria-invalid', 'true');
  await expectAccessible(page, testInfo);

  await page.getByLabel('Headline').fill('{{ company }} watches your servers');
  await page.getByRole('group', { name: 'Partner types' }).getByLabel('MSP').check();
  await page.getByRole('button', { name: 'Create the campaign' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  const targets = page.getByRole('region', { name: 'Partners it targets' });
  await expect(targets.getByRole('row', { name: /Copperline IT/ })).toContainText('Ready');
  await expect(targets.getByRole('row', { name: /Tidewater Managed IT/ })).toContainText('Missing a logo');
  await expect(page.frameLocator('iframe[title="Copperline IT: landing page"]').getByRole('heading', { level: 1 })).toHaveText('Copperline IT watches your servers');
  await expectAccessible(page, testInfo);
  await page.getByRole('button', { name: 'Publish: open it to the partners it targets' }).click();
  await expect(page.getByRole('button', { name: 'Close it: end its landing pages' })).toBeVisible();

  const partner = await anotherPerson(browser, testInfo);
  await signedInAs(partner, 'partner@copperline.test', testInfo);
  await open(partner, '/campaigns', testInfo);
  await partner.getByRole('link', { name }).click();
  await expect(partner.getByRole('heading', { level: 1, name })).toBeVisible();
  const preview = partner.frameLocator('iframe[title="Copperline IT: landing page"]');
  await expect(preview.getByRole('img', { name: 'Copperline IT' })).toBeVisible();
  await expect(partner.getByRole('region', { name: 'Partners it targets' })).toHaveCount(0);
  await expectAccessible(partner, testInfo);
});

test('a partner personalises and launches a campaign; a visitor without JavaScript sends its form; the lead becomes a deal and counts in marketing\'s report', async ({ page, browser }, testInfo) => {
  test.slow();
  const name = `Patch Tuesday ${testInfo.project.name}`;
  const prospect = `Harbour Shipping ${testInfo.project.name}`;
  // Marketing writes and publishes a campaign for managed-service providers.
  await signedInAs(page, 'marketing@acme.test', testInfo);
  await open(page, '/campaigns/new', testInfo);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Headline').fill('{{ company }} patches every server');
  await page.getByRole('textbox', { name: 'Introduction' }).fill('Monthly patching, tested first.');
  await page.getByLabel('Subject').fill('Patching from {{ company }}');
  await page.getByRole('textbox', { name: 'Posts' }).fill('Patched on time, every time: {{ link }}\n---\nAsk {{ company }} about patching.');
  await page.getByRole('group', { name: 'Partner types' }).getByLabel('MSP').check();
  await page.getByRole('button', { name: 'Create the campaign' }).click();
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await page.getByRole('button', { name: 'Publish: open it to the partners it targets' }).click();
  await expect(page.getByRole('button', { name: 'Close it: end its landing pages' })).toBeVisible();
  const campaignUrl = page.url();

  // Copperline previews it with its own logo, writes its own introduction, keeps one post and launches.
  const partner = await anotherPerson(browser, testInfo);
  await signedInAs(partner, 'partner@copperline.test', testInfo);
  await open(partner, new URL(campaignUrl).pathname, testInfo);
  await expect(partner.frameLocator('iframe[title="Copperline IT: landing page"]').getByRole('img', { name: 'Copperline IT' })).toBeVisible({ timeout: 20_000 });
  await partner.getByLabel('Your introduction').fill('{{ company }} has patched servers in the region for ten years.');
  await partner.getByRole('group', { name: 'Posts you share' }).getByRole('checkbox').nth(1).uncheck();
  await partner.getByRole('button', { name: 'Launch', exact: true }).click();
  await expect(partner.getByRole('heading', { name: 'Your landing page' })).toBeVisible();
  await expect(partner.getByRole('region', { name: 'Your landing page' }).getByText('Live', { exact: true })).toBeVisible();
  const address = await partner.locator('#launch-address').inputValue();
  expect(address).toMatch(/\/p\/[A-Za-z0-9_-]{22}$/);
  const posts = partner.getByRole('region', { name: 'Your social posts, with your page\'s link' });
  await expect(posts.getByRole('listitem')).toHaveCount(1);
  await expect(posts.getByRole('listitem')).toContainText(`Patched on time, every time: ${address}`);
  await expectAccessible(partner, testInfo);

  // Anyone, signed in nowhere and with JavaScript off, reads the page and sends its form.
  const visitorContext = await browser.newContext({ javaScriptEnabled: false, viewport: testInfo.project.use.viewport });
  const visitor = await visitorContext.newPage();
  await visitor.goto(address);
  await expect(visitor.getByRole('heading', { level: 1, name: 'Copperline IT patches every server' })).toBeVisible();
  await expect(visitor.getByText('Copperline IT has patched servers in the region for ten years.')).toBeVisible();
  await visitor.getByLabel('Your name').fill('Ada Prospect');
  await visitor.getByLabel('Work email').fill(`ada.${testInfo.project.name}@harbour.example`);
  await visitor.getByLabel('Company').fill(prospect);
  await visitor.getByRole('button', { name: 'Send' }).click();
  await expect(visitor.getByRole('status')).toContainText('Thank you: Copperline IT will be in touch soon.');
  await visitorContext.close();

  // The public page passes axe (audited in a context that runs axe's script; the page itself runs none).
  const auditContext = await browser.newContext({ javaScriptEnabled: true });
  const audit = await auditContext.newPage();
  await audit.goto(address);
  const results = await new AxeBuilder({ page: audit }).analyze();
  const severe = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(severe.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  await auditContext.close();

  // The lead is in Copperline's pipeline, and one click makes it a deal registration.
  await open(partner, '/leads', testInfo);
  const row = partner.getByRole('row', { name: new RegExp(prospect) });
  await expect(row).toContainText(name);
  await row.getByRole('link', { name: 'Register as a deal' }).click();
  await expect(partner.getByRole('heading', { level: 1, name: 'Register a deal' })).toBeVisible();
  await expect(partner.getByLabel('Customer company')).toHaveValue(prospect);
  await expect(partner.getByLabel('Contact email')).toHaveValue(`ada.${testInfo.project.name}@harbour.example`);
  await partner.getByLabel('Amount').fill('36,000.00');
  await partner.getByLabel('Expected close date').fill(inDays(40));
  await partner.getByLabel('Products').fill('Patch Manager');
  await partner.getByRole('button', { name: 'Submit' }).click();
  await expect(partner).toHaveURL(/\/deals\/\d+$/);
  await open(partner, '/leads', testInfo);
  await expect(partner.getByRole('row', { name: new RegExp(prospect) }).getByRole('link', { name: /^Deal #\d+$/ })).toBeVisible();

  // Marketing's report counts Copperline's lead and deal.
  await open(page, new URL(campaignUrl).pathname, testInfo);
  const copperline = page.getByRole('region', { name: 'Partners it targets' }).getByRole('row', { name: /Copperline IT/ });
  await expect(copperline.getByRole('cell').nth(6)).toHaveText('1');
  await expect(copperline.getByRole('cell').nth(7)).toHaveText('1');
  await expect(page.getByRole('region', { name: 'How it is doing' })).toContainText('Launched by 1 of');
  await expectAccessible(page, testInfo);
});
