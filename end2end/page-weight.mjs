// What a first visit to each page downloads, in Debian's Chromium with an empty cache: every
// response's bytes on the wire (compressed) and decoded, by kind. Run by benches/page_weight.sh.
import { chromium } from '@playwright/test';

const base = process.env.TESSERA_URL ?? 'http://127.0.0.1:3000';
const pages = [
  { name: 'sign-in (signed out)', path: '/sign-in', as: null },
  { name: "partner's home", path: '/', as: 'partner@bluepeak.test' },
  { name: "partner's deals", path: '/deals', as: 'partner@bluepeak.test' },
  { name: 'register a deal', path: '/deals/new', as: 'partner@bluepeak.test' },
  { name: 'leaderboard', path: '/leaderboard', as: 'partner@bluepeak.test' },
  { name: "manager's dashboard", path: '/dashboard', as: 'cam@acme.test' },
  { name: 'approval queue', path: '/deals/queue', as: 'cam@acme.test' },
  { name: 'administration', path: '/admin', as: 'admin@acme.test' },
  { name: 'webhooks', path: '/admin/webhooks', as: 'admin@acme.test' },
  { name: "partner admin's API tokens", path: '/api-tokens', as: 'partner@bluepeak.test' },
  { name: "partner's campaign (launched)", path: '/campaigns/1', as: 'partner@bluepeak.test' },
  { name: "partner's leads", path: '/leads', as: 'partner@bluepeak.test' },
  { name: "marketing's campaign report", path: '/campaigns/1', as: 'marketing@acme.test' },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});

const kind = (url) => {
  const path = new URL(url).pathname;
  if (path.endsWith('.wasm')) return 'wasm';
  if (path.endsWith('.js')) return 'js';
  if (path.endsWith('.css')) return 'css';
  if (path.startsWith('/api/')) return 'api';
  return 'html';
};

const kb = (bytes) => (bytes / 1024).toFixed(1);
console.log('page | total on the wire KB | WASM+JS on the wire KB | WASM+JS decoded KB | files (wasm, js)');
for (const target of pages) {
  const context = await browser.newContext({ baseURL: base });
  if (target.as) {
    const response = await context.request.post('/api/sign_in', { form: { email: target.as, password: 'tessera-demo' } });
    if (!response.ok()) throw new Error(`cannot sign in as ${target.as}: ${response.status()}`);
  }
  const page = await context.newPage();
  const seen = [];
  page.on('requestfinished', (request) => seen.push(request));
  await page.goto(target.path);
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached', timeout: 30_000 });
  await page.waitForLoadState('networkidle');
  let wire = 0;
  let code = 0;
  let decoded = 0;
  const files = { wasm: 0, js: 0 };
  for (const request of seen) {
    const sizes = await request.sizes();
    const response = await request.response();
    const bytes = sizes.responseBodySize + sizes.responseHeadersSize;
    wire += bytes;
    const what = kind(request.url());
    if (what === 'wasm' || what === 'js') {
      code += bytes;
      decoded += response ? (await response.body()).length : 0;
      files[what] += 1;
    }
  }
  console.log(`${target.name} | ${kb(wire)} | ${kb(code)} | ${kb(decoded)} | ${files.wasm}, ${files.js}`);
  await context.close();
}
await browser.close();
