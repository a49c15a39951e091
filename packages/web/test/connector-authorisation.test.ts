import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningEmulator, startEmulator } from '@lexbridge/imanage-emulator';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotter } from './support/browser.ts';
import { useBrowserLexbridge } from './support/browser-lexbridge.ts';
import type { TestPerson } from './support/lexbridge-process.ts';

// The seed's story end to end, in a real browser against a real Lexbridge and the real emulator: a
// Connector Admin downloads the extension package, registers it in Control Center, adds the iManage
// connector with "Authorise", signs in at iManage and lands back on Connectors as "Authorised"; a
// User then sees the same connector as "Unauthorised" and cannot add connectors.

const connectorAdmin: TestPerson = {
  username: 'ada',
  password: 'ada-password-1',
  name: 'Ada Lovelace',
  email: 'ada@firm.example',
  roles: ['Connector.Admin'],
};
const user: TestPerson = {
  username: 'uma',
  password: 'uma-password-1',
  name: 'Uma User',
  email: 'uma@firm.example',
  roles: ['User'],
};
const noRole: TestPerson = {
  username: 'nora',
  password: 'nora-password-1',
  name: 'Nora Norole',
  email: 'nora@firm.example',
  roles: [],
};

describe('connector authorisation in the browser', () => {
  const app = useBrowserLexbridge({
    people: [connectorAdmin, user, noRole],
    logName: 'connector-authorisation',
  });
  let emulator: RunningEmulator;
  let downloads: string;

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, seed: 11 });
    downloads = await mkdtemp(join(tmpdir(), 'lexbridge-e2e-downloads-'));
  });

  afterAll(async () => {
    await emulator?.close();
    if (downloads) await rm(downloads, { recursive: true, force: true });
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await app.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true });
    return { context, page: await context.newPage() };
  }

  /** Sign in through the embedded identity provider, starting from a Lexbridge page. */
  async function signInToLexbridge(
    page: Page,
    person: TestPerson,
    shot?: (page: Page, name: string) => Promise<string>,
  ) {
    await page.goto(`${app.url}/connectors`);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    if (shot) await shot(page, 'lexbridge-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Username').fill(person.username);
    await page.getByLabel('Password').fill(person.password);
    if (shot) await shot(page, 'identity-provider');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${app.url}/connectors`);
  }

  it('takes a Connector Admin from the extension package to an authorised iManage connector', async () => {
    const shot = screenshotter('admin');
    const { context, page } = await newPage();

    await signInToLexbridge(page, connectorAdmin, shot);
    await page.getByRole('heading', { level: 1, name: 'Connectors' }).waitFor();
    await page.getByRole('heading', { name: 'Available Connectors' }).waitFor();
    await shot(page, 'connectors-empty');

    // Admin: the package and the values to enter in Control Center.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
    const redirectUrl = page.getByRole('textbox', { name: 'Redirect URL' });
    await redirectUrl.waitFor();
    expect(await redirectUrl.inputValue()).toBe(`${app.url}/api/connectors/authorised`);
    await shot(page, 'admin-setup');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'For on-premises iManage' }).click(),
    ]);
    const packageFile = join(downloads, download.suggestedFilename());
    await download.saveAs(packageFile);
    expect(download.suggestedFilename()).toMatch(/\.zip$/);

    // Control Center, as the firm's iManage administrator (another person, so another browser
    // profile): Add Application > Upload Package, then the wizard.
    const ccContext = await app.newContext({ viewport: { width: 1280, height: 860 } });
    const cc = await ccContext.newPage();
    await cc.goto(`${emulator.url}/cc`);
    await cc.getByLabel('Username').fill('admin');
    await cc.getByLabel('Password').fill('admin');
    await cc.getByRole('button', { name: 'Sign in' }).click();
    await cc.getByRole('button', { name: 'Add Application' }).click();
    await cc.getByLabel('Upload Package').setInputFiles(packageFile);
    await shot(cc, 'cc-upload-package');
    await cc.getByRole('button', { name: 'Upload', exact: true }).click();
    await cc.getByRole('heading', { level: 1 }).waitFor();
    if ((await cc.getByRole('heading', { level: 1 }).textContent())?.includes('Configuration')) {
      await cc.getByRole('button', { name: 'Next', exact: true }).click();
    }
    await cc.getByRole('heading', { level: 1, name: 'Authentication' }).waitFor();
    await cc.getByLabel('Redirect URL').fill(`${app.url}/api/connectors/authorised`);
    await cc.getByRole('button', { name: 'Generate client secret' }).click();
    const secret = (await cc.locator('#client-secret').textContent())?.trim() ?? '';
    expect(secret).not.toBe('');
    expect(secret).not.toBe('Not generated');
    await cc.getByLabel('Allow refresh token').check();
    await shot(cc, 'cc-authentication');
    await cc.getByRole('button', { name: 'Next', exact: true }).click();
    await cc.getByRole('heading', { level: 1, name: 'Access' }).waitFor();
    await cc.getByLabel('All users').check();
    await cc.getByRole('button', { name: 'Next', exact: true }).click();
    await cc.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    const settings = cc.locator('#wizard-form input[name^="setting_"]');
    for (let i = 0; i < (await settings.count()); i++) {
      const input = settings.nth(i);
      if ((await input.inputValue()) !== '') continue;
      const name = (await input.getAttribute('name')) ?? '';
      await input.fill(
        /host/i.test(name) ? new URL(app.url).host : /lexbridge/i.test(name) ? app.url : emulator.url,
      );
    }
    await shot(cc, 'cc-settings');
    await cc.getByRole('button', { name: 'Next', exact: true }).click();
    await cc.getByRole('heading', { level: 1, name: 'Review' }).waitFor();
    await cc.getByLabel('Enable Application').check();
    const clientId = (await cc.locator('dt:text-is("Client ID") + dd').textContent())?.trim() ?? '';
    expect(clientId).not.toBe('');
    await shot(cc, 'cc-review');
    await cc.getByRole('button', { name: 'Finish', exact: true }).click();
    await cc.getByRole('heading', { level: 1, name: 'Applications' }).waitFor();
    await shot(cc, 'cc-applications');
    await ccContext.close();

    // Lexbridge: ➕ on iManage, fill the form, Authorise.
    await page.getByRole('link', { name: 'Connectors' }).click();
    await page.getByRole('button', { name: 'Add iManage connector' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Add iManage connector' }).waitFor();
    await dialog.getByRole('button', { name: 'Save only' }).click();
    await dialog.getByText('Enter the Client Id.').waitFor();
    await shot(page, 'connector-form-validation');
    await dialog.getByLabel('Name').fill('iManage Sandbox');
    await dialog.getByLabel('Client Id').fill(clientId);
    await dialog.getByLabel('Secret Key').fill(secret);
    expect(await dialog.getByLabel('Scope').inputValue()).toBe('user');
    await dialog.getByLabel('Server Address').fill(emulator.url);
    await shot(page, 'connector-form-filled');
    await dialog.getByRole('button', { name: 'Authorise' }).click();

    // iManage's sign-in page, then back to Connectors.
    await page.waitForURL((url) => url.origin === new URL(emulator.url).origin);
    await page.getByLabel('Username').fill('jsmith');
    await page.getByLabel('Password').fill('password');
    await shot(page, 'imanage-sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(
      (url) => url.origin === app.url && url.pathname === '/connectors' && url.searchParams.has('authorised'),
    );
    const row = page.getByRole('listitem', { name: 'iManage Sandbox' });
    await row.getByText('Authorised', { exact: true }).waitFor();
    await page.getByText('You have authorised iManage Sandbox.').waitFor();
    await shot(page, 'connectors-authorised');

    // The ⋮ menu offers what an authorised Connector Admin may do.
    await row.getByRole('button', { name: 'Actions for iManage Sandbox' }).click();
    const items = await page.getByRole('menuitem').allTextContents();
    expect(items).toEqual(['Re-authorise', 'Test connection', 'Disconnect', 'Edit', 'Remove']);
    await shot(page, 'connector-menu');
    await page.keyboard.press('Escape');
    await context.close();
  });

  it('shows a User the same connector as Unauthorised, without Available Connectors', async () => {
    const shot = screenshotter('user');
    const { context, page } = await newPage();
    await signInToLexbridge(page, user);
    const row = page.getByRole('listitem', { name: 'iManage Sandbox' });
    await row.getByText('Unauthorised', { exact: true }).waitFor();
    expect(await page.getByRole('heading', { name: 'Available Connectors' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add iManage connector' }).count()).toBe(0);
    await page.getByText('Connector Admin', { exact: true }).first().waitFor();
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await row.getByRole('button', { name: 'Actions for iManage Sandbox' }).click();
    expect(await page.getByRole('menuitem').allTextContents()).toEqual([
      'Authorise',
      'Test connection',
      'Disconnect',
    ]);
    await shot(page, 'connectors-unauthorised');
    await page.keyboard.press('Escape');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/connectors') || url.origin !== app.url);
    await shot(page, 'signed-out');
    await context.close();
  });

  it('tells someone without a role which role to ask for', async () => {
    const shot = screenshotter('norole');
    const { context, page } = await newPage();
    await signInToLexbridge(page, noRole);
    await page.getByRole('heading', { name: 'You do not have access to Lexbridge yet' }).waitFor();
    await page.getByText('User', { exact: true }).waitFor();
    await shot(page, 'no-access');
    await context.close();
  });
});
