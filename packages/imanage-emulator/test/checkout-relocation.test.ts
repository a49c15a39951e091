/** Check-out (lock), move and copy over HTTP, and the dates they do and do not change. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.ts';
import { apiBase, getJson, passwordToken, sendJson, startTestEmulator, uploadForm } from './helpers.ts';

let emulator: RunningEmulator;
let base: string;
let jsmith: string;
let admin: string;
let folders: string[];

beforeAll(async () => {
  emulator = await startTestEmulator();
  base = apiBase(emulator);
  [jsmith, admin] = await Promise.all([passwordToken(emulator), passwordToken(emulator, 'admin', 'admin')]);
  const workspace = emulator.store.workspacesIn('ACTIVE')[0]?.id as string;
  folders = emulator.store.subfolders(workspace).map((f) => f.id);
});
afterAll(() => emulator.close());

async function upload(folder: string, content: string, token = jsmith) {
  const created = await getJson(`${base}/folders/${folder}/documents`, token, {
    method: 'POST',
    body: uploadForm({ name: 'Moving', extension: 'txt', size: content.length }, content, 'Moving.txt'),
  });
  expect(created.status).toBe(201);
  return created.body.data as { id: string; edit_date: string; edit_profile_date: string };
}

const newVersion = (id: string, token: string) =>
  getJson(`${base}/documents/${id}/versions`, token, {
    method: 'POST',
    body: uploadForm({ size: 3 }, 'two', 'Moving.txt'),
  });

describe('check-out', () => {
  it('locks a document to the caller, refuses anyone else a new version, and unlocks', async () => {
    const { id } = await upload(folders[0] as string, 'one');
    const locked = await getJson(`${base}/documents/${id}/lock`, admin, { method: 'POST' });
    expect(locked.status).toBe(200);
    expect(locked.body.data).toMatchObject({ is_checked_out: true, is_in_use: true, in_use_by: 'admin' });
    const profile = await getJson(`${base}/documents/${id}`, jsmith);
    expect(profile.body.data).toMatchObject({ is_checked_out: true, in_use_by: 'admin' });
    const checkout = await getJson(`${base}/documents/${id}/checkout`, jsmith);
    expect(checkout.body.data).toMatchObject({ is_checked_out: true, in_use_by: 'admin' });

    const refused = await newVersion(id, jsmith);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({
      code: 'DocumentCheckedOut',
      message: expect.stringContaining('admin'),
    });
    expect((await getJson(`${base}/documents/${id}/lock`, jsmith, { method: 'POST' })).status).toBe(409);
    expect((await newVersion(id, admin)).status).toBe(201);

    expect((await getJson(`${base}/documents/${id}/lock`, admin, { method: 'DELETE' })).status).toBe(204);
    expect((await getJson(`${base}/documents/${id}`, jsmith)).body.data.is_checked_out).toBe(false);
    expect((await newVersion(id, jsmith)).status).toBe(201);

    expect((await getJson(`${base}/documents/${id}/lock`, jsmith, { method: 'POST' })).status).toBe(200);
    expect((await getJson(`${base}/documents/${id}`, admin, { method: 'DELETE' })).status).toBe(409);
  });
});

describe('check-out by a test', () => {
  it('is set and cleared with emulator.setCheckout, as a user opening the document would', async () => {
    const { id } = await upload(folders[0] as string, 'one');
    emulator.setCheckout(id, 'ajones');
    expect((await getJson(`${base}/documents/${id}`, jsmith)).body.data.in_use_by).toBe('ajones');
    expect((await newVersion(id, jsmith)).status).toBe(409);
    emulator.setCheckout(id, undefined);
    expect((await newVersion(id, jsmith)).status).toBe(201);
  });
});

describe('edit dates', () => {
  it('moves edit_profile_date on a rename and neither date on a move', async () => {
    const created = await upload(folders[0] as string, 'dates');
    emulator.clock.advance(60_000);
    const renamed = await sendJson('PATCH', `${base}/documents/${created.id}`, jsmith, { name: 'Renamed' });
    expect(renamed.body.data.edit_date).toBe(created.edit_date);
    expect(Date.parse(renamed.body.data.edit_profile_date)).toBeGreaterThan(Date.parse(created.edit_date));
    emulator.clock.advance(60_000);
    const moved = await sendJson('POST', `${base}/documents/${created.id}/move`, jsmith, {
      destination_id: folders[1],
    });
    expect(moved.status).toBe(200);
    expect(moved.body.data.edit_date).toBe(created.edit_date);
    expect(moved.body.data.edit_profile_date).toBe(renamed.body.data.edit_profile_date);
    const since = new Date(Date.parse(created.edit_date) + 1).toISOString();
    const changed = await getJson(
      `${base}/documents?container_id=${folders[1]}&edit_date_from=${since}`,
      jsmith,
    );
    expect(changed.body.data.results.map((d: { id: string }) => d.id)).not.toContain(created.id);
  });
});

describe('move and copy', () => {
  it('moves a document with destination_id (and the destination_folder_id form)', async () => {
    const [from, to] = folders as [string, string];
    const { id } = await upload(from, 'move me');
    const moved = await sendJson('POST', `${base}/documents/${id}/move`, jsmith, { destination_id: to });
    expect(moved.body.data.id).toBe(id);
    const inTarget = await getJson(`${base}/folders/${to}/children`, jsmith);
    expect(inTarget.body.data.map((d: { id: string }) => d.id)).toContain(id);
    const inSource = await getJson(`${base}/folders/${from}/children`, jsmith);
    expect(inSource.body.data.map((d: { id: string }) => d.id)).not.toContain(id);
    const back = await sendJson('POST', `${base}/folders/${to}/documents/${id}/move`, jsmith, {
      destination_folder_id: from,
    });
    expect(back.status).toBe(200);
    expect(emulator.store.documentVersion(id).document.folderId).toBe(from);
    const missing = await sendJson('POST', `${base}/documents/${id}/move`, jsmith, {});
    expect(missing.status).toBe(400);
  });

  it('copies a document into a new number with the same content', async () => {
    const [from, to] = folders as [string, string];
    const { id } = await upload(from, 'copy me');
    const copied = await sendJson('POST', `${base}/documents/${id}/copy`, jsmith, { destination_id: to });
    expect(copied.status).toBe(201);
    expect(copied.body.data.id).not.toBe(id);
    expect(copied.body.data.id).toMatch(/\.1$/);
    const bytes = await fetch(`${base}/documents/${copied.body.data.id}/download`, {
      headers: { 'x-auth-token': jsmith },
    });
    expect(await bytes.text()).toBe('copy me');
  });

  it('moves and copies a folder with its contents, never into itself', async () => {
    const [from, to] = folders as [string, string];
    const inner = emulator.store.subfolders(from)[0]?.id as string;
    const count = emulator.store.documentsIn(inner).length;
    const copied = await sendJson('POST', `${base}/folders/${inner}/copy`, jsmith, { destination_id: to });
    expect(copied.status).toBe(201);
    expect(emulator.store.documentsIn(copied.body.data.id)).toHaveLength(count);
    const moved = await sendJson('POST', `${base}/folders/${inner}/move`, jsmith, { destination_id: to });
    expect(moved.status).toBe(200);
    expect(moved.body.data.parent_id).toBe(to);
    const into = await sendJson('POST', `${base}/folders/${to}/move`, jsmith, { destination_id: inner });
    expect(into.status).toBe(400);
  });
});
