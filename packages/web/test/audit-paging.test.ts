import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { elementShot, screenshotter } from './support/browser.ts';
import { useBrowserLexbridge } from './support/browser-lexbridge.ts';
import type { TestPerson } from './support/lexbridge-process.ts';

// Issue 14: the audit log had only "Show older events". It pages now: a page size, Newer and Older
// through the server's cursor, and where the page is ("Events 26–31 of 31 · Page 2 of 2").

const connectorAdmin: TestPerson = {
  username: 'aud',
  password: 'aud-password-1',
  name: 'Audrey Audit',
  email: 'audrey@firm.example',
  roles: ['Connector.Admin'],
};

describe('audit log paging in the browser', () => {
  const app = useBrowserLexbridge({ people: [connectorAdmin], logName: 'audit-paging', localFolders: true });
  let page: Page;
  const shot = screenshotter('audit-paging');

  beforeAll(async () => {
    page = await app.signedInPage(connectorAdmin, '/admin', { timeout: 15_000 });
  });

  it('pages through the events with a page size, Newer and Older, and says where it is', async () => {
    // 30 connectors added: 30 audit events besides the sign-in.
    await app.addLocalFolders(
      page,
      Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`Folder ${i + 1}`, ''])),
    );
    const total = (
      (await (await page.request.get(`${app.url}/api/admin/audit?limit=1`)).json()) as {
        total: number;
      }
    ).total;
    expect(total).toBeGreaterThanOrEqual(31);

    await page.reload();
    const log = page.getByRole('region', { name: 'Audit log' });
    const range = log.getByTestId('audit-range');
    const rows = log.getByRole('table', { name: 'Audit events' }).getByRole('row');
    await log.getByLabel('Per page').selectOption('25');
    await expect.poll(() => range.textContent()).toBe(`Events 1–25 of ${total} · Page 1 of 2`);
    expect(await rows.count()).toBe(26);
    expect(await log.getByRole('button', { name: 'Newer' }).isDisabled()).toBe(true);
    await elementShot(log, 'audit-paging', 'page-1-1280');

    await log.getByRole('button', { name: 'Older' }).click();
    await expect.poll(() => range.textContent()).toBe(`Events 26–${total} of ${total} · Page 2 of 2`);
    expect(await rows.count()).toBe(total - 25 + 1);
    expect(await log.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);
    await shot(page, 'page-2');

    await log.getByRole('button', { name: 'Newer' }).click();
    await expect.poll(() => range.textContent()).toBe(`Events 1–25 of ${total} · Page 1 of 2`);
    await log.getByLabel('Per page').selectOption('50');
    await expect.poll(() => range.textContent()).toBe(`Events 1–${total} of ${total} · Page 1 of 1`);

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await elementShot(log, 'audit-paging', 'page-1-390');
  });
});
