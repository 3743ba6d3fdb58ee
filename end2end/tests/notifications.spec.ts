import { expect, test, type Page } from '@playwright/test';
import { anotherPerson, expectAccessible, fillDeal, hydrated, open, signedInAs } from './helpers';

/** The count on the bell, from what it says to a screen reader ("Notifications, 3 unread"). */
async function unread(page: Page): Promise<number> {
  const label = (await page.getByTestId('bell').getAttribute('aria-label')) ?? '';
  const match = label.match(/(\d+) unread/);
  return match ? Number(match[1]) : 0;
}

test('the bell tells a partner live that their deal was approved, and leads to it', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  const company = `Belled ${stamp}`;

  // A partner registers a deal and waits on their home page.
  await signedInAs(page, 'rep@bluepeak.test', testInfo);
  await open(page, '/deals/new', testInfo);
  await fillDeal(page, company, `belled-${stamp}.example`.toLowerCase());
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(page).toHaveURL(/\/deals\/\d+$/);
  const dealPath = new URL(page.url()).pathname;
  await open(page, '/', testInfo);
  if (hydrated(testInfo)) await expect(page.getByTestId('bell')).toHaveAttribute('data-live', 'connected');
  const before = await unread(page);

  // Its channel manager was told on the bell, and approves it.
  const manager = await anotherPerson(browser, testInfo);
  await signedInAs(manager, 'cam@acme.test', testInfo);
  await open(manager, '/notifications', testInfo);
  await expect(manager.getByTestId('notification').first()).toContainText(`registered a deal for ${company}`);
  await open(manager, dealPath, testInfo);
  await manager.getByRole('button', { name: 'Approve' }).click();
  await expect(manager.getByTestId('deal-status')).toHaveText('Approved');

  // Hydrated, the partner's bell counts it without a reload; without JavaScript, on the next page.
  if (!hydrated(testInfo)) await open(page, '/', testInfo);
  await expect.poll(() => unread(page), { timeout: 15_000 }).toBe(before + 1);
  await expect(page.getByTestId('unread-count')).toHaveText(String(before + 1));

  // The bell opens the list; the notification leads to the deal and is read from then on.
  await page.getByTestId('bell').click();
  await expect(page.getByRole('heading', { level: 1, name: 'Notifications' })).toBeVisible();
  const mine = page.getByTestId('notification').filter({ hasText: `Your deal registration for ${company} was approved` });
  await expect(mine).toHaveClass(/unread/);
  await expectAccessible(page, testInfo);
  await mine.getByRole('button').click();
  await expect(page).toHaveURL(new RegExp(`${dealPath}$`));
  await expect(page.getByTestId('deal-status')).toHaveText('Approved');
  await open(page, '/notifications', testInfo);
  await expect(page.getByTestId('notification').filter({ hasText: company })).not.toHaveClass(/unread/);
  await expect.poll(() => unread(page)).toBe(before);
});

test('a person chooses which notifications also come by email', async ({ page }, testInfo) => {
  await signedInAs(page, 'partner@copperline.test', testInfo);
  await open(page, '/notifications', testInfo);
  const leads = page.getByLabel("A prospect sends one of our landing pages' forms");
  await expect(leads).toBeChecked();
  await leads.uncheck();
  await page.getByRole('button', { name: 'Save' }).click();
  if (hydrated(testInfo)) await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await open(page, '/notifications', testInfo);
  await expect(page.getByLabel("A prospect sends one of our landing pages' forms")).not.toBeChecked();
  await expect(page.getByLabel('Our incentives are paid')).toBeChecked();
  // As it was, for the next run.
  await page.getByLabel("A prospect sends one of our landing pages' forms").check();
  await page.getByRole('button', { name: 'Save' }).click();
  if (hydrated(testInfo)) await expect(page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await open(page, '/notifications', testInfo);
  await expect(page.getByLabel("A prospect sends one of our landing pages' forms")).toBeChecked();
});
