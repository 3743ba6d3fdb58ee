import { execFileSync } from 'node:child_process';
import { expect, type Browser, type ConsoleMessage, type Page, type Request, type Response, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';

export const PASSWORD = 'tessera-demo';

export const hydrated = (testInfo: TestInfo) => testInfo.project.use.javaScriptEnabled !== false;

/**
 * Opens a page and, when JavaScript is on, waits until the WASM has hydrated it; the page's
 * response. A page that never hydrates fails with what the browser reported meanwhile (errors
 * in the console, uncaught exceptions, requests that failed).
 */
export async function open(page: Page, path: string, testInfo: TestInfo, again = false): Promise<Response | null> {
  const reported: string[] = [];
  const onConsole = (message: ConsoleMessage) => {
    if (message.type() === 'error') reported.push(`console: ${message.text()}`);
  };
  const onPageError = (error: Error) => reported.push(`uncaught: ${error.message}`);
  const onRequestFailed = (request: Request) => reported.push(`failed: ${request.url()} ${request.failure()?.errorText}`);
  page.on('console', onConsole);
  page.on('pageerror', onPageError);
  page.on('requestfailed', onRequestFailed);
  try {
    const response = await page.goto(path);
    if (hydrated(testInfo)) {
      try {
        await expect(page.locator('body[data-hydrated]')).toBeAttached({ timeout: 20_000 });
        // A page whose markup the WASM does not find as the server wrote it (a <p> in a <p>, say)
        // stops its scripts: every later click falls back to a plain page load, unnoticed.
        const broken = reported.filter((line) => /hydration error|panicked/i.test(line));
        if (broken.length > 0) throw new Error(`${path} did not hydrate cleanly: ${broken.join(' | ')}`);
      } catch (error) {
        // Rarely (the first journey of a run, right after a client-side navigation), a page has
        // come back with the policy meant for everything but pages, which blocks its scripts.
        // Say so, and load it once more as a person would; a second time is a failure.
        const policy = response?.headers()['content-security-policy'] ?? 'none';
        if (!again && policy.startsWith("default-src 'none'")) {
          testInfo.annotations.push({ type: 'reloaded', description: `${path} came with the non-page policy: ${policy}` });
          return open(page, path, testInfo, true);
        }
        throw new Error(
          `${path} did not hydrate (status ${response?.status()}, policy ${policy}); the browser reported: ${reported.join(' | ') || 'nothing'}\n${error}`,
        );
      }
    }
    return response;
  } finally {
    page.off('console', onConsole);
    page.off('pageerror', onPageError);
    page.off('requestfailed', onRequestFailed);
  }
}

export async function signIn(page: Page, email: string, testInfo: TestInfo, password = PASSWORD) {
  await open(page, '/sign-in', testInfo);
  await page.getByLabel('Email', { exact: true }).fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export async function signedInAs(page: Page, email: string, testInfo: TestInfo) {
  await signIn(page, email, testInfo);
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { level: 1, name: /^Welcome, / })).toBeVisible();
  if (hydrated(testInfo)) {
    await expect(page.locator('body[data-hydrated]')).toBeAttached({ timeout: 20_000 });
  }
}

/**
 * No serious or critical accessibility violations on the page as it stands. axe runs as a script
 * in the page, so it audits in the hydrated projects; the JavaScript-off projects load the same
 * server-rendered HTML.
 */
export async function expectAccessible(page: Page, testInfo: TestInfo) {
  if (!hydrated(testInfo)) return;
  // Frames are left out, in axe's one-page mode: the only ones are campaign previews, sandboxed so
  // nothing runs in them (axe hangs trying); the landing page they show is audited on its own.
  const results = await new AxeBuilder({ page }).setLegacyMode(true).options({ iframes: false }).analyze();
  const severe = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(severe.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`)).toEqual([]);
}

/** Opens the navigation where a phone folds it behind "Menu" (a label for a checkbox: no JavaScript needed). */
export async function showNavigation(page: Page) {
  const menu = page.locator('label.menu-button');
  if (await menu.isVisible()) {
    await menu.click();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  }
}

export async function navigationLabels(page: Page): Promise<string[]> {
  await showNavigation(page);
  // A link's own label, without the count of what waits behind it.
  return page.getByRole('navigation', { name: 'Main' }).getByRole('link').evaluateAll((links) =>
    links.map((link) => {
      const label = link.cloneNode(true) as HTMLElement;
      label.querySelectorAll('.nav-count').forEach((count) => count.remove());
      return (label.textContent ?? '').trim();
    }),
  );
}

export async function signOut(page: Page) {
  await showNavigation(page);
  await page.locator('.user-menu summary').click();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
}

/** Another person at another computer: a fresh browser context with this project's settings. */
export async function anotherPerson(browser: Browser, testInfo: TestInfo): Promise<Page> {
  const use = testInfo.project.use;
  const context = await browser.newContext({
    baseURL: use.baseURL ?? process.env.TESSERA_URL ?? 'http://127.0.0.1:3000',
    javaScriptEnabled: use.javaScriptEnabled,
    viewport: use.viewport,
    isMobile: use.isMobile,
    hasTouch: use.hasTouch,
  });
  return context.newPage();
}

/**
 * The newest link in the outbox for `email`, read whole as whoever runs the server reads it
 * (`tessera outbox`); the test command says where the binary and its database are.
 */
export function lastLinkFor(email: string): string {
  const binary = process.env.TESSERA_BIN ?? '../target/debug/tessera';
  const text = execFileSync(binary, ['outbox', '--to', email, '--last', '1'], { encoding: 'utf8', env: process.env });
  const link = text.match(/http\S+token=\S+/)?.[0];
  expect(link, text).toBeTruthy();
  return link!;
}

/** The day `days` from today, as a date field takes it. */
export function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** Fills the deal registration form for `company` at `domain`. */
export async function fillDeal(page: Page, company: string, domain: string) {
  await page.getByLabel('Customer company').fill(company);
  await page.getByLabel('Customer domain').fill(domain);
  await page.getByLabel('Contact name').fill('Hank Scorpio');
  await page.getByLabel('Contact email').fill('hank@example.com');
  await page.getByLabel('Amount').fill('48,000.00');
  await page.getByLabel('Expected close date').fill(inDays(45));
  await page.getByLabel('Products').fill('Cloud Suite, Backup Pro');
  await page.getByLabel('Notes').fill('Met at the partner summit.');
}
