import { expect, test } from '@playwright/test';
import { anotherPerson, expectAccessible, inDays, open, signedInAs } from './helpers';

test('a partner requests market development funds for an activity, and its channel manager pre-approves it', async ({ page, browser }, testInfo) => {
  test.slow();
  const title = `Webinar ${testInfo.project.name}-${Date.now()}`;

  // Bluepeak sees its allocation and requests funds: a mistake is named beside its field.
  await signedInAs(page, 'partner@bluepeak.test', testInfo);
  await open(page, '/mdf', testInfo);
  await expect(page.getByRole('heading', { level: 1, name: 'Market development funds' })).toBeVisible();
  await expect(page.getByTestId('mdf-allocations')).toContainText('Bluepeak Systems');
  await expectAccessible(page, testInfo);
  const form = page.getByRole('region', { name: 'Request funds' });
  await form.getByLabel('Activity').selectOption('digital');
  await form.getByLabel('What it is').fill(title);
  await form.getByLabel('First day').fill(inDays(0));
  await form.getByLabel('Last day').fill(inDays(1));
  await form.getByLabel('Amount').fill('1,000,000');
  await form.getByLabel('Expected outcome').fill('30 sign-ups, 5 opportunities.');
  await form.getByRole('button', { name: 'Send the request' }).click();
  await expect(page.getByText(/of this allocation is left\./).first()).toBeVisible();
  await page.getByRole('region', { name: 'Request funds' }).getByLabel('Amount').fill('500');
  await page.getByRole('region', { name: 'Request funds' }).getByRole('button', { name: 'Send the request' }).click();
  await expect(page).toHaveURL(/\/mdf\/\d+$/);
  const requestUrl = new URL(page.url()).pathname;
  await expect(page.getByTestId('mdf-state')).toHaveText('Waiting for approval');
  await expect(page.getByRole('button', { name: 'Pre-approve' })).toHaveCount(0);

  // Its channel manager pre-approves it; the timeline says who did what.
  const manager = await anotherPerson(browser, testInfo);
  await signedInAs(manager, 'cam@acme.test', testInfo);
  await open(manager, '/mdf', testInfo);
  await manager.getByTestId('mdf-requests').getByRole('link', { name: title }).click();
  await expect(manager).toHaveURL(new RegExp(`${requestUrl}$`));
  await expectAccessible(manager, testInfo);
  await manager.getByRole('button', { name: 'Pre-approve' }).click();
  await expect(manager.getByTestId('mdf-state')).toHaveText('Pre-approved');
  await expect(manager.getByTestId('timeline')).toContainText('Pre-approved by Sam Achterberg');

  // The activity began today: Bluepeak marks it executed.
  await open(page, requestUrl, testInfo);
  await page.getByRole('button', { name: 'Mark executed' }).click();
  await expect(page.getByTestId('mdf-state')).toHaveText('Executed');
  await expect(page.getByTestId('timeline')).toContainText('Executed by');
});

test('an admin sets the quarter\'s budget and allocates it, never beyond', async ({ page }, testInfo) => {
  test.slow();
  await signedInAs(page, 'admin@acme.test', testInfo);
  await open(page, '/mdf', testInfo);
  await expect(page.getByRole('region', { name: 'Budgets', exact: true })).toContainText('100,000.00 USD');
  const allocate = page.getByRole('region', { name: 'Allocate funds' });
  await allocate.getByLabel('Partner').selectOption({ label: 'Helix Software' });
  await allocate.getByLabel('Amount').fill('10,000,000');
  await allocate.getByRole('button', { name: 'Allocate' }).click();
  await expect(page.getByText(/of the quarter's budget is left to allocate\./).first()).toBeVisible();
  await expectAccessible(page, testInfo);
});
