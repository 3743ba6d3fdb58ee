import { expect, test } from '@playwright/test';
import { expectAccessible, open, signedInAs } from './helpers';

test('an admin makes an API token, sees its secret once, uses it, and revokes it', async ({ page, request }, testInfo) => {
  const name = `CRM sync ${testInfo.project.name}`;
  await signedInAs(page, 'admin@acme.test', testInfo);
  await open(page, '/admin', testInfo);
  await page.getByRole('link', { name: 'API tokens' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API tokens' })).toBeVisible();

  // Nothing ticked: the form says what is missing, beside the field.
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create the token' }).click();
  await expect(page.getByText('Tick at least one thing the token may do.').first()).toBeVisible();

  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel(/Read deals and their timelines/).check();
  await page.getByLabel(/Read partner organisations/).check();
  await page.getByRole('button', { name: 'Create the token' }).click();
  const secret = (await page.getByTestId('token-secret').textContent())?.trim() ?? '';
  expect(secret).toMatch(/^tsr_[A-Za-z0-9_-]{43}$/);
  const row = page.getByTestId('token-row').filter({ hasText: name });
  await expect(row).toContainText('deals:read, partners:read');
  await expect(row).toContainText('Active');
  await expectAccessible(page, testInfo);

  // The secret is shown once: the page opened again does not show it.
  await open(page, '/api-tokens', testInfo);
  await expect(page.getByTestId('token-secret')).toHaveCount(0);

  const headers = { Authorization: `Bearer ${secret}` };
  const partners = await request.get('/api/v1/partners?limit=5', { headers });
  expect(partners.status()).toBe(200);
  expect((await partners.json()).data).toHaveLength(5);
  await open(page, '/api-tokens', testInfo);
  await expect(page.getByTestId('token-row').filter({ hasText: name })).toContainText('from 127.0.0.1');

  await page.getByRole('form', { name: `Revoke ${name}` }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByTestId('token-row').filter({ hasText: name })).toContainText('Revoked');
  const refused = await request.get('/api/v1/partners', { headers });
  expect(refused.status()).toBe(401);
  expect(refused.headers()['content-type']).toBe('application/problem+json');
});

test('the API reference lists every operation, readable without signing in', async ({ page }, testInfo) => {
  await open(page, '/developers', testInfo);
  await expect(page.getByRole('heading', { level: 1, name: 'API reference' })).toBeVisible();
  await expect(page.getByRole('region', { name: 'GET /api/v1/deals', exact: true })).toContainText('Scope: deals:read.');
  await expect(page.getByRole('region', { name: 'POST /api/v1/deals', exact: true })).toContainText('NewDeal');
  await expect(page.getByRole('link', { name: '/api/v1/openapi.json' })).toBeVisible();
  await expectAccessible(page, testInfo);
});
