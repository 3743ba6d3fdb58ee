import { expect, test } from '@playwright/test';
import { anotherPerson, expectAccessible, open, signedInAs } from './helpers';

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
  await expect(page.getByRole('button', { name: 'Close it to new launches' })).toBeVisible();

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
