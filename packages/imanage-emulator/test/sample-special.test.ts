/** The special-items sample workspace and the overlapping number spaces, over HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.ts';
import { SPECIAL_WORKSPACE_NAME } from '../src/sample-special.ts';
import { apiBase, getJson, passwordToken, startTestEmulator, uploadForm } from './helpers.ts';

let emulator: RunningEmulator;
let base: string;
let token: string;
let special: string;

type Profile = Record<string, unknown> & { id: string; name: string; wstype: string };

beforeAll(async () => {
  emulator = await startTestEmulator({ content: { specialItems: true, numberCollisions: true } });
  base = apiBase(emulator);
  token = await passwordToken(emulator);
  const found = await getJson(`${base}/workspaces?name=${encodeURIComponent('Lexbridge Samples')}`, token);
  special = found.body.data.results[0].id;
});
afterAll(() => emulator.close());

async function children(id: string, kind = 'folders'): Promise<Profile[]> {
  return (await getJson(`${base}/${kind}/${id}/children`, token)).body.data;
}

const named = (items: Profile[], name: string) => items.find((item) => item.name === name) as Profile;

describe('special items', () => {
  it('ends the sample content with a workspace of tabs, search and category folders', async () => {
    expect(emulator.store.workspacesIn('ACTIVE').at(-1)?.name).toBe(SPECIAL_WORKSPACE_NAME);
    const top = await children(special, 'workspaces');
    expect(top.map((f) => [f.name, f.wstype, f.folder_type])).toEqual([
      ['Correspondence', 'folder', 'regular'],
      ['Matter tab', 'folder', 'tab'],
      ['Emails (saved search)', 'folder', 'search'],
      ['Related matters', 'folder', 'category'],
    ]);
    expect(named(top, 'Emails (saved search)').is_content_saved_search).toBe(true);
    const inTab = await children(named(top, 'Matter tab').id);
    expect(inTab.map((f) => [f.name, f.folder_type])).toEqual([['Filed under the tab', 'regular']]);
  });

  it('lists emails with their fields, and shortcuts with their own id and a target_id', async () => {
    const top = await children(special, 'workspaces');
    const items = await children(named(top, 'Correspondence').id);
    const email = named(items, 'Re: draft terms');
    expect(email).toMatchObject({
      wstype: 'email',
      extension: 'msg',
      class: 'EMAIL',
      from: 'counsel@other-side.example',
      to: 'jsmith@emulator.example',
      has_attachment: true,
    });
    expect(Date.parse(String(email.sent_date))).not.toBeNaN();
    const shortcuts = items.filter((item) => item.wstype.endsWith('_shortcut'));
    expect(shortcuts.map((s) => s.wstype).sort()).toEqual(['document_shortcut', 'folder_shortcut']);
    for (const shortcut of shortcuts) {
      expect(shortcut.id).not.toBe(shortcut.target_id);
      expect(shortcut.parent_id).toBe(named(top, 'Correspondence').id);
    }
    const folderShortcut = shortcuts.find((s) => s.wstype === 'folder_shortcut') as Profile;
    expect((await getJson(`${base}/folders/${folderShortcut.target_id}`, token)).status).toBe(200);
    expect((await getJson(`${base}/folders/${folderShortcut.id}`, token)).status).toBe(404);
    const category = await children(named(top, 'Related matters').id);
    expect(category.map((c) => c.wstype)).toEqual(['workspace_shortcut']);
  });

  it('lists the saved search results in the search folder and refuses to file anything there', async () => {
    const top = await children(special, 'workspaces');
    const search = named(top, 'Emails (saved search)');
    const results = await children(search.id);
    expect(results.map((r) => r.name).sort()).toEqual(['Fwd: signed copy', 'Re: draft terms']);
    for (const result of results) expect(result.wstype).toBe('email');
    for (const folder of [search, named(top, 'Matter tab'), named(top, 'Related matters')]) {
      const refused = await getJson(`${base}/folders/${folder.id}/documents`, token, {
        method: 'POST',
        body: uploadForm({ name: 'No', extension: 'txt', size: 2 }, 'no', 'No.txt'),
      });
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toMatch(/cannot be added/);
    }
  });
});

describe('number collisions', () => {
  it('numbers documents like containers, so a folder and a document share a number', async () => {
    const folderNumbers = new Set([...emulator.store.containers.values()].map((c) => c.number));
    const shared = [...emulator.store.documents.values()].find((d) => folderNumbers.has(d.number));
    expect(shared).toBeDefined();
    const number = shared?.number;
    const container = [...emulator.store.containers.values()].find((c) => c.number === number);
    const kind = container?.kind === 'workspace' ? 'workspaces' : 'folders';
    expect((await getJson(`${base}/${kind}/ACTIVE!${number}`, token)).body.data.id).toBe(`ACTIVE!${number}`);
    const document = await getJson(`${base}/documents/ACTIVE!${number}.1`, token);
    expect(document.body.data.document_number).toBe(number);
  });

  it('keeps the number spaces apart and leaves the special workspace out by default', async () => {
    const apart = await startTestEmulator();
    try {
      const numbers = [...apart.store.documents.values()].map((d) => d.number);
      expect(Math.min(...numbers)).toBe(1000);
      expect(apart.store.workspacesIn('ACTIVE').map((w) => w.name)).not.toContain(SPECIAL_WORKSPACE_NAME);
    } finally {
      await apart.close();
    }
  });
});
