import { expect, test } from '@playwright/test';
import { expectAccessible, hydrated, lastLinkFor, navigationLabels, open, signIn, signOut, signedInAs } from './helpers';

// Each page a role may open, with the heading that page (and no error page) answers with.
const ROLES = [
  {
    email: 'admin@acme.test', role: 'Program admin',
    nav: ['Home', 'Dashboard', 'Partners', 'Onboarding', 'Deals', 'Approvals', 'Leaderboard', 'Training', 'Content', 'Campaigns', 'Incentives', 'MDF', 'Team', 'Administration'],
    pages: [['/', 'Welcome, Morgan'], ['/partners', 'Partners'], ['/team', 'Acme Cloud team'], ['/admin', 'Administration'],
      ['/deals', 'All deals'], ['/deals/pipeline', 'Vendor pipeline'], ['/dashboard', 'Program dashboard'], ['/incentives', 'Incentives']],
  },
  {
    email: 'cam@acme.test', role: 'Channel manager',
    nav: ['Home', 'Dashboard', 'My partners', 'Onboarding', 'Deals', 'Approvals', 'Leads', 'Incentives', 'MDF', 'Leaderboard', 'Training', 'Content', 'Team'],
    pages: [['/', 'Welcome, Sam'], ['/partners', 'My partners'], ['/deals/queue', 'Deals waiting for approval'],
      ['/dashboard', "My partners' dashboard"]],
  },
  {
    email: 'marketing@acme.test', role: 'Channel marketing', nav: ['Home', 'Campaigns', 'SPIFFs', 'Content', 'Partners', 'Leaderboard', 'Training', 'Team'],
    pages: [['/', 'Welcome, Lea'], ['/leaderboard', 'Leaderboard'], ['/metrics', 'Metric dictionary'], ['/content', 'Content library'], ['/campaigns', 'Campaigns'], ['/spiffs', 'SPIFFs']],
  },
  {
    email: 'partner@bluepeak.test', role: 'Partner admin', nav: ['Home', 'Deals', 'Leads', 'Earnings', 'SPIFFs', 'MDF', 'Tier', 'Scorecard', 'Leaderboard', 'Training', 'Content', 'Campaigns', 'Team', 'Profile'],
    pages: [['/', /^Welcome, /], ['/team', 'Bluepeak Systems team'], ['/deals', 'Our deals'], ['/leaderboard', 'Leaderboard'],
      ['/scorecard', 'Bluepeak Systems: scorecard'], ['/leads', 'Leads'], ['/earnings', 'Earnings'], ['/spiffs', 'SPIFFs'], ['/mdf', 'Market development funds']],
  },
  {
    email: 'rep@bluepeak.test', role: 'Partner user', nav: ['Home', 'Deals', 'Leads', 'Earnings', 'SPIFFs', 'MDF', 'Tier', 'Scorecard', 'Leaderboard', 'Training', 'Content', 'Campaigns', 'Team', 'Profile'],
    pages: [['/', /^Welcome, /], ['/deals/new', 'Register a deal']],
  },
] as const;

test('the sign-in page is usable and accessible', async ({ page }, testInfo) => {
  await open(page, '/sign-in', testInfo);
  await expect(page.getByRole('heading', { name: 'Sign in to Tessera' })).toBeVisible();
  await expect(page.getByLabel('Email', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Password')).toBeVisible();
  await expectAccessible(page, testInfo);
});

for (const person of ROLES) {
  test(`${person.role} signs in and sees only their navigation`, async ({ page }, testInfo) => {
    await signedInAs(page, person.email, testInfo);
    expect(await navigationLabels(page)).toEqual(person.nav);
    await expect(page.locator('.user-role')).toHaveText(person.role);
    const titles = new Set<string>();
    for (const [path, heading] of person.pages) {
      const response = await open(page, path, testInfo);
      expect(response?.status(), path).toBe(200);
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(heading);
      // Each page is named in the tab and the history, not just "Tessera".
      await expect(page).toHaveTitle(/^[A-Z][\w ]+ · Tessera$/);
      titles.add(await page.title());
      await expectAccessible(page, testInfo);
    }
    expect(titles.size, [...titles].join(', ')).toBe(new Set(person.pages.map(([path]) => path.split('?')[0])).size);
  });
}

test('a wrong password is refused with a message and no session', async ({ page }, testInfo) => {
  await signIn(page, 'marketing@acme.test', testInfo, 'not-the-password');
  await expect(page.getByRole('alert')).toHaveText('Email or password is incorrect.');
  await expect(page).toHaveURL(/\/sign-in/);
  await expectAccessible(page, testInfo);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('an empty form gets a message next to each field', async ({ page }, testInfo) => {
  await open(page, '/sign-in', testInfo);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByText('Enter your email address.')).toBeVisible();
  await expect(page.getByText('Enter your password.')).toBeVisible();
  await expect(page.getByLabel('Email', { exact: true })).toHaveAttribute('aria-invalid', 'true');
});

test('a partner user opening an admin page sees 403', async ({ page }, testInfo) => {
  await signedInAs(page, 'rep@bluepeak.test', testInfo);
  const response = await page.goto('/admin');
  expect(response?.status()).toBe(403);
  await expect(page.getByRole('heading', { name: 'You do not have access to this page' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'home page' })).toBeVisible();
  await expectAccessible(page, testInfo);
});

test('a partner cannot open another partner by address', async ({ page }, testInfo) => {
  await signedInAs(page, 'cam2@acme.test', testInfo);
  await open(page, '/partners', testInfo);
  const copperline = page.getByRole('link', { name: 'Copperline IT' });
  const href = await copperline.getAttribute('href');
  await signOut(page);
  await signedInAs(page, 'rep@bluepeak.test', testInfo);
  const response = await page.goto(href ?? '/partners/0');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expect(page.getByText('Copperline IT')).toHaveCount(0);
});

test('signing out ends the session', async ({ page }, testInfo) => {
  await signedInAs(page, 'partner@copperline.test', testInfo);
  await signOut(page);
  await expect(page.getByRole('heading', { name: 'Sign in to Tessera' })).toBeVisible();
  await page.goto('/team');
  await expect(page).toHaveURL(/\/sign-in$/);
});

test('an unknown address shows a helpful 404', async ({ page }, testInfo) => {
  const response = await page.goto('/nowhere');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await expectAccessible(page, testInfo);
});

test('a partner admin invites a colleague who then signs in', async ({ page, browser }, testInfo) => {
  // Three people sign in one after another (the partner admin, an admin, the invitee).
  test.setTimeout(60_000);
  const email = `new.${testInfo.project.name}.${Date.now()}@bluepeak.test`;
  await signedInAs(page, 'partner@bluepeak.test', testInfo);
  await open(page, '/team', testInfo);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Role').selectOption('partner_user');
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.locator('li', { hasText: email })).toContainText('Partner user');
  if (hydrated(testInfo)) {
    await expect(page.getByRole('status')).toContainText(`Invitation sent to ${email}`);
  }

  // The link arrives by email. Admins see the message in the outbox with its token hidden;
  // until SMTP is set up, whoever runs the server reads it whole with `tessera outbox`.
  const admin = await browser.newContext({ javaScriptEnabled: hydrated(testInfo) });
  const adminPage = await admin.newPage();
  await signedInAs(adminPage, 'admin@acme.test', testInfo);
  await open(adminPage, '/admin', testInfo);
  const message = adminPage.locator('details.message', { hasText: email }).first();
  await expect(message.locator('pre')).toContainText('invitation?token=…');
  await admin.close();
  const link = lastLinkFor(email);
  expect(link).toContain('/invitation?token=');

  const invitee = await browser.newContext({ javaScriptEnabled: hydrated(testInfo) });
  const inviteePage = await invitee.newPage();
  await open(inviteePage, new URL(link!).pathname + new URL(link!).search, testInfo);
  await expect(inviteePage.getByRole('heading', { name: 'Join Bluepeak Systems' })).toBeVisible();
  await inviteePage.getByLabel('Your name').fill('Nia Newcomer');
  await inviteePage.getByLabel('Password', { exact: true }).fill('a-long-password');
  await inviteePage.getByLabel('Repeat the password').fill('a-long-password');
  await inviteePage.getByRole('button', { name: 'Create my account' }).click();
  await expect(inviteePage.getByRole('heading', { level: 1, name: 'Welcome, Nia' })).toBeVisible();
  await invitee.close();
});

test('a partner admin sends a waiting invitation again, withdraws it, and changes a colleague\'s role', async ({ page }, testInfo) => {
  const email = `later.${testInfo.project.name}.${Date.now()}@bluepeak.test`;
  await signedInAs(page, 'partner@bluepeak.test', testInfo);
  await open(page, '/team', testInfo);
  // The least privileged role is offered first.
  await expect(page.getByLabel('Role')).toHaveValue('partner_user');
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  const waiting = page.getByTestId('pending-invitations').locator('li', { hasText: email });
  await expect(waiting).toBeVisible();
  // The same address again is refused, with the reason beside the field.
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(page.getByText('An invitation to this address is waiting to be accepted.', { exact: false })).toBeVisible();
  await waiting.getByRole('button', { name: `Send again the invitation to ${email}` }).click();
  await expect(page.getByTestId('pending-invitations').locator('li', { hasText: email })).toBeVisible();
  await page.getByTestId('pending-invitations').locator('li', { hasText: email })
    .getByRole('button', { name: `Withdraw the invitation to ${email}` }).click();
  await expect(page.locator('li', { hasText: email })).toHaveCount(0);

  // Sales (a partner user) becomes a partner admin, and back.
  const sales = page.getByRole('row').filter({ hasText: 'sales@bluepeak.test' });
  await sales.getByRole('combobox').selectOption('partner_admin');
  await sales.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'sales@bluepeak.test' })).toContainText('Partner admin');
  const promoted = page.getByRole('row').filter({ hasText: 'sales@bluepeak.test' });
  await promoted.getByRole('combobox').selectOption('partner_user');
  await promoted.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('row').filter({ hasText: 'sales@bluepeak.test' })).toContainText('Partner user');
  await expectAccessible(page, testInfo);
});
