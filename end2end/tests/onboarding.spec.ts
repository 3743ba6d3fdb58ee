import { expect, test } from '@playwright/test';
import { expectAccessible, open, signedInAs } from './helpers';

test('an admin sees each partner type\'s checklist, and a link that could run script is refused at its field', async ({ page }, testInfo) => {
  await signedInAs(page, 'admin@acme.test', testInfo);
  await open(page, '/admin/onboarding', testInfo);
  await expect(page.getByRole('heading', { level: 1, name: 'Onboarding checklists' })).toBeVisible();
  const isv = page.getByRole('region', { name: 'ISV', exact: true });
  await expect(isv.getByRole('listitem')).toHaveCount(9);
  await expect(isv).toContainText('Automatic: the agreement accepted');
  await page.getByLabel('Partner type').selectOption({ label: 'ISV' });
  await page.getByLabel('Step', { exact: true }).fill('Read the partner playbook');
  await page.getByLabel('Link').fill('javascript:alert(1)');
  await page.getByRole('button', { name: 'Add the step' }).click();
  await expect(page.locator('#field-href-error')).toContainText('https://');
  await expect(page.getByRole('region', { name: 'ISV', exact: true }).getByRole('listitem')).toHaveCount(9);
  await expectAccessible(page, testInfo);
});

test('a partner onboarding sees what to do next on its home and the whole checklist', async ({ page }, testInfo) => {
  await signedInAs(page, 'partner@saffron.test', testInfo);
  const next = page.getByRole('region', { name: 'What to do next' });
  await expect(next).toContainText('Next step');
  await expect(next).toContainText(/of 90/);
  await next.getByRole('link', { name: 'Your onboarding checklist' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Onboarding' })).toBeVisible();
  await expect(page.getByTestId('checklist-summary')).toContainText('3 of 9 steps done');
  await expectAccessible(page, testInfo);
});
