import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.ts';
import { apiBase, getJson, passwordToken, sendJson, startTestEmulator, uploadForm } from './helpers.ts';
import { profileProblems } from './profile-fields.ts';

let emulator: RunningEmulator;
let base: string;
let jsmith: string;
let ajones: string;
let admin: string;
let firstWorkspace: string;
let secondWorkspace: string;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  emulator = await startTestEmulator();
  base = apiBase(emulator);
  [jsmith, ajones, admin] = await Promise.all([
    passwordToken(emulator, 'jsmith'),
    passwordToken(emulator, 'ajones'),
    passwordToken(emulator, 'admin', 'admin'),
  ]);
  const workspaces = emulator.store.workspacesIn('ACTIVE');
  firstWorkspace = workspaces[0]?.id as string;
  secondWorkspace = workspaces[1]?.id as string;
});
afterAll(() => emulator.close());

async function firstFolder(workspaceId = firstWorkspace): Promise<string> {
  const { body } = await getJson(`${base}/workspaces/${workspaceId}/children`, jsmith);
  return body.data[0].id;
}

async function upload(folderId: string, content: string, fileName: string, token = jsmith, profile = {}) {
  const [name, extension] = fileName.split(/\.(?=[^.]+$)/);
  return getJson(`${base}/folders/${folderId}/documents`, token, {
    method: 'POST',
    body: uploadForm({ name, extension, size: Buffer.byteLength(content), ...profile }, content, fileName),
  });
}

describe('workspaces', () => {
  it('searches by name with {data:{results}} and reports effective_security', async () => {
    const { status, body } = await getJson(`${base}/workspaces?name=acme&total=true`, jsmith);
    expect(status).toBe(200);
    expect(body.data.results.length).toBeGreaterThan(0);
    expect(body.data.total_count).toBe(body.data.results.length);
    for (const workspace of body.data.results) {
      expect(workspace.name.toLowerCase()).toContain('acme');
      expect(workspace.effective_security).toBe('read_write');
      expect(workspace.id).toMatch(/^ACTIVE!\d+$/);
      expect(profileProblems('workspace', workspace)).toEqual([]);
    }
  });

  it('hides workspaces the user has no access to (404) and reports read access', async () => {
    const all = await getJson(`${base}/workspaces`, ajones);
    const ids = all.body.data.results.map((w: { id: string }) => w.id);
    expect(ids).toContain(firstWorkspace);
    expect(ids).not.toContain(secondWorkspace);
    expect((await getJson(`${base}/workspaces/${secondWorkspace}`, ajones)).status).toBe(404);
    const visible = await getJson(`${base}/workspaces/${firstWorkspace}`, ajones);
    expect(visible.body.data.effective_security).toBe('read');
  });

  it('creates a workspace (201) whose creator has full access', async () => {
    const created = await sendJson('POST', `${base}/workspaces`, jsmith, {
      name: 'New matter',
      description: 'Made in a test',
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      name: 'New matter',
      wstype: 'workspace',
      effective_security: 'full_access',
    });
    expect(profileProblems('workspace', created.body.data)).toEqual([]);
    const missingName = await sendJson('POST', `${base}/workspaces`, jsmith, {});
    expect(missingName.status).toBe(400);
    expect(missingName.body.error.code).toBe('InvalidParameter');
  });
});

describe('folders', () => {
  it('lists workspace children and folder children (folders then documents) as {data:[…]}', async () => {
    const workspaceChildren = await getJson(`${base}/workspaces/${firstWorkspace}/children`, jsmith);
    expect(workspaceChildren.body.data).toHaveLength(2);
    const folder = workspaceChildren.body.data[0];
    expect(profileProblems('folder', folder)).toEqual([]);
    expect(folder).toMatchObject({
      wstype: 'folder',
      parent_id: firstWorkspace,
      workspace_id: firstWorkspace,
      has_subfolders: true,
    });
    const children = await getJson(`${base}/folders/${folder.id}/children`, jsmith);
    const types = children.body.data.map((c: { wstype: string }) => c.wstype);
    expect(types.slice(0, 2)).toEqual(['folder', 'folder']);
    expect(types.slice(2)).toHaveLength(3);
    for (const type of types.slice(2)) expect(['document', 'email']).toContain(type);
    const onlyFolders = await getJson(`${base}/folders/${folder.id}/children?exclude_docs=true`, jsmith);
    expect(onlyFolders.body.data).toHaveLength(2);
    const got = await getJson(`${base}/folders/${folder.id}`, jsmith);
    expect(got.body.data.id).toBe(folder.id);
  });

  it('creates, renames and deletes folders, refusing to delete a non-empty one', async () => {
    const root = await sendJson('POST', `${base}/workspaces/${firstWorkspace}/folders`, jsmith, {
      name: 'Test root',
    });
    expect(root.status).toBe(201);
    const sub = await sendJson('POST', `${base}/folders/${root.body.data.id}/subfolders`, jsmith, {
      name: 'Sub',
    });
    expect(sub.status).toBe(201);
    expect(sub.body.data.parent_id).toBe(root.body.data.id);
    const renamed = await sendJson('PATCH', `${base}/folders/${sub.body.data.id}`, jsmith, {
      name: 'Renamed',
    });
    expect(renamed.body.data.name).toBe('Renamed');
    const notEmpty = await getJson(`${base}/folders/${root.body.data.id}`, admin, { method: 'DELETE' });
    expect(notEmpty.status).toBe(400);
    expect(notEmpty.body.error.code).toBe('FolderNotEmpty');
    // Deleting needs full_access: jsmith has read_write.
    expect((await getJson(`${base}/folders/${sub.body.data.id}`, jsmith, { method: 'DELETE' })).status).toBe(
      403,
    );
    const deleted = await getJson(`${base}/folders/${sub.body.data.id}`, admin, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await getJson(`${base}/folders/${sub.body.data.id}`, admin)).status).toBe(404);
  });

  it('refuses writes to a user with read access (403) and reads of a hidden workspace (404)', async () => {
    const folder = await firstFolder();
    const denied = await sendJson('POST', `${base}/folders/${folder}/subfolders`, ajones, { name: 'Nope' });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('AccessDenied');
    const hiddenFolder = await firstFolder(secondWorkspace);
    expect((await getJson(`${base}/folders/${hiddenFolder}/children`, ajones)).status).toBe(404);
  });
});

describe('documents', () => {
  it('uploads (201 {data, warnings}), downloads with Content-Disposition, and checks sum and size', async () => {
    const folder = await firstFolder();
    const content = 'Hello from a test — ünïcödé\n'.repeat(100);
    const created = await upload(folder, content, 'Résumé draft.docx');
    expect(created.status).toBe(201);
    expect(created.body.warnings).toEqual([]);
    const profile = created.body.data;
    expect(profile.id).toMatch(/^ACTIVE!\d+\.1$/);
    expect(profile).toMatchObject({
      name: 'Résumé draft',
      extension: 'docx',
      version: 1,
      type: 'WORDX',
      author: 'jsmith',
    });
    expect(profile.size).toBe(Buffer.byteLength(content));
    expect(profile.checksum).toBe(`SHA256:${sha256(Buffer.from(content)).toUpperCase()}`);
    expect(profileProblems('document', profile)).toEqual([]);

    const download = await fetch(`${base}/documents/${profile.id}/download`, {
      headers: { 'x-auth-token': jsmith },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="R_sum_ draft.docx"; filename*=UTF-8''R%C3%A9sum%C3%A9%20draft.docx`,
    );
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe(content);
  });

  it('refuses an upload whose declared size differs from the bytes received', async () => {
    const folder = await firstFolder();
    const before = emulator.store.documentsIn(folder).length;
    const created = await upload(folder, 'abc', 'Short.txt', jsmith, { size: 99 });
    expect(created.status).toBe(400);
    expect(created.body.error).toMatchObject({ code: 'InvalidParameter' });
    expect(created.body.error.message).toMatch(/size.*99.*3 bytes/);
    expect(emulator.store.documentsIn(folder)).toHaveLength(before);
  });

  it('adds versions, lists them and downloads each', async () => {
    const created = await upload(await firstFolder(), 'version one', 'Versioned.txt');
    const id: string = created.body.data.id;
    const newVersion = await getJson(`${base}/documents/${id}/versions`, jsmith, {
      method: 'POST',
      body: uploadForm({ comment: 'second' }, 'version two', 'Versioned.txt'),
    });
    expect(newVersion.status).toBe(201);
    expect(newVersion.body.data.id).toBe(id.replace(/\.1$/, '.2'));
    expect(newVersion.body.data.version).toBe(2);
    const versions = await getJson(`${base}/documents/${id}/versions`, jsmith);
    expect(versions.body.data.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    const v1 = await fetch(`${base}/documents/${id}/download`, { headers: { 'x-auth-token': jsmith } });
    expect(await v1.text()).toBe('version one');
    const latest = await fetch(`${base}/documents/${id.replace(/\.1$/, '')}/download`, {
      headers: { 'x-auth-token': jsmith },
    });
    expect(await latest.text()).toBe('version two');
  });

  it('patches the profile, moving edit_profile_date but not edit_date, and warns about read-only fields', async () => {
    const created = await upload(await firstFolder(), 'patch me', 'Patch.txt');
    const id: string = created.body.data.id;
    emulator.clock.advance(5000);
    const patched = await sendJson('PATCH', `${base}/documents/${id}`, jsmith, {
      name: 'Patched',
      custom1: 'X',
      size: 1,
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ name: 'Patched', custom1: 'X' });
    expect(patched.body.data.edit_date).toBe(created.body.data.edit_date);
    expect(Date.parse(patched.body.data.edit_profile_date)).toBeGreaterThan(
      Date.parse(created.body.data.edit_profile_date),
    );
    expect(patched.body.warnings).toEqual([{ field: 'size', error: expect.any(String) }]);
    const fetched = await getJson(`${base}/documents/${id}`, jsmith);
    expect(fetched.body.data.name).toBe('Patched');
  });

  it('deletes with full access only', async () => {
    const created = await upload(await firstFolder(), 'delete me', 'Delete.txt');
    const id: string = created.body.data.id;
    expect((await getJson(`${base}/documents/${id}`, jsmith, { method: 'DELETE' })).status).toBe(403);
    expect((await getJson(`${base}/documents/${id}`, admin, { method: 'DELETE' })).status).toBe(204);
    expect((await getJson(`${base}/documents/${id}`, admin)).status).toBe(404);
  });

  it('serves generated sample content whose bytes match the profile checksum and size', async () => {
    const search = await getJson(
      `${base}/documents?container_id=${firstWorkspace}&include_subtree=true&limit=1`,
      jsmith,
    );
    const profile = search.body.data.results[0];
    expect(profileProblems('document', profile)).toEqual([]);
    const download = await fetch(`${base}/documents/${profile.id}/download`, {
      headers: { 'x-auth-token': jsmith },
    });
    const bytes = new Uint8Array(await download.arrayBuffer());
    expect(bytes.byteLength).toBe(profile.size);
    expect(profile.checksum).toBe(`SHA256:${sha256(bytes).toUpperCase()}`);
  });

  it('accepts a profile part sent as an application/json field without a file name', async () => {
    const folder = await firstFolder();
    const boundary = 'lexbridge-test-boundary';
    const body = [
      `--${boundary}`,
      'Content-Disposition: form-data; name="profile"',
      'Content-Type: application/json',
      '',
      JSON.stringify({ doc_profile: { name: 'Json Field', extension: 'txt', size: 5 } }),
      `--${boundary}`,
      'Content-Disposition: form-data; name="file"; filename="Json Field.txt"',
      'Content-Type: application/octet-stream',
      '',
      'hello',
      `--${boundary}--`,
      '',
    ].join('\r\n');
    const created = await getJson(`${base}/folders/${folder}/documents`, jsmith, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    });
    expect(created.status).toBe(201);
    expect(created.body.data.name).toBe('Json Field');
    expect(created.body.data.size).toBe(5);
  });

  it('refuses uploads from a read-only user and without a file part', async () => {
    const folder = await firstFolder();
    expect((await upload(folder, 'x', 'Denied.txt', ajones)).status).toBe(403);
    const form = new FormData();
    form.append('profile', JSON.stringify({ doc_profile: { name: 'x' } }));
    const noFile = await getJson(`${base}/folders/${folder}/documents`, jsmith, {
      method: 'POST',
      body: form,
    });
    expect(noFile.status).toBe(400);
  });
});

describe('document search and paging', () => {
  it('filters by container with and without the subtree', async () => {
    const folder = await firstFolder(secondWorkspace);
    const direct = await getJson(`${base}/documents?container_id=${folder}`, jsmith);
    expect(direct.body.data.results).toHaveLength(3);
    const subtree = await getJson(`${base}/documents?container_id=${folder}&include_subtree=true`, jsmith);
    expect(subtree.body.data.results).toHaveLength(9);
    const workspace = await getJson(
      `${base}/documents?container_id=${secondWorkspace}&include_subtree=true&total=true`,
      jsmith,
    );
    expect(workspace.body.data.total_count).toBe(18);
    expect((await getJson(`${base}/documents?container_id=${secondWorkspace}`, ajones)).status).toBe(404);
  });

  it('filters by edit date and by name', async () => {
    const all = await getJson(
      `${base}/documents?container_id=${secondWorkspace}&include_subtree=true`,
      jsmith,
    );
    const dates = all.body.data.results.map((d: { edit_date: string }) => d.edit_date).sort();
    const middle = dates[Math.floor(dates.length / 2)];
    const after = await getJson(
      `${base}/documents?container_id=${secondWorkspace}&include_subtree=true&edit_date_from=${middle}`,
      jsmith,
    );
    expect(after.body.data.results.length).toBe(dates.filter((d: string) => d >= middle).length);
    for (const doc of after.body.data.results) expect(doc.edit_date >= middle).toBe(true);
    const before = await getJson(
      `${base}/documents?container_id=${secondWorkspace}&include_subtree=true&edit_date_to=${middle}`,
      jsmith,
    );
    expect(before.body.data.results.length).toBe(dates.filter((d: string) => d <= middle).length);
    const named = await getJson(`${base}/documents?name=memo`, jsmith);
    for (const doc of named.body.data.results) expect(doc.name.toLowerCase()).toContain('memo');
    expect((await getJson(`${base}/documents?edit_date_from=yesterday`, jsmith)).status).toBe(400);
  });

  it('pages with offset and total, and with a cursor, giving the same documents', async () => {
    const query = `container_id=${firstWorkspace}&include_subtree=true`;
    const everything = await getJson(`${base}/documents?${query}&total=true`, jsmith);
    const total = everything.body.data.total_count;
    expect(total).toBe(everything.body.data.results.length);
    const offsetIds: string[] = [];
    for (let offset = 0; offset < total; offset += 4) {
      const page = await getJson(`${base}/documents?${query}&limit=4&offset=${offset}`, jsmith);
      offsetIds.push(...page.body.data.results.map((d: { id: string }) => d.id));
    }
    const cursorIds: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await getJson(
        `${base}/documents?${query}&limit=4&paging_mode=standard_cursor&total=true${cursor ? `&cursor=${cursor}` : ''}`,
        jsmith,
      );
      expect(page.body.data).not.toHaveProperty('total_count');
      cursorIds.push(...page.body.data.results.map((d: { id: string }) => d.id));
      cursor = page.body.data.cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(Math.ceil(total / 4));
    expect(offsetIds).toEqual(everything.body.data.results.map((d: { id: string }) => d.id));
    expect(cursorIds).toEqual(offsetIds);
    expect(new Set(cursorIds).size).toBe(total);
    expect(
      (await getJson(`${base}/documents?paging_mode=standard_cursor&cursor=garbage`, jsmith)).status,
    ).toBe(400);
    expect((await getJson(`${base}/documents?limit=0`, jsmith)).status).toBe(400);
  });

  it('generates the same content for the same seed', async () => {
    const twin = await startTestEmulator();
    try {
      const id = emulator.store.workspacesIn('ACTIVE')[0]?.id as string;
      const token = await passwordToken(twin);
      const mine = await getJson(`${base}/documents?container_id=${id}&include_subtree=true&limit=3`, jsmith);
      const theirs = await getJson(
        `${apiBase(twin)}/documents?container_id=${id}&include_subtree=true&limit=3`,
        token,
      );
      const summary = (r: { id: string; checksum: string; edit_date: string }[]) =>
        r.map(({ id, checksum, edit_date }) => ({ id, checksum, edit_date }));
      expect(summary(theirs.body.data.results)).toEqual(summary(mine.body.data.results));
    } finally {
      await twin.close();
    }
  });
});
