import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { expect, test, type Browser, type Page, type TestInfo } from '@playwright/test';
import { expectAccessible, open, signedInAs } from './helpers';

/** A free port on loopback. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The real OpenID Connect provider (npm `oidc-provider`), run on loopback for this test. */
async function startProvider(redirectUri: string): Promise<{ issuer: string; process: ChildProcess }> {
  const port = await freePort();
  const child = spawn('node', ['oidc/provider.mjs', String(port), 'tessera', 'tessera-secret', redirectUri], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const issuer = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const ready = chunk.toString().match(/ready (\S+)/);
      if (ready) resolve(ready[1]);
    });
    child.on('exit', (code) => reject(new Error(`the provider stopped (${code})`)));
  });
  return { issuer, process: child };
}

/** A browser of someone signed in nowhere, with the project's settings. */
async function stranger(browser: Browser, testInfo: TestInfo): Promise<Page> {
  const context = await browser.newContext({
    viewport: testInfo.project.use.viewport,
    javaScriptEnabled: testInfo.project.use.javaScriptEnabled,
    baseURL: testInfo.project.use.baseURL,
  });
  return context.newPage();
}

/** Signs in through single sign-on as `email`: at the provider, its login page and its consent. */
async function singleSignOn(page: Page, email: string, testInfo: TestInfo) {
  await open(page, '/sign-in', testInfo);
  await page.getByLabel('Work email').fill(email);
  await page.getByRole('button', { name: 'Sign in with single sign-on' }).click();
  // The provider's own pages: the address comes filled in from Tessera's login hint.
  await expect(page.locator('input[name="login"]')).toHaveValue(email);
  await page.locator('input[name="password"]').fill('anything');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  const consent = page.getByRole('button', { name: 'Continue' });
  if (await consent.isVisible({ timeout: 5_000 }).catch(() => false)) await consent.click();
}

test('a partner signs in through its own identity provider: linked, refused without an account, an invitation becomes one', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  const base = testInfo.project.use.baseURL ?? process.env.TESSERA_URL ?? 'http://127.0.0.1:3000';
  const provider = await startProvider(new URL('/sso/callback', base).toString());
  try {
    // The admin sets Copperline's connection up; a bad one first is named at its fields.
    await signedInAs(page, 'admin@acme.test', testInfo);
    await open(page, '/admin', testInfo);
    await page.getByRole('link', { name: 'Single sign-on' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Single sign-on' })).toBeVisible();
    await expect(page.getByTestId('callback-url')).toHaveText(new URL('/sso/callback', base).toString());
    await page.getByLabel('Organisation').selectOption({ label: 'Copperline IT' });
    await page.getByLabel('Issuer').fill('ftp://login.copperline.test');
    await page.getByLabel('Client ID').fill('tessera');
    await page.getByLabel('Client secret').fill('tessera-secret');
    await page.getByLabel('Email domains').fill('gmail.com');
    await page.getByRole('button', { name: 'Save the connection' }).click();
    await expect(page.locator('#field-issuer-error')).toContainText('https');
    await expect(page.locator('#field-domains-error')).toContainText('gmail.com');
    await page.getByLabel('Issuer').fill(provider.issuer);
    await page.getByLabel('Client secret').fill('tessera-secret');
    await page.getByLabel('Email domains').fill('copperline.test');
    await page.getByRole('button', { name: 'Save the connection' }).click();
    const connections = page.getByTestId('sso-connections');
    await expect(connections.getByRole('row').filter({ hasText: 'Copperline IT' })).toContainText(provider.issuer);
    await expectAccessible(page, testInfo);

    // Copperline's partner admin: the first sign-in links the provider's identity to the account.
    const partner = await stranger(browser, testInfo);
    await singleSignOn(partner, 'partner@copperline.test', testInfo);
    await expect(partner).toHaveURL(new URL('/', base).toString());
    await expect(partner.getByRole('heading', { level: 1, name: /^Welcome, / })).toBeVisible();
    await expect(partner.locator('body')).toContainText('Copperline IT');

    // Someone with no account or invitation is refused, and told why.
    const nobody = await stranger(browser, testInfo);
    await singleSignOn(nobody, `stranger-${Date.now()}@copperline.test`, testInfo);
    await expect(nobody).toHaveURL(/\/sign-in\?sso=no_account/);
    await expect(nobody.getByTestId('sso-refused')).toHaveText(
      'There is no Tessera account or invitation for your address. Ask your administrator to invite you.',
    );
    await nobody.context().close();

    // An invited colleague: the first sign-in turns the invitation into their account.
    const newcomer = `newcomer-${testInfo.project.name}-${Date.now()}@copperline.test`;
    const invited = await partner.request.post('/api/invite', { form: { email: newcomer, role: 'partner_user' } });
    expect(invited.status(), await invited.text()).toBe(200);
    await partner.context().close();
    const colleague = await stranger(browser, testInfo);
    await singleSignOn(colleague, newcomer, testInfo);
    await expect(colleague).toHaveURL(new URL('/', base).toString());
    await expect(colleague.getByRole('heading', { level: 1, name: /^Welcome, Newcomer-/ })).toBeVisible();
    await colleague.context().close();
  } finally {
    provider.process.kill();
  }
});
