import { type RunningGraphEmulator, startGraphEmulator } from '@lexbridge/graph-emulator';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elementShot, screenshotter } from './support/browser.ts';
import { useBrowserLexbridge } from './support/browser-lexbridge.ts';
import type { TestPerson } from './support/lexbridge-process.ts';

// Issue 15: "The folder browser shows SharePoint sites (search by name, and the sites the person
// follows)". Against the Graph emulator over https (its own CA: the connector's CA bundle for
// Lexbridge, ignoreHTTPSErrors for the browser on its sign-in page): a person authorises SharePoint,
// then in the workflow wizard searches the sites by name and opens the match's document libraries.

const connectorAdmin: TestPerson = {
  username: 'sam',
  password: 'sam-password-1',
  name: 'Sam Sites',
  email: 'sam@firm.example',
  roles: ['Connector.Admin'],
};
const alex = 'alex.wilber@contoso.onmicrosoft.com';

describe('SharePoint sites in the folder browser', () => {
  const app = useBrowserLexbridge({
    people: [connectorAdmin],
    logName: 'sharepoint-sites',
    localFolders: true,
  });
  let graph: RunningGraphEmulator;
  let page: Page;
  const shot = screenshotter('sharepoint-sites');

  beforeAll(async () => {
    graph = await startGraphEmulator({
      port: 0,
      seed: 3,
      redirectUris: [`${app.url}/api/connectors/authorised`],
    });
    page = await app.signedInPage(connectorAdmin, '/connectors', {
      ignoreHTTPSErrors: true,
      timeout: 20_000,
    });
  });

  afterAll(async () => {
    await graph?.close();
  });

  it('searches the sites by name and lists the sites the person follows', async () => {
    const { csrfToken } = (await (await page.request.get(`${app.url}/api/me`)).json()) as {
      csrfToken: string;
    };
    const res = await page.request.post(`${app.url}/api/connectors`, {
      headers: { 'x-csrf-token': csrfToken },
      data: {
        type: 'sharepoint',
        name: 'Contoso SharePoint',
        config: {
          clientId: graph.app.clientId,
          secretKey: graph.app.secret,
          tenantId: graph.tenantId,
          signInHost: graph.loginUrl,
          graphHost: graph.loginUrl,
          caBundle: graph.caPem,
        },
      },
    });
    expect(res.status()).toBe(201);
    const connectorId = ((await res.json()) as { id: string }).id;
    // A workflow needs two connectors the person may use: a local folder is the other.
    const local = await page.request.post(`${app.url}/api/connectors`, {
      headers: { 'x-csrf-token': csrfToken },
      data: { type: 'local-folder', name: 'Office share', config: { path: app.root } },
    });
    expect(local.status()).toBe(201);

    // Authorise at the emulator's sign-in page, as Alex.
    await page.reload();
    const row = page.getByRole('listitem', { name: 'Contoso SharePoint' });
    await row.getByRole('button', { name: 'Actions for Contoso SharePoint' }).click();
    await page.getByRole('menuitem', { name: 'Authorise' }).click();
    await page.waitForURL((url) => url.origin === graph.loginUrl);
    await page.getByLabel('Email, phone, or Skype').fill(alex);
    await page.getByLabel('Password').fill(graph.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => url.origin === app.url && url.searchParams.has('authorised'));
    await row.getByText('Authorised', { exact: true }).waitFor();

    await page.goto(`${app.url}/workflows/new`);
    await page.getByRole('radio', { name: /^Copy/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    const source = page.getByRole('region', { name: 'Source' });
    await source.getByLabel('Source connector').selectOption(connectorId);
    await source.getByRole('button', { name: 'Open Sites I follow' }).waitFor();
    await elementShot(source, 'sharepoint-sites', 'top-1280');

    const search = source.getByRole('textbox', { name: 'Search sites by name' });
    await search.fill('Northwind');
    await search.press('Enter');
    await expect
      .poll(() =>
        source
          .getByRole('list', { name: 'Folders in Sites matching "Northwind"' })
          .getByRole('button')
          .allTextContents(),
      )
      .toEqual(['Matter 1002 - Northwind acquisition']);
    await shot(page, 'search-northwind');
    await source.getByRole('button', { name: 'Open Matter 1002 - Northwind acquisition' }).click();
    await expect
      .poll(() => source.getByTestId('source-chosen').textContent())
      .toContain('Matter 1002 - Northwind acquisition');
    await source
      .getByRole('list', { name: 'Folders in Matter 1002 - Northwind acquisition' })
      .getByRole('button')
      .first()
      .waitFor();
    await elementShot(source, 'sharepoint-sites', 'site-libraries-1280');

    // As a target: no New folder above the libraries (they hold no documents), one in OneDrive.
    const target = page.getByRole('region', { name: 'Target' });
    await target.getByLabel('Target connector').selectOption(connectorId);
    await target.getByRole('button', { name: 'Open My OneDrive' }).waitFor();
    expect(await target.getByRole('button', { name: 'New folder' }).count()).toBe(0);
    await target.getByRole('button', { name: 'Open My OneDrive' }).click();
    await target.getByRole('button', { name: 'New folder' }).waitFor();

    // Back at the top: the sites Alex follows.
    await source.getByRole('navigation', { name: 'Source folder path' }).getByRole('button').first().click();
    await source.getByRole('button', { name: 'Open Sites I follow' }).click();
    const followed = source.getByRole('list', { name: 'Folders in Sites I follow' }).getByRole('button');
    await followed.first().waitFor();
    expect((await followed.allTextContents()).length).toBeGreaterThan(0);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await elementShot(source, 'sharepoint-sites', 'followed-390');
  });
});
