import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppFileEntry, RunningEmulator } from '../src/index.ts';
import { REDIRECT_URI, startTestEmulator } from './helpers.ts';

let emulator: RunningEmulator;

const command = (
  id: string,
  label: string,
  targets: ('document' | 'folder' | 'workspace')[],
  multi = false,
) => ({
  id,
  label,
  url: '{settings.host}/plugin/run?cmd=' + id,
  targets,
  multi_select: multi,
});

const APPS: AppFileEntry[] = [
  {
    client_id: 'publisher',
    client_secret: 's',
    name: 'Publisher',
    redirect_urls: [REDIRECT_URI],
    setting_fields: [{ key: 'host', label: 'Host', required: true, type: 'url' }],
    settings: { host: 'https://lex.example' },
    context_menu: [
      command('publish', 'Publish to Lexbridge', ['document', 'folder'], true),
      command('sync', 'Sync workspace', ['workspace']),
    ],
  },
  {
    client_id: 'switched-off',
    client_secret: 's',
    enabled: false,
    redirect_urls: [REDIRECT_URI],
    settings: { host: 'https://off.example' },
    setting_fields: [{ key: 'host', label: 'Host', required: false, type: 'text' }],
    context_menu: [command('off', 'Disabled command', ['document'])],
  },
  {
    client_id: 'admins',
    client_secret: 's',
    users: ['admin'],
    redirect_urls: [REDIRECT_URI],
    settings: { host: 'https://admin.example' },
    setting_fields: [{ key: 'host', label: 'Host', required: false, type: 'text' }],
    context_menu: [command('audit', 'Audit trail', ['document'])],
  },
];

beforeAll(async () => {
  emulator = await startTestEmulator({ apps: APPS });
});
afterAll(() => emulator.close());

async function signIn(username: string, password: string): Promise<string> {
  const response = await fetch(`${emulator.url}/auth/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }),
  });
  return response.headers.get('set-cookie')?.split(';')[0] as string;
}

const pageAt = async (path: string, cookie: string) => {
  const response = await fetch(`${emulator.url}${path}`, { headers: { cookie }, redirect: 'manual' });
  return { status: response.status, text: await response.text(), location: response.headers.get('location') };
};

/** The menu items (label → href) of the row whose item id is `id`. */
function menuOf(page: string, id: string): Record<string, string> {
  const row = page.split('<tr data-item-id=').find((chunk) => chunk.startsWith(`"${id}"`));
  if (!row) throw new Error(`no row for ${id}`);
  const items: Record<string, string> = {};
  for (const match of row.matchAll(/role="menuitem" tabindex="-1" href="([^"]+)"[^>]*>([^<]+)<\/a>/g)) {
    items[match[2] as string] = (match[1] as string).replaceAll('&amp;', '&');
  }
  return items;
}

describe('Work web view', () => {
  it('asks a signed-out visitor to sign in, then browses libraries, workspaces and folders', async () => {
    const signedOut = await fetch(`${emulator.url}/work/web`, { redirect: 'manual' });
    expect(signedOut.status).toBe(303);
    const cookie = await signIn('jsmith', 'password');
    const libraries = await pageAt('/work/web', cookie);
    expect(libraries.text).toContain('href="/work/web/libraries/ACTIVE"');
    const workspaces = await pageAt('/work/web/libraries/ACTIVE', cookie);
    const first = emulator.store.workspacesIn('ACTIVE')[0];
    expect(workspaces.text).toContain(`data-item-id="${first?.id}"`);
    expect(workspaces.text).toContain(`aria-label="Actions for ${first?.name}"`);
  });

  it('shows only commands of enabled applications the user may use, for matching targets', async () => {
    const folder = emulator.store.subfolders(emulator.store.workspacesIn('ACTIVE')[0]?.id as string)[0];
    const document = emulator.store.documentsIn(folder?.id as string)[0];
    const docId = `${document?.library}!${document?.number}.${document?.versions.at(-1)?.version}`;

    const jsmith = await pageAt(
      `/work/web/folders/${encodeURIComponent(folder?.id as string)}`,
      await signIn('jsmith', 'password'),
    );
    expect(jsmith.text).toContain('role="menu"');
    const menu = menuOf(jsmith.text, docId);
    expect(Object.keys(menu)).toEqual(['Publish to Lexbridge']);
    const url = new URL(menu['Publish to Lexbridge'] as string);
    expect(url.origin + url.pathname).toBe('https://lex.example/plugin/run');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      cmd: 'publish',
      customer_id: String(emulator.customerId),
      library: 'ACTIVE',
      ids: docId,
      user: 'jsmith',
    });

    const admin = await pageAt(
      `/work/web/folders/${encodeURIComponent(folder?.id as string)}`,
      await signIn('admin', 'admin'),
    );
    expect(Object.keys(menuOf(admin.text, docId)).sort()).toEqual(['Audit trail', 'Publish to Lexbridge']);
    const subfolder = emulator.store.subfolders(folder?.id as string)[0];
    expect(Object.keys(menuOf(admin.text, subfolder?.id as string))).toEqual(['Publish to Lexbridge']);

    const workspaces = await pageAt('/work/web/libraries/ACTIVE', await signIn('jsmith', 'password'));
    expect(
      Object.keys(menuOf(workspaces.text, emulator.store.workspacesIn('ACTIVE')[0]?.id as string)),
    ).toEqual(['Sync workspace']);
  });

  it('hides workspaces without access and lets readers download', async () => {
    const cookie = await signIn('ajones', 'password');
    const [first, second] = emulator.store.workspacesIn('ACTIVE');
    const list = await pageAt('/work/web/libraries/ACTIVE', cookie);
    expect(list.text).toContain(`data-item-id="${first?.id}"`);
    expect(list.text).not.toContain(`data-item-id="${second?.id}"`);
    expect(
      (await pageAt(`/work/web/workspaces/${encodeURIComponent(second?.id as string)}`, cookie)).status,
    ).toBe(404);
    const folder = emulator.store.subfolders(first?.id as string)[0];
    const document = emulator.store.documentsIn(folder?.id as string)[0];
    const download = await fetch(
      `${emulator.url}/work/web/documents/${document?.library}!${document?.number}/download`,
      {
        headers: { cookie },
      },
    );
    expect(download.status).toBe(200);
    expect((await download.arrayBuffer()).byteLength).toBe(document?.versions.at(-1)?.size);
  });

  it('redirects profile links to the web view', async () => {
    const workspace = emulator.store.workspacesIn('ACTIVE')[0];
    const response = await fetch(
      `${emulator.url}/work/link/w/${encodeURIComponent(workspace?.id as string)}`,
      { redirect: 'manual' },
    );
    expect(response.headers.get('location')).toBe(
      `/work/web/workspaces/${encodeURIComponent(workspace?.id as string)}`,
    );
  });
});
