import { expect, test } from '@playwright/test';
import { expectAccessible, open, signedInAs } from './helpers';

test('an admin narrows the audit log to what was done, sees who did it and what changed, and exports it', async ({ page }, testInfo) => {
  await signedInAs(page, 'admin@acme.test', testInfo);
  await open(page, '/admin', testInfo);
  await page.getByRole('link', { name: 'Audit log' }).first().click();
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();

  // The demo's integrations: each token made is an entry naming who made it.
  await page.getByLabel('Done').selectOption({ label: 'Created an API token' });
  await page.getByRole('button', { name: 'Show' }).click();
  await expect(page).toHaveURL(/action=api_token\.create/);
  const entries = page.getByTestId('audit-entries');
  await expect(entries.getByRole('row').filter({ hasText: 'Salesforce sync' })).toContainText('Morgan Reyes');
  await expect(entries.getByRole('row').filter({ hasText: 'HubSpot deal sync' })).toContainText('Ava Moreau');
  await expectAccessible(page, testInfo);

  // The export holds the same entries.
  const csv = await page.request.get(await page.getByRole('link', { name: 'Export as CSV' }).getAttribute('href') ?? '');
  expect(csv.status()).toBe(200);
  const text = await csv.text();
  expect(text.split('\n')[0]).toContain('When (UTC)');
  expect(text).toContain('Salesforce sync');

  // A date that cannot be read is named, with a way back.
  await open(page, '/admin/audit?from=yesterday', testInfo);
  await expect(page.getByText('Enter a date as YYYY-MM-DD.').first()).toBeVisible();
});
