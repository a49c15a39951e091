import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

async function drain(start: string) {
  const items: any[] = [];
  let next: string | undefined = start;
  for (;;) {
    const page: Awaited<ReturnType<typeof graph>> = await graph(emulator, token, next);
    expect(page.status).toBe(200);
    items.push(...page.body.value);
    next = page.body['@odata.nextLink'];
    if (!next) return { items, deltaLink: page.body['@odata.deltaLink'] as string };
  }
}

describe('delta', () => {
  it('enumerates, then reports changes and deletions since the deltaLink', async () => {
    for (let i = 0; i < 3; i++) {
      await graph(emulator, token, `/drives/${driveId}/root:/Delta/f${i}.txt:/content`, {
        method: 'PUT',
        body: `${i}`,
      });
    }
    const full = await drain(`/drives/${driveId}/root/delta?$top=2`);
    expect(full.items[0].root).toEqual({});
    const names = full.items.map((item) => item.name);
    expect(names).toEqual(expect.arrayContaining(['Delta', 'f0.txt', 'f1.txt', 'f2.txt', 'Notes.txt']));
    expect(full.items.every((item) => item.parentReference?.path === undefined)).toBe(true);
    expect(full.deltaLink).toMatch(/\/v1\.0\/drives\/.+\/root\/delta\?\$top=2&token=/);

    const f0 = full.items.find((item) => item.name === 'f0.txt');
    const f1 = full.items.find((item) => item.name === 'f1.txt');
    await graph(emulator, token, `/drives/${driveId}/items/${f0.id}`, { method: 'DELETE' });
    await graph(emulator, token, `/drives/${driveId}/items/${f1.id}`, json('PATCH', { name: 'renamed.txt' }));
    const changes = await drain(full.deltaLink);
    const deleted = changes.items.find((item) => item.id === f0.id);
    expect(deleted.deleted).toEqual({ state: 'deleted' });
    expect(changes.items.find((item) => item.id === f1.id).name).toBe('renamed.txt');
    const quiet = await drain(changes.deltaLink);
    expect(quiet.items).toEqual([]);
  });

  it('token=latest gives a deltaLink without enumerating', async () => {
    const latest = await graph(emulator, token, `/drives/${driveId}/root/delta?token=latest`);
    expect(latest.body.value).toEqual([]);
    await graph(emulator, token, `/drives/${driveId}/root:/late.txt:/content`, { method: 'PUT', body: 'x' });
    const changes = await drain(latest.body['@odata.deltaLink']);
    expect(changes.items.map((item) => item.name)).toContain('late.txt');
  });

  it('answers 410 resyncRequired with a Location for a fresh enumeration when tokens expire', async () => {
    const { deltaLink } = await drain(`/drives/${driveId}/root/delta`);
    emulator.expireDeltaTokens(driveId);
    const gone = await graph(emulator, token, deltaLink);
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('resyncRequired');
    expect(gone.body.error.innerError.code).toBe('resyncChangesApplyDifferences');
    expect(gone.headers.get('location')).toBe(`${emulator.graphUrl}/drives/${driveId}/root/delta`);
    expect((await graph(emulator, token, `/drives/${driveId}/root/delta?token=garbage`)).status).toBe(410);
    const sub = await graph(emulator, token, `/drives/${driveId}/root:/Delta:/delta`);
    expect(sub.status).toBe(400);
  });

  it('accepts a timestamp token (?token=<ISO time>): changes at or after that instant, then a deltaLink', async () => {
    await graph(emulator, token, `/drives/${driveId}/root:/Stamp/old.txt:/content`, {
      method: 'PUT',
      body: 'o',
    });
    emulator.clock.advance(60_000);
    const since = new Date(emulator.clock.now()).toISOString();
    emulator.clock.advance(1_000);
    await graph(emulator, token, `/drives/${driveId}/root:/Stamp/new.txt:/content`, {
      method: 'PUT',
      body: 'n',
    });
    const changes = await drain(`/drives/${driveId}/root/delta?token=${encodeURIComponent(since)}`);
    const names = changes.items.map((item) => item.name);
    expect(names).toContain('new.txt');
    expect(names).not.toContain('old.txt');
    expect(changes.deltaLink).toMatch(/token=/);
    expect((await drain(changes.deltaLink)).items).toEqual([]);
  });
});
