import { expect, test } from '@playwright/test';
import { anotherPerson, expectAccessible, inDays, open, signedInAs } from './helpers';

const PDF = '%PDF-1.4\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF\n';

test('a partner requests market development funds, is pre-approved, claims with proof and is paid', async ({ page, browser }, testInfo) => {
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

  // Bluepeak claims it with a proof PDF: a disguised file is refused beside the field first.
  const claim = page.getByTestId('claim-form');
  await claim.getByLabel('Amount claimed').fill('480');
  await claim.getByLabel('What it brought').fill('41 sign-ups, 6 meetings.');
  await claim.getByLabel('Proof of performance').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html>not a pdf</html>') });
  await claim.getByRole('button', { name: 'Send the claim' }).click();
  await expect(page.getByText(/proof of performance may be a PDF, PNG or JPEG file/).first()).toBeVisible();
  await open(page, requestUrl, testInfo);
  const again = page.getByTestId('claim-form');
  await again.getByLabel('Amount claimed').fill('480');
  await again.getByLabel('What it brought').fill('41 sign-ups, 6 meetings.');
  await again.getByLabel('Proof of performance').setInputFiles({ name: 'invoice.pdf', mimeType: 'application/pdf', buffer: Buffer.from(PDF) });
  await again.getByRole('button', { name: 'Send the claim' }).click();
  await expect(page.getByTestId('mdf-state')).toHaveText('Claim waiting for approval');
  await expect(page.getByTestId('mdf-claim').getByRole('link', { name: 'invoice.pdf' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Approve the claim' })).toHaveCount(0);

  // Sam opens the proof and approves the claim: a payable MDF entry.
  await open(manager, requestUrl, testInfo);
  const proof = await manager.request.get(await manager.getByTestId('mdf-claim').getByRole('link', { name: 'invoice.pdf' }).getAttribute('href') ?? '');
  expect(proof.status()).toBe(200);
  expect((await proof.body()).toString()).toContain('%PDF-1.4');
  await manager.getByRole('button', { name: 'Approve the claim' }).click();
  await expect(manager.getByTestId('mdf-state')).toHaveText('Claim approved');
  await expect(manager.getByTestId('timeline')).toContainText('Claim approved by Sam Achterberg');

  // An admin approves this quarter's payout run and marks it paid; Bluepeak's statement shows the claim paid.
  const admin = await anotherPerson(browser, testInfo);
  await signedInAs(admin, 'admin@acme.test', testInfo);
  await open(admin, '/incentives', testInfo);
  await admin.getByRole('button', { name: /^Approve a payout run for / }).first().click();
  const pay = admin.getByRole('button', { name: /^Mark run #\d+ paid$/ }).first();
  await expect(pay).toBeVisible();
  const run = (await pay.textContent()) ?? '';
  await pay.click();
  await expect(admin.getByRole('button', { name: run, exact: true })).toHaveCount(0);
  await open(page, '/earnings', testInfo);
  const line = page.getByRole('row').filter({ hasText: `MDF claim for \u201c${title}\u201d` });
  await expect(line).toContainText('480.00');
  await expect(line).toContainText('Paid');
  await expect(line.getByRole('link', { name: /^MDF request #\d+$/ })).toBeVisible();
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
