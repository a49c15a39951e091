import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickXorHash } from '../src/quick-xor-hash.ts';
import { ALEX, graph, json, signIn, startTestEmulator, type TestEmulator } from './helpers.ts';

let emulator: TestEmulator;
let token: string;
let driveId: string;
beforeAll(async () => {
  emulator = await startTestEmulator();
  token = (await signIn(emulator, ALEX)).access_token;
  driveId = (await graph(emulator, token, '/me/drive')).body.id;
});
afterAll(() => emulator.close());

const upload = (path: string, content: Buffer | string, query = '') =>
  graph(emulator, token, `/drives/${driveId}/root:/${path}:/content${query}`, {
    method: 'PUT',
    body: content,
  });

describe('drives and items', () => {
  it('serves /me, /me/drive and the root with Graph shapes', async () => {
    const me = await graph(emulator, token, '/me');
    expect(me.body).toMatchObject({ userPrincipalName: ALEX, displayName: 'Alex Wilber' });
    const drive = await graph(emulator, token, '/me/drive');
    expect(drive.body).toMatchObject({
      driveType: 'business',
      name: 'OneDrive',
      owner: { user: { email: ALEX } },
    });
    const root = await graph(emulator, token, `/drives/${driveId}/root`);
    expect(root.body).toMatchObject({ name: 'root', root: {}, folder: { childCount: 1 } });
    const users = await graph(emulator, token, `/users/${encodeURIComponent(ALEX)}/drive`);
    expect(users.body.id).toBe(driveId);
  });

  it('pages children only through @odata.nextLink, honouring $top and $select', async () => {
    for (let i = 0; i < 5; i++)
      expect((await upload(`Paging/file ${i}.txt`, `content ${i}`)).status).toBe(201);
    const names: string[] = [];
    let next: string | undefined = `/drives/${driveId}/root:/Paging:/children?$top=2&$select=id,name`;
    let pages = 0;
    while (next) {
      const page: Awaited<ReturnType<typeof graph>> = await graph(emulator, token, next);
      expect(page.status).toBe(200);
      for (const item of page.body.value) {
        expect(Object.keys(item).sort()).toEqual(['id', 'name']);
        names.push(item.name);
      }
      next = page.body['@odata.nextLink'];
      if (next) expect(next).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/.*\$skiptoken=/);
      pages++;
    }
    expect(pages).toBe(3);
    expect(names).toEqual(['file 0.txt', 'file 1.txt', 'file 2.txt', 'file 3.txt', 'file 4.txt']);
  });

  it('addresses items by path from the root and from an item', async () => {
    const folder = await graph(emulator, token, `/drives/${driveId}/root:/Paging:`);
    const byItem = await graph(emulator, token, `/drives/${driveId}/items/${folder.body.id}:/file%201.txt:`);
    expect(byItem.body.name).toBe('file 1.txt');
    expect(byItem.body.parentReference).toMatchObject({
      driveId,
      id: folder.body.id,
      path: `/drives/${driveId}/root:/Paging`,
    });
    const missing = await graph(emulator, token, `/drives/${driveId}/root:/nothing/here.txt:`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: 'itemNotFound' });
    expect(missing.body.error.innerError['request-id']).toBeTruthy();
  });

  it('creates folders with conflictBehavior fail, rename and replace', async () => {
    const create = (behavior?: string) =>
      graph(
        emulator,
        token,
        `/drives/${driveId}/root/children`,
        json('POST', {
          name: 'Matter',
          folder: {},
          ...(behavior ? { '@microsoft.graph.conflictBehavior': behavior } : {}),
        }),
      );
    const first = await create();
    expect(first.status).toBe(201);
    expect((await create()).body.error.code).toBe('nameAlreadyExists');
    expect((await create('rename')).body.name).toBe('Matter 1');
    expect((await create('replace')).body.id).toBe(first.body.id);
    const bad = await graph(
      emulator,
      token,
      `/drives/${driveId}/root/children`,
      json('POST', { name: 'a:b', folder: {} }),
    );
    expect(bad.status).toBe(400);
  });

  it('replaces a file as a new version of the same item, with new eTag, cTag and quickXorHash', async () => {
    const first = await upload('Versions/brief.txt', 'first draft');
    const second = await upload('Versions/brief.txt', 'second draft');
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    expect(second.body.eTag).not.toBe(first.body.eTag);
    expect(second.body.cTag).not.toBe(first.body.cTag);
    expect(second.body.file.hashes.quickXorHash).toBe(quickXorHash(Buffer.from('second draft')));
    const versions = await graph(emulator, token, `/drives/${driveId}/items/${first.body.id}/versions`);
    expect(versions.body.value.map((v: { id: string }) => v.id)).toEqual(['2.0', '1.0']);
    const renamed = await upload('Versions/brief.txt', 'third', '?@microsoft.graph.conflictBehavior=rename');
    expect(renamed.body.name).toBe('brief 1.txt');
    const failed = await upload('Versions/brief.txt', 'fourth', '?@microsoft.graph.conflictBehavior=fail');
    expect(failed.status).toBe(409);
  });

  it('refuses simple uploads over 4 MB', async () => {
    const big = await upload('big.bin', Buffer.alloc(4 * 1024 * 1024 + 1));
    expect(big.status).toBe(413);
  });

  it('redirects /content to a pre-authenticated URL on another host, which refuses a bearer token', async () => {
    const item = await upload('download.txt', 'download me please');
    const redirect = await graph(emulator, token, `/drives/${driveId}/items/${item.body.id}/content`);
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') ?? '';
    expect(new URL(location).host).not.toBe(new URL(emulator.graphUrl).host);
    expect(location.startsWith(`${emulator.contentUrl}/download/`)).toBe(true);
    expect(item.body['@microsoft.graph.downloadUrl'].startsWith(emulator.contentUrl)).toBe(true);
    const plain = await emulator.fetch(location);
    expect(await plain.text()).toBe('download me please');
    const ranged = await emulator.fetch(location, { headers: { range: 'bytes=9-10' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('bytes 9-10/18');
    expect(await ranged.text()).toBe('me');
    const withBearer = await emulator.fetch(location, { headers: { authorization: `Bearer ${token}` } });
    expect(withBearer.status).toBe(401);
    emulator.clock.advance(11 * 60_000);
    expect((await emulator.fetch(location)).status).toBe(401);
  });

  it('renames and moves with PATCH, deletes with DELETE', async () => {
    const file = await upload('Moves/a.txt', 'a');
    const target = await graph(
      emulator,
      token,
      `/drives/${driveId}/root/children`,
      json('POST', { name: 'Target', folder: {} }),
    );
    const moved = await graph(
      emulator,
      token,
      `/drives/${driveId}/items/${file.body.id}`,
      json('PATCH', {
        name: 'b.txt',
        parentReference: { id: target.body.id },
      }),
    );
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ name: 'b.txt', parentReference: { id: target.body.id } });
    const stale = await graph(emulator, token, `/drives/${driveId}/items/${file.body.id}`, {
      method: 'DELETE',
      headers: { 'if-match': file.body.eTag },
    });
    expect(stale.status).toBe(412);
    expect(
      (await graph(emulator, token, `/drives/${driveId}/items/${file.body.id}`, { method: 'DELETE' })).status,
    ).toBe(204);
    expect((await graph(emulator, token, `/drives/${driveId}/items/${file.body.id}`)).status).toBe(404);
  });

  it('limits the decoded server-relative path, site and library included, to 400 characters', async () => {
    const root = (await graph(emulator, token, `/drives/${driveId}/root`)).body;
    // The library's own path (alex's OneDrive: /personal/…/Documents) counts towards the 400.
    const base = decodeURIComponent(new URL(root.webUrl).pathname);
    const fits = 'x'.repeat(400 - base.length - 1);
    const ok = await graph(
      emulator,
      token,
      `/drives/${driveId}/root/children`,
      json('POST', { name: fits, folder: {} }),
    );
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const over = await graph(
      emulator,
      token,
      `/drives/${driveId}/root/children`,
      json('POST', { name: `${fits}y`, folder: {} }),
    );
    expect(over.status).toBe(400);
    expect(over.body.error).toMatchObject({
      code: 'invalidRequest',
      message: 'The path is longer than 400 characters.',
    });
  });
});
