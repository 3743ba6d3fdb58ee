import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded browser. The flags keep it off the (closed) network.
const launchOptions = {
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};

const desktop = { width: 1280, height: 800 };
const phone = { width: 360, height: 740 };
// Journeys that change what every other journey counts (the number of partners), run last.
const LAST = ['imports.spec.ts'];
const EVERY = ['hydrated-desktop', 'no-js-desktop', 'hydrated-phone', 'no-js-phone'];

// Every test runs with JavaScript off (the server-rendered page must work alone) and hydrated
// on a desktop, and hydrated on a 360 px phone. Without JavaScript a phone gets the same pages as
// a desktop, only narrower: the journeys through the frame, deals and the API run there too.
export default defineConfig({
  testDir: './tests',
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: process.env.TESSERA_URL ?? 'http://127.0.0.1:3000',
    launchOptions,
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'hydrated-desktop', testIgnore: LAST, use: { viewport: desktop, javaScriptEnabled: true } },
    { name: 'no-js-desktop', testIgnore: LAST, use: { viewport: desktop, javaScriptEnabled: false } },
    { name: 'hydrated-phone', testIgnore: LAST, use: { viewport: phone, javaScriptEnabled: true, hasTouch: true, isMobile: true } },
    {
      name: 'no-js-phone',
      testMatch: ['portal.spec.ts', 'phone.spec.ts', 'deals.spec.ts', 'api.spec.ts', 'audit.spec.ts'],
      use: { viewport: phone, javaScriptEnabled: false, hasTouch: true, isMobile: true },
    },
    // Journeys that add thousands of partners run once the others have counted theirs.
    { name: 'last-hydrated', testMatch: LAST, dependencies: EVERY, use: { viewport: desktop, javaScriptEnabled: true } },
    { name: 'last-no-js', testMatch: LAST, dependencies: EVERY, use: { viewport: desktop, javaScriptEnabled: false } },
  ],
});
