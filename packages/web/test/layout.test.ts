import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { elementShot, screenshotter } from './support/browser.ts';
import { useBrowserLexbridge } from './support/browser-lexbridge.ts';
import type { TestPerson } from './support/lexbridge-process.ts';

// Issue 14's layout and wording findings, at desktop width and at 390 px: the "iManage Cloud is not
// set up" notice appears once, in Admin, wrapping between words (not on the Connectors page, where it
// broke setting names mid-word); the banner after adding a local folder says who may read and write
// it, without "authorise"; long workflow names take at most two lines, with the whole name on hover.

const connectorAdmin: TestPerson = {
  username: 'lena',
  password: 'lena-password-1',
  name: 'Lena Layout',
  email: 'lena@firm.example',
  roles: ['Connector.Admin'],
};
const desktop = { width: 1280, height: 900 };
const phone = { width: 390, height: 844 };
const longName =
  'Acme Holdings plc — disposal of the European logistics business, completion deliverables and signing bibles for the lenders';

/** How many lines an element's text takes, from its height and line height. */
async function lines(locator: Locator): Promise<number> {
  return locator.evaluate((el) => {
    const style = getComputedStyle(el);
    const lineHeight = Number.parseFloat(style.lineHeight);
    return Math.round(el.getBoundingClientRect().height / lineHeight);
  });
}

describe('layout and wording in the web app', () => {
  const app = useBrowserLexbridge({
    people: [connectorAdmin],
    logName: 'layout',
    localFolders: ['office/Matters', 'archive'],
  });
  let page: Page;
  const shot = screenshotter('layout');

  beforeAll(async () => {
    page = await app.signedInPage(connectorAdmin, '/connectors', { viewport: desktop, timeout: 15_000 });
  });

  it('shows "iManage Cloud is not set up" once, in Admin, with setting names unbroken', async () => {
    const available = page.getByRole('complementary', { name: 'Available Connectors' });
    await available.getByText('Not set up on this server').first().waitFor();
    expect(await page.getByText('LEXBRIDGE_IMANAGE_CLOUD_CLIENT_ID').count()).toBe(0);
    await shot(page, 'connectors-desktop');

    await available.getByRole('link', { name: 'see Admin' }).first().click();
    const section = page.getByRole('region', { name: 'Not set up on this server' });
    const cloud = section.getByRole('listitem').filter({ hasText: 'iManage Cloud' });
    await cloud.waitFor();
    for (const viewport of [desktop, phone]) {
      await page.setViewportSize(viewport);
      const settings = cloud.locator('code');
      expect(await settings.allTextContents()).toContain('LEXBRIDGE_IMANAGE_CLOUD_CLIENT_ID');
      // Each setting name sits on one line: words are not broken mid-name.
      for (const setting of await settings.all())
        expect(await setting.evaluate((el) => el.getClientRects().length)).toBe(1);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
      await shot(page, `admin-not-set-up-${viewport.width}`);
      await elementShot(section, 'layout', `admin-not-set-up-section-${viewport.width}`);
    }
    await page.setViewportSize(desktop);
    // Only there: no other page repeats it.
    for (const path of ['/connectors', '/workflows', '/activity']) {
      await page.goto(`${app.url}${path}`);
      await page.getByRole('heading', { level: 1 }).waitFor();
      expect(await page.getByText('iManage Cloud is not set up').count()).toBe(0);
    }
  });

  it('says who may read and write a local folder just added, and nothing about authorising it', async () => {
    await page.goto(`${app.url}/connectors`);
    await page.getByRole('button', { name: 'Add Local folder connector' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Office share');
    await dialog.getByLabel('Folder').fill(join(app.root, 'office'));
    await dialog.getByLabel('May read').fill('User');
    await dialog.getByRole('button', { name: 'Save' }).click();
    const banner = page.getByText('Added Office share.');
    await banner.waitFor();
    const text = (await banner.textContent()) ?? '';
    expect(text).toContain('May read: Connector Admin and User; may write: only Connector Admins.');
    expect(text).not.toMatch(/authoris(e|es|ing) it/i);
    await shot(page, 'local-folder-added-desktop');
    await page.setViewportSize(phone);
    await shot(page, 'local-folder-added-390');
    await elementShot(page.getByRole('main'), 'layout', 'local-folder-added-main-390');
    await page.setViewportSize(desktop);
  });

  it('keeps a long workflow name to two lines with the whole name on hover, at desktop and 390 px', async () => {
    const { csrfToken } = (await (await page.request.get(`${app.url}/api/me`)).json()) as {
      csrfToken: string;
    };
    const ids = await app.addLocalFolders(page, { 'Long source': 'office', 'Long target': 'archive' });
    const created = await page.request.post(`${app.url}/api/workflows`, {
      data: {
        name: longName,
        type: 'copy',
        source: { connectorId: ids['Long source'], id: 'Matters' },
        target: { connectorId: ids['Long target'], id: '' },
        startNow: false,
      },
      headers: { 'x-csrf-token': csrfToken },
    });
    expect(created.status()).toBe(201);

    for (const viewport of [desktop, phone]) {
      await page.setViewportSize(viewport);
      await page.goto(`${app.url}/workflows`);
      const link = page.getByRole('link', { name: longName });
      await link.waitFor();
      // The link's box (the link itself is inline): at most two lines, the rest behind an ellipsis.
      expect(await lines(link.locator('..'))).toBeLessThanOrEqual(2);
      expect(await link.getAttribute('title')).toBe(longName);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        viewport.width,
      );
      await shot(page, `workflows-long-name-${viewport.width}`);
      await elementShot(
        page.getByRole('table', { name: 'Workflows' }),
        'layout',
        `workflows-table-${viewport.width}`,
      );
    }
    await page.setViewportSize(desktop);
  });
});
