import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { anotherPerson, expectAccessible, fillDeal, inDays, open, signedInAs } from './helpers';

/** Bluepeak (signed in on `page`) registers a deal naming `products`, its channel manager (on
 * `manager`) approves it, and Bluepeak records it won for 40,000.00 today; the deal's address. */
async function winRegisteredDeal(page: Page, manager: Page, testInfo: TestInfo, company: string, domain: string, products?: string): Promise<string> {
  await open(page, '/deals/new', testInfo);
  await fillDeal(page, company, domain);
  if (products) await page.getByLabel('Products').fill(products);
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(page).toHaveURL(/\/deals\/\d+$/);
  const dealUrl = new URL(page.url()).pathname;
  await open(manager, dealUrl, testInfo);
  await manager.getByRole('button', { name: 'Approve' }).click();
  await expect(manager.getByTestId('deal-status')).toHaveText('Approved');
  await open(page, dealUrl, testInfo);
  await page.getByLabel('Outcome', { exact: true }).selectOption('won');
  await page.getByLabel('Final amount', { exact: true }).fill('40,000.00');
  await page.getByLabel('Close date', { exact: true }).fill(inDays(0));
  await page.getByRole('button', { name: 'Record outcome' }).click();
  await expect(page.getByTestId('deal-status')).toHaveText('Won');
  return dealUrl;
}

test('a won registered deal puts its margin and registration discount on the partner\'s statement; reopened as lost, both are reversed', async ({ page, browser }, testInfo) => {
  test.slow();
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  const company = `Vandelay ${stamp}`;

  // Bluepeak registers a deal, its channel manager approves it, and Bluepeak wins it: the deal
  // shows what it earned, at Bluepeak's tier.
  await signedInAs(page, 'partner@bluepeak.test', testInfo);
  const manager = await anotherPerson(browser, testInfo);
  await signedInAs(manager, 'cam@acme.test', testInfo);
  const dealUrl = await winRegisteredDeal(page, manager, testInfo, company, `vandelay-${stamp}.com`.toLowerCase());
  const earned = page.getByRole('region', { name: 'What this deal earned' });
  await expect(earned.getByRole('row', { name: /Margin on/ })).toContainText('40,000.00 USD ×');
  await expect(earned.getByRole('row', { name: /Deal-registration discount on/ })).toContainText('Accrued');
  await expectAccessible(page, testInfo);

  // Its statement lists both, each linking back to the deal.
  await open(page, '/earnings', testInfo);
  await expect(page.getByRole('heading', { level: 1, name: 'Earnings' })).toBeVisible();
  const entries = page.getByTestId('ledger-entries');
  await expect(entries.getByRole('row', { name: new RegExp(`Margin on ${company}`) })).toBeVisible();
  await expect(entries.getByRole('row', { name: new RegExp(`Deal-registration discount on ${company}`) }).getByRole('link')).toHaveAttribute('href', dealUrl);
  await expect(page.getByRole('link', { name: 'Download CSV' })).toHaveAttribute('href', /\/earnings\.csv/);
  // This quarter's rebate forecast, under the schedule Bluepeak's tier names.
  await expect(page.getByTestId('rebate-forecast')).toContainText(/quarterly · /);
  await expectAccessible(page, testInfo);

  // The manager reopens it as lost (the reason is required): both entries are reversed.
  await open(manager, dealUrl, testInfo);
  await manager.getByRole('button', { name: 'Reopen as lost' }).click();
  await expect(manager.getByText('Say why the won deal is reopened as lost')).toBeVisible();
  await manager.getByLabel('Why (the partner sees it)').fill('The customer cancelled the order.');
  await manager.getByRole('button', { name: 'Reopen as lost' }).click();
  await expect(manager.getByTestId('deal-status')).toHaveText('Lost');
  await expect(manager.getByTestId('timeline')).toContainText('Reopened as lost');
  const reversals = manager.getByRole('region', { name: 'What this deal earned' }).getByRole('row', { name: /Reversal of entry/ });
  await expect(reversals).toHaveCount(2);
  await expect(reversals.first()).toContainText('-');

  await open(page, '/earnings', testInfo);
  const reversed = page.getByTestId('ledger-entries').getByRole('row', { name: /Reversal of entry/ }).filter({ has: page.locator(`a[href="${dealUrl}"]`) });
  await expect(reversed).toHaveCount(2);
  await expect(reversed.first()).toContainText('The customer cancelled the order.');
});

test('an admin sees what the program owes, previews closing a quarter, and a channel manager sees only their partners', async ({ page, browser }, testInfo) => {
  test.slow();
  await signedInAs(page, 'admin@acme.test', testInfo);
  await open(page, '/incentives', testInfo);
  await expect(page.getByRole('heading', { level: 1, name: 'Incentives' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Payouts' })).toBeVisible();
  await expectAccessible(page, testInfo);
  // A quarter that has not ended cannot close: the preview says so and offers no button.
  const now = new Date();
  const quarter = `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
  await open(page, `/incentives?close=${quarter}`, testInfo);
  await expect(page.getByTestId('close-preview')).toContainText('has not ended yet');
  await expect(page.getByTestId('close-preview').getByRole('button')).toHaveCount(0);

  // A rebate schedule: a mistake is named beside its field, then it is saved and listed.
  const name = `Spring ladder ${testInfo.project.name}`;
  await open(page, '/incentives', testInfo);
  const schedules = page.getByRole('region', { name: 'Volume rebate schedules' });
  await schedules.getByLabel('Name').fill(name);
  await schedules.getByLabel('How rates apply').selectOption('incremental');
  await schedules.getByLabel('Thresholds').fill('500,000 = 3\n250,000 = 2');
  await schedules.getByRole('button', { name: 'Save the schedule' }).click();
  await expect(page.getByText('Line 2: each threshold must be above the one before.').first()).toBeVisible();
  await schedules.getByLabel('Thresholds').fill('250,000 = 2\n500,000 = 3');
  await schedules.getByRole('button', { name: 'Save the schedule' }).click();
  await expect(page.getByRole('region', { name: 'Volume rebate schedules' }).getByRole('row', { name: new RegExp(name) }))
    .toContainText('250,000.00 USD: 2 %; 500,000.00 USD: 3 %');
  await expectAccessible(page, testInfo);

  const manager = await anotherPerson(browser, testInfo);
  await signedInAs(manager, 'cam@acme.test', testInfo);
  await open(manager, '/incentives', testInfo);
  await expect(manager.getByRole('heading', { level: 1, name: 'Incentives' })).toBeVisible();
  await expect(manager.getByRole('heading', { name: 'Payouts' })).toHaveCount(0);
  await expect(manager.getByRole('heading', { name: 'Volume rebate schedules' })).toHaveCount(0);
  await expectAccessible(manager, testInfo);
});

test('marketing launches a SPIFF; a partner wins a qualifying deal and sees the SPIFF beside its margin and discount', async ({ page, browser }, testInfo) => {
  test.slow();
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  const spiff = `Quantum push ${stamp}`;
  const product = `Quantum ${stamp}`;
  const company = `Kramerica ${stamp}`;

  // Marketing writes the SPIFF: a mistake is named beside its field; then a draft, launched.
  const marketing = await anotherPerson(browser, testInfo);
  await signedInAs(marketing, 'marketing@acme.test', testInfo);
  await open(marketing, '/spiffs', testInfo);
  await expect(marketing.getByRole('heading', { level: 1, name: 'SPIFFs' })).toBeVisible();
  const form = marketing.getByRole('region', { name: 'New SPIFF' });
  await form.getByLabel('Name').fill(spiff);
  await form.getByLabel('What partners read').fill('Win a Quantum deal this month.');
  await form.getByLabel('Deals won from').fill(inDays(0));
  await form.getByLabel('Deals won until').fill(inDays(30));
  await form.getByLabel('Products').fill(product);
  await form.getByLabel('Smallest deal').fill('10,000');
  await form.getByLabel('Pays').selectOption('deal');
  await form.getByRole('button', { name: 'Save the draft' }).click();
  await expect(marketing.getByText('Enter the amount.').first()).toBeVisible();
  await marketing.getByRole('region', { name: 'New SPIFF' }).getByLabel('Amount').fill('400');
  await marketing.getByRole('region', { name: 'New SPIFF' }).getByRole('button', { name: 'Save the draft' }).click();
  const card = marketing.getByRole('region', { name: spiff });
  await expect(card).toContainText('Draft');
  await expectAccessible(marketing, testInfo);
  await card.getByRole('button', { name: `Launch ${spiff}` }).click();
  await expect(marketing.getByRole('region', { name: spiff })).toContainText('Open');
  await expect(marketing.getByRole('region', { name: spiff })).toContainText('400.00 USD per qualifying deal');

  // Bluepeak sees it open to it, then registers a deal naming the product, approved and won:
  // the SPIFF accrues beside the margin and the registration discount.
  await signedInAs(page, 'partner@bluepeak.test', testInfo);
  await open(page, '/spiffs', testInfo);
  await expect(page.getByRole('region', { name: spiff }).getByTestId('spiff-earned')).toHaveText('Nothing earned yet.');
  await expectAccessible(page, testInfo);
  const manager = await anotherPerson(browser, testInfo);
  await signedInAs(manager, 'cam@acme.test', testInfo);
  await winRegisteredDeal(page, manager, testInfo, company, `kramerica-${stamp}.com`.toLowerCase(), `Cloud Suite, ${product}`);
  const earned = page.getByRole('region', { name: 'What this deal earned' });
  await expect(earned.getByRole('row', { name: new RegExp(`SPIFF “${spiff}” on ${company}`) })).toContainText('400.00 USD');
  await open(page, '/earnings', testInfo);
  const entries = page.getByTestId('ledger-entries');
  await expect(entries.getByRole('row', { name: new RegExp(`SPIFF “${spiff}” on ${company}`) })).toContainText('Accrued');
  await expect(entries.getByRole('row', { name: new RegExp(`Margin on ${company}`) })).toBeVisible();
  await expect(entries.getByRole('row', { name: new RegExp(`Deal-registration discount on ${company}`) })).toBeVisible();
  await open(page, '/spiffs', testInfo);
  await expect(page.getByRole('region', { name: spiff }).getByTestId('spiff-earned')).toHaveText('You earned 400.00 USD from 1 deal.');
});
