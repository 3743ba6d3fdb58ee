import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, hydrated, lastLinkFor, open, signedInAs } from './helpers';

/**
 * `rows` partners as Excel in much of Europe saves "CSV UTF-8": a byte-order mark, semicolons,
 * CRLF line ends, and quotes around a name with the separator in it.
 */
function excelFile(stamp: string, rows: number): Buffer {
  const lines = ['Company;Admin email;Partner type;Tier;Region;Channel manager'];
  for (let row = 0; row < rows; row++) {
    lines.push(`"Imported ${stamp} ${row}; Ltd";admin${row}@${stamp}.example;MSP;Silver;EMEA;cam@acme.test`);
  }
  return Buffer.from(`\u{feff}${lines.join('\r\n')}\r\n`, 'utf8');
}

async function upload(page: Page, name: string, buffer: Buffer) {
  await page.getByLabel('CSV file').setInputFiles({ name, mimeType: 'text/csv', buffer });
  await page.getByRole('button', { name: 'Upload and preview' }).click();
  await expect(page).toHaveURL(/\/admin\/partner-import\/\d+$/);
}

test('an admin imports thousands of partners from a spreadsheet, every bad row named first, and the same file again changes nothing', async ({ page }, testInfo) => {
  test.setTimeout(120_000);
  const stamp = `${testInfo.project.name}-${Date.now()}`;
  // With JavaScript the import goes in batches under a progress bar; without, in one post.
  const rows = hydrated(testInfo) ? 3000 : 600;
  await signedInAs(page, 'admin@acme.test', testInfo);
  await open(page, '/admin', testInfo);
  await page.getByRole('link', { name: 'Import partners' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Import partners' })).toBeVisible();
  await expectAccessible(page, testInfo);

  // A file with bad rows: each named, nothing to import.
  const bad = Buffer.from(
    'company,admin_email,partner_type,region\r\nFine Co,fine@fine.example,Reseller,EMEA\r\n,not-an-address,Wizard,Mars\r\nAcme Cloud,x@acme.example,,\r\n',
  );
  await upload(page, 'bad.csv', bad);
  const alert = page.getByTestId('bad-rows');
  await expect(alert).toContainText('2 rows cannot be imported, so nothing has been.');
  await expect(alert).toContainText('Row 3: the company is empty; the admin email "not-an-address" is not an email address');
  await expect(alert).toContainText('the partner type "Wizard" is not one of the program\'s');
  await expect(alert).toContainText("Row 4: Acme Cloud is the vendor's own name.");
  await expect(page.getByRole('button', { name: /^Import/ })).toHaveCount(0);

  // The file mended: its preview, then the import.
  await open(page, '/admin/partner-import', testInfo);
  await upload(page, 'partners.csv', excelFile(stamp, rows));
  await expect(page.getByTestId('import-summary')).toHaveText(
    `${rows} new partners, each one's admin invited by email; 0 already partners, left as they are.`,
  );
  const first = page.getByTestId('import-rows').getByRole('row').nth(1);
  await expect(first).toContainText(`Imported ${stamp} 0; Ltd`);
  await expect(first).toContainText('New partner; admin invited');
  await expectAccessible(page, testInfo);
  await page.getByRole('button', { name: `Import ${rows} partners` }).click();
  if (hydrated(testInfo)) {
    await expect(page.getByTestId('import-progress')).toBeVisible();
  }
  await expect(page.getByRole('status')).toContainText(
    `Imported: ${rows} new partners, each one's admin invited by email; 0 already partners, left as they were.`,
    { timeout: 60_000 },
  );
  expect(lastLinkFor(`admin${rows - 1}@${stamp}.example`)).toContain('/invitation?token=');
  await open(page, '/admin/partner-import', testInfo);
  await expect(page.getByTestId('imports').getByRole('row').nth(1)).toContainText(`${rows} new partners`);

  // The same file again: nothing new, nothing to import.
  await upload(page, 'partners.csv', excelFile(stamp, rows));
  await expect(page.getByTestId('import-summary')).toHaveText(
    `0 new partners, each one's admin invited by email; ${rows} already partners, left as they are.`,
  );
  await expect(page.getByText('Nothing to import: every partner in the file is here already.')).toBeVisible();
});
