import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickXorHash } from '../src/quick-xor-hash.ts';
import { ALEX, graph, json, signIn, startTestEmulator, type TestEmulator } from './helpers.ts';

const KIB320 = 320 * 1024;
let emulator: TestEmulator;
let token: string;
let driveId: string;
beforeAll(async () => {
  emulator = await startTestEmulator();
  token = (await signIn(emulator, ALEX)).access_token;
  driveId = (await graph(emulator, token, '/me/drive')).body.id;
});
afterAll(() => emulator.close());

const bytes = (size: number) => Buffer.from(Array.from({ length: size }, (_, i) => (i * 31 + 7) % 251));

async function session(path: string, item: Record<string, unknown> = {}) {
  const created = await graph(
    emulator,
    token,
    `/drives/${driveId}/root:/${path}:/createUploadSession`,
    json('POST', { item }),
  );
  expect(created.status).toBe(200);
  expect(created.body.nextExpectedRanges).toEqual(['0-']);
  return created.body.uploadUrl as string;
}

const put = (url: string, data: Buffer, start: number, total: number, headers: Record<string, string> = {}) =>
  emulator.fetch(url, {
    method: 'PUT',
    headers: { 'content-range': `bytes ${start}-${start + data.length - 1}/${total}`, ...headers },
    body: data,
  });

describe('upload sessions', () => {
  it('takes 320 KiB multiples in order, reports nextExpectedRanges, and commits on the last byte', async () => {
    const content = bytes(2 * KIB320 + 1000);
    const url = await session('Big/large.bin');
    expect(new URL(url).host).toBe(new URL(emulator.contentUrl).host);
    const first = await put(url, content.subarray(0, KIB320), 0, content.length);
    expect(first.status).toBe(202);
    expect(((await first.json()) as any).nextExpectedRanges).toEqual([`${KIB320}-${content.length - 1}`]);
    const odd = await put(url, content.subarray(KIB320, KIB320 + 1000), KIB320, content.length);
    expect(odd.status).toBe(400);
    const outOfOrder = await put(url, content.subarray(2 * KIB320), 2 * KIB320, content.length);
    expect(outOfOrder.status).toBe(416);
    const again = await put(url, content.subarray(0, KIB320), 0, content.length);
    expect(again.status).toBe(416);
    const withBearer = await put(url, content.subarray(KIB320, 2 * KIB320), KIB320, content.length, {
      authorization: `Bearer ${token}`,
    });
    expect(withBearer.status).toBe(401);
    expect((await put(url, content.subarray(KIB320, 2 * KIB320), KIB320, content.length)).status).toBe(202);
    const status = (await (await emulator.fetch(url)).json()) as any;
    expect(status.nextExpectedRanges).toEqual([`${2 * KIB320}-${content.length - 1}`]);
    const last = await put(url, content.subarray(2 * KIB320), 2 * KIB320, content.length);
    expect(last.status).toBe(201);
    const item = (await last.json()) as any;
    expect(item).toMatchObject({ name: 'large.bin', size: content.length });
    expect(item.file.hashes.quickXorHash).toBe(quickXorHash(content));
    expect((await emulator.fetch(url)).status).toBe(404);
  });

  it('resumes after a fragment cut off mid-way: the fragment counts for nothing', async () => {
    const content = bytes(KIB320 + 10);
    const url = await session('resume.bin');
    emulator.addFault({ kind: 'dropUpload' });
    await expect(put(url, content.subarray(0, KIB320), 0, content.length)).rejects.toThrow();
    const status = (await (await emulator.fetch(url)).json()) as any;
    expect(status.nextExpectedRanges[0]).toMatch(/^0-/);
    expect((await put(url, content.subarray(0, KIB320), 0, content.length)).status).toBe(202);
    const done = await put(url, content.subarray(KIB320), KIB320, content.length);
    expect(done.status).toBe(201);
    expect(((await done.json()) as any).file.hashes.quickXorHash).toBe(quickXorHash(content));
  });

  it('a session on an existing item adds a version; conflictBehavior fail is the default for new names', async () => {
    const first = await graph(emulator, token, `/drives/${driveId}/root:/versioned.bin:/content`, {
      method: 'PUT',
      body: 'v1',
    });
    const conflict = await graph(
      emulator,
      token,
      `/drives/${driveId}/root:/versioned.bin:/createUploadSession`,
      json('POST', {}),
    );
    expect(conflict.status).toBe(409);
    const update = await graph(
      emulator,
      token,
      `/drives/${driveId}/items/${first.body.id}/createUploadSession`,
      json('POST', {}),
    );
    const done = await put(update.body.uploadUrl, Buffer.from('v2 content'), 0, 10);
    expect(done.status).toBe(200);
    expect(((await done.json()) as any).id).toBe(first.body.id);
    const versions = await graph(emulator, token, `/drives/${driveId}/items/${first.body.id}/versions`);
    expect(versions.body.value).toHaveLength(2);
  });

  it('expires sessions, and can be cancelled', async () => {
    const url = await session('expiring.bin');
    emulator.clock.advance(3601_000);
    expect((await emulator.fetch(url)).status).toBe(404);
    token = (await signIn(emulator, ALEX)).access_token;
    const other = await session('cancelled.bin');
    expect((await emulator.fetch(other, { method: 'DELETE' })).status).toBe(204);
    expect((await emulator.fetch(other)).status).toBe(404);
  });
});
