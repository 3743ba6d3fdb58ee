// Each role's home at desktop and phone width (and a few pages with charts and health), as PNG
// files to look at: run against a server
// with the demo data (`bash scripts/run.sh`), `TESSERA_URL=… node screenshots.mjs [folder]`.
import { chromium } from '@playwright/test';

const base = process.env.TESSERA_URL ?? 'http://127.0.0.1:3000';
const folder = process.argv[2] ?? 'screenshots';
const people = ['admin@acme.test', 'cam@acme.test', 'marketing@acme.test', 'partner@bluepeak.test', 'rep@bluepeak.test', 'partner@copperline.test'];
const more = {
  'admin@acme.test': ['/dashboard', '/admin/program', '/admin/lists', '/partners/3', '/incentives', '/mdf', '/spiffs'],
  'cam@acme.test': ['/partners?health=at_risk&sort=health', '/tiers/approvals', '/partners/2', '/leads', '/mdf', '/mdf/1', '/mdf/6'],
  'marketing@acme.test': ['/content', '/content/2', '/campaigns', '/campaigns/1', '/campaigns/new', '/spiffs'],
  'partner@bluepeak.test': ['/tier', '/program', '/profile', '/training', '/content', '/campaigns/1', '/leads', '/earnings', '/spiffs', '/mdf', '/mdf/1', '/mdf/6'],
  'partner@copperline.test': ['/content', '/campaigns/1'],
};
const widths = { desktop: { width: 1280, height: 900 }, phone: { width: 360, height: 740 } };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
for (const email of people) {
  for (const [name, viewport] of Object.entries(widths)) {
    const context = await browser.newContext({ baseURL: base, viewport });
    const response = await context.request.post('/api/sign_in', { form: { email, password: 'tessera-demo' } });
    if (!response.ok()) throw new Error(`cannot sign in as ${email}: ${response.status()}`);
    const page = await context.newPage();
    for (const path of ['/', ...(more[email] ?? [])]) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1 }).waitFor();
      const what = path === '/' ? 'home' : path.slice(1).split('?')[0].replaceAll('/', '-');
      const file = `${folder}/${what}-${email.split('@')[0]}-${email.split('@')[1].split('.')[0]}-${name}.png`;
      await page.screenshot({ path: file, fullPage: true });
      console.log(file);
    }
    // Bluepeak's public landing page, as a prospect sees it (no sign-in).
    if (email === 'partner@bluepeak.test') {
      await page.goto('/campaigns/1');
      const address = await page.locator('#launch-address').inputValue();
      const visitor = await browser.newContext({ viewport });
      const landing = await visitor.newPage();
      await landing.goto(address);
      const file = `${folder}/landing-page-bluepeak-${name}.png`;
      await landing.screenshot({ path: file, fullPage: true });
      console.log(file);
      await visitor.close();
    }
    await context.close();
  }
}
await browser.close();
