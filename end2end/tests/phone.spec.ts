import { expect, test } from '@playwright/test';
import { open, signedInAs } from './helpers';

// Every page each role can open, at 360 px: nothing wider than the screen.
const PAGES: Record<string, string[]> = {
  'admin@acme.test': ['/', '/dashboard', '/dashboard?period=year', '/partners', '/partners/1', '/deals', '/deals/queue',
    '/deals/pipeline', '/deals/1', '/leaderboard', '/leaderboard?within=tier:Gold', '/metrics', '/team', '/admin',
    '/admin/agreement', '/admin/onboarding', '/admin/program', '/partners/2/tier', '/tiers/approvals', '/agreement', '/onboarding/board', '/training', '/training/people', '/incentives', '/mdf', '/mdf/1',
    '/api-tokens', '/admin/audit', '/admin/webhooks', '/admin/webhooks/1', '/developers', '/notifications', '/admin/sso',
    '/admin/partner-import'],
  'cam@acme.test': ['/', '/dashboard', '/partners', '/deals', '/deals/queue', '/leads', '/leaderboard', '/metrics', '/team',
    '/onboarding/board', '/training/people', '/tiers/approvals', '/incentives', '/mdf', '/mdf/1', '/notifications'],
  'marketing@acme.test': ['/', '/partners', '/leaderboard', '/metrics', '/team', '/training', '/training/new', '/training/1/edit',
    '/content', '/content/1', '/campaigns', '/campaigns/new', '/campaigns/1', '/campaigns/1/edit', '/spiffs'],
  'partner@bluepeak.test': ['/', '/deals', '/deals/new', '/scorecard', '/leaderboard', '/metrics', '/team', '/agreement',
    '/training', '/training/1', '/training/people', '/profile', '/tier', '/program', '/content', '/campaigns', '/campaigns/1', '/leads', '/earnings', '/spiffs', '/mdf', '/mdf/1', '/notifications'],
  'partner@granite.test': ['/', '/agreement'],
  'partner@pinecone.test': ['/', '/onboarding', '/profile'],
  'rep@bluepeak.test': ['/', '/deals', '/deals/new', '/leaderboard', '/team', '/earnings'],
};

for (const [email, paths] of Object.entries(PAGES)) {
  test(`no page is wider than a 360 px phone for ${email}`, async ({ page }, testInfo) => {
    test.skip((testInfo.project.use.viewport?.width ?? 0) > 400, 'a phone measure');
    test.setTimeout(120_000);
    await signedInAs(page, email, testInfo);
    const wide: string[] = [];
    for (const path of paths) {
      // Each page opened afresh, as a person following a link does: late in a full run, one page
      // after another in the same tab without JavaScript on the phone project has measured a table
      // past the screen that a fresh tab (and a person) never sees.
      const tab = await page.context().newPage();
      await open(tab, path, testInfo);
      await expect(tab.getByRole('heading', { level: 1 })).toBeVisible();
      const measure = await tab.evaluate(() => {
        const width = document.documentElement.clientWidth;
        // The widest element that sticks out, to say what to fix.
        let culprit = '';
        let widest = width;
        for (const element of Array.from(document.querySelectorAll('body *'))) {
          const right = element.getBoundingClientRect().right;
          if (right > widest + 0.5) {
            widest = right;
            culprit = `${element.tagName.toLowerCase()}.${(element.getAttribute('class') ?? '').replace(/ /g, '.')}`;
          }
        }
        return { width, scroll: document.documentElement.scrollWidth, widest: Math.round(widest), culprit };
      });
      await tab.close();
      if (measure.scroll > measure.width) wide.push(`${path}: ${measure.scroll} px (${measure.culprit} reaches ${measure.widest})`);
    }
    expect(wide, wide.join('\n')).toEqual([]);
  });
}

test('on a phone the navigation folds behind a menu that opens without JavaScript', async ({ page }, testInfo) => {
  test.skip((testInfo.project.use.viewport?.width ?? 0) > 400, 'a phone layout');
  await signedInAs(page, 'admin@acme.test', testInfo);
  const navigation = page.getByRole('navigation', { name: 'Main' });
  await expect(navigation).toBeHidden();
  const top = await page.locator('header.topbar').boundingBox();
  expect(top?.height ?? 999, 'one row of header, not three of links').toBeLessThan(80);
  await page.locator('label.menu-button').click();
  await expect(navigation).toBeVisible();
  // The menu carries the count of approvals waiting that the folded navigation holds.
  const waiting = page.getByTestId('approvals-waiting');
  await expect(page.getByTestId('menu-count')).toHaveCount(await waiting.count());
  if (await waiting.count()) {
    await expect(page.getByTestId('menu-count')).toContainText((await waiting.innerText()).replace(/\D/g, ''));
  }
  await navigation.getByRole('link', { name: /^Deals$/ }).click();
  await expect(page).toHaveURL(/\/deals$/);
});
