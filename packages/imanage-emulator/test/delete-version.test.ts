/** One version deleted, as a user may in iManage Work: its id is gone, the others and the number stay. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.ts';
import { apiBase, getJson, passwordToken, startTestEmulator } from './helpers.ts';

let emulator: RunningEmulator;
let base: string;
let jsmith: string;

beforeAll(async () => {
  emulator = await startTestEmulator({ strict: { versionedDocumentIds: true } });
  base = apiBase(emulator);
  jsmith = await passwordToken(emulator);
});
afterAll(() => emulator.close());

describe('deleteDocumentVersion', () => {
  it('removes version 1 only: LIB!n.1 is 404, the search by number finds the latest', async () => {
    const document = [...emulator.store.documents.values()].find((d) => d.versions.length === 1)!;
    const id = `${document.library}!${document.number}`;
    emulator.addDocumentVersion(`${id}.1`, 'two');
    emulator.addDocumentVersion(`${id}.1`, 'three');
    emulator.deleteDocumentVersion(`${id}.1`);
    expect((await getJson(`${base}/documents/${id}.1`, jsmith)).status).toBe(404);
    const versions = await getJson(`${base}/documents/${id}.2/versions`, jsmith);
    expect(versions.body.data.map((v: { version: number }) => v.version)).toEqual([2, 3]);
    const found = await getJson(`${base}/documents?document_number=${document.number}`, jsmith);
    expect(found.body.data.results.map((d: { id: string }) => d.id)).toEqual([`${id}.3`]);
    expect((await getJson(`${base}/documents?document_number=x`, jsmith)).status).toBe(400);
  });

  it('never gives a deleted version number again, and keeps the last version', async () => {
    const document = [...emulator.store.documents.values()].find((d) => d.versions.length === 1)!;
    const id = `${document.library}!${document.number}`;
    emulator.addDocumentVersion(`${id}.1`, 'two');
    emulator.deleteDocumentVersion(`${id}.2`);
    expect(emulator.addDocumentVersion(`${id}.1`, 'three').version).toBe(3);
    emulator.deleteDocumentVersion(`${id}.1`);
    expect(() => emulator.deleteDocumentVersion(`${id}.3`)).toThrow(/only version/);
  });
});
