import { createHmac } from 'node:crypto';
import { createServer, IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { anotherPerson, expectAccessible, fillDeal, open, signedInAs } from './helpers';

type Delivery = { headers: IncomingHttpHeaders; body: string };

/** A webhook receiver on loopback keeping what it is sent. */
async function receiver(): Promise<{ url: string; got: Delivery[]; close: () => void }> {
  const got: Delivery[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      got.push({ headers: request.headers, body });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/tessera`, got, close: () => server.close() };
}

/** Checks a signature as the API reference says a receiver does. */
function verifies(secret: string, header: string, body: string): boolean {
  const parts = Object.fromEntries(header.split(',').map((part) => part.split('=', 2)));
  const expected = createHmac('sha256', secret).update(`${parts.t}.${body}`).digest('hex');
  return expected === parts.v1 && Math.abs(Date.now() / 1000 - Number(parts.t)) < 300;
}

test('an admin adds a webhook in the browser, and a deal approved in the browser reaches it signed', async ({ page, browser }, testInfo) => {
  test.setTimeout(120_000);
  const hook = await receiver();
  try {
    const stamp = `${testInfo.project.name}-${Date.now()}`;
    const company = `Hooked ${stamp}`;

    await signedInAs(page, 'admin@acme.test', testInfo);
    await open(page, '/admin', testInfo);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
    // No event ticked: named beside the field, nothing added.
    await page.getByLabel('Address').fill(hook.url);
    await page.getByRole('button', { name: 'Add the endpoint' }).click();
    await expect(page.getByText('Tick at least one event to send.').first()).toBeVisible();
    await page.getByLabel('Address').fill(hook.url);
    await page.getByLabel('Description').fill(`E2E ${stamp}`);
    await page.getByLabel(/A deal is approved \(deal\.approved\)/).check();
    await page.getByRole('button', { name: 'Add the endpoint' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Webhook endpoint' })).toBeVisible();
    await expect(page.getByTestId('endpoint-url')).toHaveText(hook.url);
    const secret = (await page.getByTestId('endpoint-secret').textContent())?.trim() ?? '';
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const endpointUrl = new URL(page.url()).pathname;
    await expectAccessible(page, testInfo);

    // A partner registers a deal; its channel manager approves it in the browser.
    const partner = await anotherPerson(browser, testInfo);
    await signedInAs(partner, 'rep@bluepeak.test', testInfo);
    await open(partner, '/deals/new', testInfo);
    await fillDeal(partner, company, `hooked-${stamp}.example`.toLowerCase());
    await partner.getByRole('button', { name: 'Submit', exact: true }).click();
    await expect(partner).toHaveURL(/\/deals\/\d+$/);
    const dealId = Number(new URL(partner.url()).pathname.split('/').pop());
    const manager = await anotherPerson(browser, testInfo);
    await signedInAs(manager, 'cam@acme.test', testInfo);
    await open(manager, `/deals/${dealId}`, testInfo);
    await manager.getByRole('button', { name: 'Approve' }).click();
    await expect(manager.getByTestId('deal-status')).toHaveText('Approved');

    // The receiver gets it, signed with the endpoint's secret.
    const mine = () => hook.got.filter((d) => JSON.parse(d.body).data?.deal?.id === dealId);
    await expect.poll(() => mine().length, { timeout: 20_000 }).toBe(1);
    const [delivery] = mine();
    const event = JSON.parse(delivery.body);
    expect(event.type).toBe('deal.approved');
    expect(event.data.deal.customer_company).toBe(company);
    expect(delivery.headers['tessera-event-id']).toBe(event.id);
    expect(verifies(secret, String(delivery.headers['tessera-signature']), delivery.body)).toBe(true);
    expect(verifies('whsec_wrong', String(delivery.headers['tessera-signature']), delivery.body)).toBe(false);

    // The delivery log says so; the endpoint can then be turned off.
    await expect(async () => {
      await open(page, endpointUrl, testInfo, true);
      await expect(page.getByTestId('delivery-row').filter({ hasText: event.id })).toContainText('Delivered', { timeout: 1_000 });
    }).toPass({ timeout: 20_000 });
    await expect(page.getByTestId('delivery-row').filter({ hasText: event.id })).toContainText('HTTP 204');
    await page.getByRole('button', { name: 'Turn off' }).click();
    await expect(page.getByRole('button', { name: 'Turn on' })).toBeVisible();
  } finally {
    hook.close();
  }
});
