import { expect, test } from '@playwright/test';
import { PASSWORD, anotherPerson, expectAccessible, fillDeal, hydrated, inDays, open, showNavigation, signedInAs } from './helpers';

test('a partner registers a deal, a second partner is warned of the conflict, a manager approves', async ({ page, browser }, testInfo) => {
  // Three people, each hydrating the (debug) WASM in a fresh context: on a cold, busy 2-core machine that alone can take 30 s.
  test.setTimeout(90_000);
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  const company = `Globex ${stamp}`;
  const domain = `globex-${stamp}.com`.toLowerCase();

  // Bluepeak registers the deal.
  await signedInAs(page, 'rep@bluepeak.test', testInfo);
  await open(page, '/deals/new', testInfo);
  await expect(page.getByRole('heading', { level: 1, name: 'Register a deal' })).toBeVisible();
  await expectAccessible(page, testInfo);
  await fillDeal(page, company, `https://www.${domain}/`);
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(page).toHaveURL(/\/deals\/\d+$/);
  const dealUrl = new URL(page.url()).pathname;
  await expect(page.getByRole('heading', { level: 1, name: company })).toBeVisible();
  await expect(page.getByTestId('deal-status')).toHaveText('Waiting for approval');
  await expect(page.getByText(domain, { exact: true })).toBeVisible();
  await expect(page.getByTestId('timeline')).toContainText('Submitted');

  // Copperline, typing the same customer's domain, is warned before submitting (as they type).
  const second = await anotherPerson(browser, testInfo);
  await signedInAs(second, 'partner@copperline.test', testInfo);
  await open(second, '/deals/new', testInfo);
  if (hydrated(testInfo)) {
    await second.getByLabel('Customer domain').fill(`sales.${domain.toUpperCase()}`);
    await expect(second.getByTestId('conflict-warning')).toBeVisible();
    await expect(second.getByTestId('conflict-warning')).not.toContainText('Bluepeak');
  }
  await fillDeal(second, `${company.toUpperCase()} Inc.`, `sales.${domain}`);
  await second.getByRole('button', { name: 'Submit', exact: true }).click();
  await expect(second).toHaveURL(/\/deals\/\d+$/);
  await expect(second.getByText(/^Possible conflict: this customer may already be registered/)).toBeVisible();
  await expect(second.locator('body')).not.toContainText('Bluepeak');

  // Bluepeak's channel manager approves from the queue, seeing the other registration.
  const manager = await anotherPerson(browser, testInfo);
  await signedInAs(manager, 'cam@acme.test', testInfo);
  await open(manager, '/deals/queue', testInfo);
  await expect(manager.getByRole('heading', { level: 1, name: 'Deals waiting for approval' })).toBeVisible();
  await expectAccessible(manager, testInfo);
  await open(manager, dealUrl, testInfo);
  await expect(manager.getByRole('heading', { name: 'Possible conflicts' })).toBeVisible();
  await expect(manager.getByRole('region', { name: 'Possible conflicts' })).toContainText('Copperline IT');
  await expectAccessible(manager, testInfo);
  await manager.getByRole('button', { name: 'Approve' }).click();
  await expect(manager.getByTestId('deal-status')).toHaveText('Approved');

  // Bluepeak sees the new status and the manager on the timeline.
  await open(page, dealUrl, testInfo);
  await expect(page.getByTestId('deal-status')).toHaveText('Approved');
  await expect(page.getByTestId('timeline')).toContainText('Approved by Sam Achterberg');
  await expect(page.getByText(/^Protected until \d{4}-\d{2}-\d{2} \(90 days left\)$/)).toBeVisible();
  await expectAccessible(page, testInfo);
});

test('bad deal fields get a message next to each and nothing is saved', async ({ page }, testInfo) => {
  await signedInAs(page, 'partner@bluepeak.test', testInfo);
  await open(page, '/deals/new', testInfo);
  if (hydrated(testInfo)) {
    // As the partner types, before any submit.
    await page.getByLabel('Contact email').fill('hank at globex');
    await expect(page.getByText('Enter an email address like name@company.com.')).toBeVisible();
  }
  await page.getByLabel('Customer domain').fill('not a domain');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.getByText("Enter the customer's company name.")).toBeVisible();
  await expect(page.getByText('Enter a domain like example.com.')).toBeVisible();
  await expect(page.getByText('Name at least one product.')).toBeVisible();
  await expect(page).toHaveURL(/\/deals\/new/);
});

test('a deal form with one bad field comes back with every other value kept, and its summary leads to the field', async ({ page }, testInfo) => {
  await signedInAs(page, 'partner@bluepeak.test', testInfo);
  await open(page, '/deals/new', testInfo);
  await fillDeal(page, 'Initech Kept', 'initech-kept.example');
  await page.getByLabel('Currency').selectOption('EUR');
  await page.getByLabel('Sourced or influenced').selectOption('influenced');
  await page.getByLabel('Amount').fill('twelve');
  await page.getByRole('button', { name: 'Save draft' }).click();
  const summary = page.getByTestId('form-errors');
  await expect(summary).toBeVisible();
  await expect(page.getByText('Enter the amount as a number, like 12,500.00.')).toBeVisible();
  // Everything else is as typed, with JavaScript or without (then the page came back from the server).
  await expect(page.getByLabel('Customer company')).toHaveValue('Initech Kept');
  await expect(page.getByLabel('Customer domain')).toHaveValue('initech-kept.example');
  await expect(page.getByLabel('Contact name')).toHaveValue('Hank Scorpio');
  await expect(page.getByLabel('Contact email')).toHaveValue('hank@example.com');
  await expect(page.getByLabel('Amount')).toHaveValue('twelve');
  await expect(page.getByLabel('Currency')).toHaveValue('EUR');
  await expect(page.getByLabel('Expected close date')).toHaveValue(inDays(45));
  await expect(page.getByLabel('Products')).toHaveValue('Cloud Suite, Backup Pro');
  await expect(page.getByLabel('Sourced or influenced')).toHaveValue('influenced');
  await expect(page.getByLabel('Notes')).toHaveValue('Met at the partner summit.');
  if (hydrated(testInfo)) {
    // Focus moves to the summary, whose link leads to the field to correct.
    await expect(summary).toBeFocused();
  }
  await summary.getByRole('link', { name: 'Amount' }).click();
  await expect(page).toHaveURL(/#field-amount$/);
  await page.getByLabel('Amount').fill('12,000.00');
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page).toHaveURL(/\/deals\/\d+$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Initech Kept' })).toBeVisible();
  await expect(page.getByText('12,000.00 EUR').first()).toBeVisible();
});

test('a manager filters the deals list and can export it', async ({ page }, testInfo) => {
  await signedInAs(page, 'admin@acme.test', testInfo);
  await open(page, '/deals?status=approved', testInfo);
  await expect(page.getByRole('heading', { level: 1, name: 'All deals' })).toBeVisible();
  await expect(page.getByLabel('Status')).toHaveValue('approved');
  const export_ = page.getByRole('link', { name: 'Export CSV' });
  await expect(export_).toHaveAttribute('href', '/deals/export.csv?status=approved&page=1');
  const response = await page.request.get('/deals/export.csv?status=approved');
  expect(response.status()).toBe(200);
  expect((await response.text()).split('\n')[0]).toContain('Deal,Partner,Customer,');
});

test('a manager approves three deals from the queue without opening them', async ({ page, browser }, testInfo) => {
  test.setTimeout(90_000);
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  // Bluepeak submits three deals (through the same server functions its form posts to).
  const partner = (await anotherPerson(browser, testInfo)).request;
  expect((await partner.post('/api/sign_in', { form: { email: 'partner@bluepeak.test', password: PASSWORD } })).ok()).toBeTruthy();
  const companies: string[] = [];
  for (const n of [1, 2, 3]) {
    const token = (await (await partner.post('/api/deal_form', { form: {} })).json()).form_token;
    const company = `Queue ${n} ${stamp}`;
    const saved = await partner.post('/api/save_deal', {
      form: {
        form_token: token, intent: 'submit', customer_company: company,
        customer_domain: `queue${n}-${stamp}.example`.toLowerCase(), contact_name: 'Hank Scorpio',
        contact_email: 'hank@example.com', amount: '10,000.00', currency: 'USD', expected_close_date: inDays(30),
        products: 'Cloud Suite', attribution: 'sourced', notes: '',
      },
    });
    expect(saved.ok(), await saved.text()).toBeTruthy();
    companies.push(company);
  }

  await signedInAs(page, 'cam@acme.test', testInfo);
  await open(page, '/deals/queue', testInfo);
  await showNavigation(page);
  await expect(page.getByTestId('approvals-waiting')).toBeVisible();
  const current = page.getByRole('navigation', { name: 'Main' }).locator('[aria-current="page"]');
  await expect(current).toHaveCount(1);
  await expect(current).toContainText('Approvals');
  for (const company of companies) {
    const row = page.getByRole('row').filter({ hasText: company });
    await row.getByRole('button', { name: 'Approve' }).click();
    await expect(page.getByRole('row').filter({ hasText: company })).toHaveCount(0);
    await expect(page).toHaveURL(/\/deals\/queue$/);
  }
  await expectAccessible(page, testInfo);
});
