import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunningEmulator, startEmulator } from '@lexbridge/imanage-emulator';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { screenshotter, signInAsPerson } from './support/browser.ts';
import { useBrowserLexbridge } from './support/browser-lexbridge.ts';
import type { TestPerson } from './support/lexbridge-process.ts';

// Issue 8 end to end, in a real browser against a real `lexbridge serve` and the emulator: a Plugin
// User right-clicks a folder in the iManage Work web view, chooses "Publish with Lexbridge", signs in
// to Lexbridge, authorises iManage, lands back on the same selection, publishes it to a local folder
// that a Connector Admin set up as a destination, and finds the files there. After a new version in
// iManage, publishing again replaces the file and adds nothing else.

const connectorAdmin: TestPerson = {
  username: 'cara',
  password: 'cara-password-1',
  name: 'Cara Admin',
  email: 'cara@firm.example',
  roles: ['Connector.Admin'],
};
const pluginUser: TestPerson = {
  username: 'pete',
  password: 'pete-password-1',
  name: 'Pete Plugin',
  email: 'pete@firm.example',
  roles: ['PluginUser'],
};

/** Every file under a folder: relative path → sha256. */
async function filesUnder(base: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(base, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    out[full.slice(base.length + 1)] = createHash('sha256')
      .update(await readFile(full))
      .digest('hex');
  }
  return out;
}

describe('publishing from the iManage context menu', () => {
  const app = useBrowserLexbridge({
    people: [connectorAdmin, pluginUser],
    logName: 'publish',
    localFolders: ['portal/Acme'],
  });
  const portal = () => join(app.root, 'portal');
  let emulator: RunningEmulator;
  let clientId: string;
  let ccCookie: string;

  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      seed: 21,
      content: {
        workspaces: 2,
        folderDepth: 2,
        foldersPerContainer: 2,
        documentsPerFolder: 2,
        minSize: 200,
        maxSize: 4000,
      },
    });
  });

  afterAll(async () => {
    await emulator?.close();
  });

  async function signInAtIdp(page: Page, person: TestPerson) {
    await signInAsPerson(page, person);
  }

  const sampleFolder = () => emulator.store.subfolders(emulator.store.workspacesIn('ACTIVE')[0]!.id)[0]!;

  function expectedFiles(folderId: string, prefix: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const doc of emulator.store.documentsIn(folderId)) {
      const latest = doc.versions.at(-1)!;
      out[`${prefix}/${doc.name}.${latest.extension}`] = emulator.store
        .checksum(latest)
        .slice(7)
        .toLowerCase();
    }
    for (const sub of emulator.store.subfolders(folderId))
      Object.assign(out, expectedFiles(sub.id, `${prefix}/${sub.name}`));
    return out;
  }

  it('a Connector Admin installs the package, adds the connectors and a publish destination', async () => {
    const shot = screenshotter('publish-admin');
    const context = await app.newContext();
    const page = await context.newPage();
    await page.goto(`${app.url}/admin`);
    await signInAtIdp(page, connectorAdmin);
    await page.waitForURL(`${app.url}/admin`);
    const { csrfToken } = (await (await page.request.get(`${app.url}/api/me`)).json()) as {
      csrfToken: string;
    };
    const post = (path: string, data: unknown) =>
      page.request.post(`${app.url}${path}`, { data, headers: { 'x-csrf-token': csrfToken } });

    // Control Center: the package from Lexbridge, uploaded, given a secret and the server URL, enabled.
    const zip = await (
      await page.request.get(`${app.url}/api/integrations/imanage/package?flavour=on-premises`)
    ).body();
    const signIn = await fetch(`${emulator.url}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'admin', password: 'admin' }),
      redirect: 'manual',
    });
    ccCookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const uploaded = await fetch(`${emulator.url}/cc/api/applications/package`, {
      method: 'POST',
      headers: { cookie: ccCookie, 'content-type': 'application/zip' },
      body: new Uint8Array(zip),
    });
    expect(uploaded.status).toBe(201);
    clientId = ((await uploaded.json()) as { data: { client_id: string } }).data.client_id;
    const cc = (path: string, method: string, json?: unknown) =>
      fetch(`${emulator.url}/cc/api/applications/${clientId}${path}`, {
        method,
        headers: { cookie: ccCookie, ...(json ? { 'content-type': 'application/json' } : {}) },
        ...(json ? { body: JSON.stringify(json) } : {}),
      });
    const secret = (
      (await (await cc('/client-secret', 'POST')).json()) as { data: { client_secret: string } }
    ).data.client_secret;
    expect((await cc('/settings', 'PUT', { imanage_server_url: emulator.url })).status).toBe(200);
    expect((await cc('/enable', 'POST')).status).toBe(200);

    const imanage = await post('/api/connectors', {
      type: 'imanage-onprem',
      name: 'iManage',
      config: {
        clientId,
        secretKey: secret,
        scope: 'User',
        refreshToken: true,
        serverAddress: `${emulator.url}/`,
      },
    });
    expect(imanage.status()).toBe(201);
    // A second iManage connector (another server, first by name): the page must tell them apart by the iManage page the person came from.
    const other = await post('/api/connectors', {
      type: 'imanage-onprem',
      name: 'Disaster recovery iManage',
      config: {
        clientId: 'dr-app',
        secretKey: 'dr-secret',
        scope: 'User',
        refreshToken: true,
        serverAddress: 'http://127.0.0.1:9/',
      },
    });
    expect(other.status()).toBe(201);
    const local = await post('/api/connectors', {
      type: 'local-folder',
      name: 'Client portal',
      config: { path: portal() },
    });
    expect(local.status()).toBe(201);

    // The destination through the Admin page's form.
    await page.reload();
    const section = page.getByRole('form', { name: 'Add a publish destination' });
    await section.getByLabel('Name').fill('Acme client portal');
    await section.getByLabel('Description').fill('What Acme sees');
    await section.getByLabel('Connector').selectOption({ label: 'Client portal' });
    await section.getByLabel('Folder').fill('Acme');
    await section.getByRole('button', { name: 'Add destination' }).click();
    await page.getByRole('cell', { name: 'Client portal / Acme' }).waitFor();
    await page.getByRole('heading', { name: 'Publish destinations' }).scrollIntoViewIfNeeded();
    await shot(page, 'admin-destinations');
    await context.close();
  });

  it('a Plugin User publishes a folder from the Work web view, and publishing again replaces a new version', async () => {
    const shot = screenshotter('publish');
    const context = await app.newContext();
    const work = await context.newPage();
    const folder = sampleFolder();

    // iManage Work: sign in, open the workspace, right-click the folder.
    await work.goto(`${emulator.url}/work/web/workspaces/${encodeURIComponent(folder.workspaceId)}`);
    await work.getByLabel('Username').fill('jsmith');
    await work.getByLabel('Password').fill('password');
    await work.getByRole('button', { name: 'Sign in' }).click();
    const row = work.locator(`tr[data-item-id="${folder.id}"]`);
    await row.click({ button: 'right' });
    const command = row.getByRole('menuitem', { name: 'Publish with Lexbridge' });
    await command.waitFor();
    await shot(work, 'work-context-menu');
    const [page] = await Promise.all([context.waitForEvent('page'), command.click()]);

    // Lexbridge: not signed in yet; sign in and come back to the same selection.
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    const landing = new URL(page.url());
    expect(landing.pathname).toBe('/publish');
    expect(landing.searchParams.get('ids')).toBe(folder.id);
    await shot(page, 'sign-in');
    // The first load recorded the iManage page's origin in the address, so sign-in returns with it.
    expect(landing.searchParams.get('from')).toBe(new URL(emulator.url).origin);
    await signInAtIdp(page, pluginUser);
    await page.getByRole('heading', { level: 1, name: 'Publish from iManage' }).waitFor();
    expect(new URL(page.url()).searchParams.get('ids')).toBe(folder.id);
    expect(new URL(page.url()).searchParams.get('from')).toBe(new URL(emulator.url).origin);
    // A Plugin User sees the publish page and their own notification settings (an expired iManage
    // connection is theirs to hear about), nothing else.
    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link').allTextContents()).toEqual(['Publish', 'Notifications']);

    // Not authorised yet: authorise, and come back to the same selection. Of the two iManage connectors,
    // the one whose server the person came from is chosen without asking.
    const authorise = page.getByRole('button', { name: 'Authorise iManage', exact: true });
    await authorise.waitFor();
    expect(
      await page.getByRole('heading', { name: 'Which iManage server are these items from?' }).count(),
    ).toBe(0);
    await shot(page, 'authorise');
    await authorise.click();
    await page.getByText('Authorised. Lexbridge now reads iManage as you.').waitFor();
    expect(new URL(page.url()).searchParams.get('ids')).toBe(folder.id);
    expect(new URL(page.url()).searchParams.get('from')).toBe(new URL(emulator.url).origin);

    // The selection and the destination.
    const table = page.getByRole('table', { name: 'Selected items' });
    await table.getByRole('cell', { name: folder.name }).waitFor();
    const documents = Object.keys(expectedFiles(folder.id, '')).length;
    await table.getByText(new RegExp(`^${documents} documents in \\d+ folders?$`)).waitFor();
    expect(await page.getByRole('radio', { name: /Acme client portal/ }).isChecked()).toBe(true);
    await shot(page, 'selection');

    await page.getByRole('button', { name: 'Publish', exact: true }).click();
    await page.getByText('Published to Acme client portal').waitFor();
    await shot(page, 'published');
    const first = expectedFiles(folder.id, folder.name);
    expect(await filesUnder(join(portal(), 'Acme'))).toEqual(first);

    // A new version in iManage; publish again: the file is replaced, nothing is added.
    const doc = emulator.store.documentsIn(folder.id)[0]!;
    emulator.addDocumentVersion(
      `${doc.library}!${doc.number}`,
      'Revised: the second version of this document.',
    );
    await page.getByRole('button', { name: 'Publish again' }).click();
    await page.getByText('0 new, 1 updated.').waitFor();
    await page.getByText('Published to Acme client portal').waitFor();
    await shot(page, 'published-again');
    const second = await filesUnder(join(portal(), 'Acme'));
    expect(Object.keys(second).sort()).toEqual(Object.keys(first).sort());
    expect(second[`${folder.name}/${doc.name}.${doc.versions.at(-1)!.extension}`]).toBe(
      createHash('sha256').update('Revised: the second version of this document.').digest('hex'),
    );
    expect(second).toEqual(expectedFiles(folder.id, folder.name));

    // Disabling the application in Control Center takes the command out of the context menu.
    expect(
      (
        await fetch(`${emulator.url}/cc/api/applications/${clientId}/disable`, {
          method: 'POST',
          headers: { cookie: ccCookie },
        })
      ).status,
    ).toBe(200);
    await work.reload();
    await work.locator(`tr[data-item-id="${folder.id}"]`).click({ button: 'right' });
    await work.locator(`tr[data-item-id="${folder.id}"] [role=menu]`).waitFor({ state: 'attached' });
    expect(
      await work
        .locator(`tr[data-item-id="${folder.id}"]`)
        .getByRole('menuitem', { name: 'Publish with Lexbridge' })
        .count(),
    ).toBe(0);
    await shot(work, 'work-menu-after-disable');

    // Workflows are not for Plugin Users, even by address.
    await page.goto(`${app.url}/workflows`);
    await page.getByRole('heading', { level: 1, name: 'Not available with your role' }).waitFor();
    await context.close();
  });
});
