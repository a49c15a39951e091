/** Each strict (real-server) behaviour over HTTP, against an emulator with only that behaviour on. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.ts';
import { parseStrictFlag, REAL_SERVER } from '../src/strictness.ts';
import {
  apiBase,
  getJson,
  passwordToken,
  startTestEmulator,
  TEST_APP,
  tokenRequest,
  uploadForm,
} from './helpers.ts';

let emulator: RunningEmulator;
let base: string;
let token: string;
let folder: string;

beforeAll(async () => {
  emulator = await startTestEmulator({ content: { documentsPerFolder: 6 } });
  base = apiBase(emulator);
  token = await passwordToken(emulator);
  const workspace = emulator.store.workspacesIn('ACTIVE')[0]?.id as string;
  folder = emulator.store.subfolders(workspace)[0]?.id as string;
});
afterAll(() => emulator.close());

function strictly(config: RunningEmulator['strict']) {
  emulator.strict = config;
}

function upload(profile: Record<string, unknown>, content = 'strict bytes') {
  return getJson(`${base}/folders/${folder}/documents`, token, {
    method: 'POST',
    body: uploadForm(
      { name: 'Strict', extension: 'txt', size: content.length, ...profile },
      content,
      'Strict.txt',
    ),
  });
}

describe('defaults', () => {
  it('are all lenient, and real-server turns every behaviour on', async () => {
    strictly({});
    expect(emulator.strict).toEqual({
      versionedDocumentIds: false,
      cursorPlacement: 'data',
      childrenIgnoresOffset: false,
      requireClass: false,
      nonRfcTokenErrors: 'off',
      internalApiHost: null,
      indexLagSeconds: 0,
      checksumFormat: 'hex',
      workspaceClasses: {},
    });
    strictly('real-server');
    expect(emulator.strict).toEqual(REAL_SERVER);
    const admin = await fetch(`${emulator.url}/__emulator/strict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ indexLagSeconds: 3 }),
    });
    expect(await admin.json()).toMatchObject({ indexLagSeconds: 3, versionedDocumentIds: false });
  });

  it('parses the --strict flag', () => {
    expect(parseStrictFlag('all')).toEqual(REAL_SERVER);
    expect(parseStrictFlag('versionedDocumentIds,cursorPlacement=top,indexLagSeconds=7')).toMatchObject({
      versionedDocumentIds: true,
      cursorPlacement: 'top',
      indexLagSeconds: 7,
      requireClass: false,
    });
    expect(parseStrictFlag('nonRfcTokenErrors')).toMatchObject({ nonRfcTokenErrors: 'json' });
    expect(() => parseStrictFlag('noSuchThing')).toThrow(/unknown behaviour/);
  });
});

describe('versionedDocumentIds', () => {
  it('answers 404 to a versionless document id in every document call', async () => {
    strictly({ versionedDocumentIds: true });
    const document = emulator.store.documentsIn(folder)[0];
    const versionless = `ACTIVE!${document?.number}`;
    const status = async (id: string, path: string) =>
      (await fetch(`${base}/documents/${id}${path}`, { headers: { 'x-auth-token': token } })).status;
    for (const path of ['', '/download', '/versions']) {
      expect(await status(versionless, path)).toBe(404);
      expect(await status(`${versionless}.1`, path)).toBe(200);
    }
    const deleted = await getJson(`${base}/documents/${versionless}`, token, { method: 'DELETE' });
    expect(deleted.status).toBe(404);
  });
});

describe('cursorPlacement', () => {
  it("puts cursor and total_count beside data with 'top', inside it with 'data'", async () => {
    const query = `${base}/documents?container_id=${folder}&limit=2`;
    strictly({ cursorPlacement: 'top' });
    const top = await getJson(`${query}&paging_mode=standard_cursor`, token);
    expect(top.body.cursor).toEqual(expect.any(String));
    expect(top.body.data.cursor).toBeUndefined();
    expect((await getJson(`${query}&total=true`, token)).body.total_count).toBe(6);
    const next = await getJson(`${query}&paging_mode=standard_cursor&cursor=${top.body.cursor}`, token);
    expect(next.body.data.results[0].id).not.toBe(top.body.data.results[0].id);
    strictly({ cursorPlacement: 'data' });
    const inside = await getJson(`${query}&paging_mode=standard_cursor`, token);
    expect(inside.body.data.cursor).toEqual(expect.any(String));
    expect(inside.body.cursor).toBeUndefined();
  });
});

describe('childrenIgnoresOffset', () => {
  it('answers the first page of /children whatever the offset', async () => {
    strictly({ childrenIgnoresOffset: true });
    const first = await getJson(`${base}/folders/${folder}/children?limit=2&offset=0`, token);
    const second = await getJson(`${base}/folders/${folder}/children?limit=2&offset=2`, token);
    expect(second.body.data).toEqual(first.body.data);
    strictly({});
    const honoured = await getJson(`${base}/folders/${folder}/children?limit=2&offset=2`, token);
    expect(honoured.body.data).not.toEqual(first.body.data);
  });
});

describe('requireClass', () => {
  it('refuses a new document without a known class and accepts one with it', async () => {
    strictly({ requireClass: true });
    const missing = await upload({});
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/required field class/);
    const unknown = await upload({ class: 'NOPE' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/class "NOPE" does not exist/);
    const accepted = await upload({ class: 'DOC' });
    expect(accepted.status).toBe(201);
    expect(accepted.body.data.class).toBe('DOC');
  });
});

describe('nonRfcTokenErrors', () => {
  const badRefresh = () =>
    tokenRequest(emulator, {
      grant_type: 'refresh_token',
      refresh_token: 'revoked',
      client_id: TEST_APP.client_id,
      client_secret: TEST_APP.client_secret ?? '',
    }).catch(() => undefined);

  it("answers the Work API envelope with 'json'", async () => {
    strictly({ nonRfcTokenErrors: 'json' });
    const { status, body } = (await badRefresh()) ?? { status: 0, body: {} };
    expect(status).toBe(400);
    expect(body).toEqual({ error: { code: 'InvalidGrant', message: expect.any(String) } });
  });

  it("answers an HTML page with 'html' and a bare 401 with 'empty'", async () => {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: 'revoked',
      client_id: TEST_APP.client_id,
      client_secret: TEST_APP.client_secret ?? '',
    });
    const post = () => fetch(`${emulator.url}/auth/oauth2/token`, { method: 'POST', body: form });
    strictly({ nonRfcTokenErrors: 'html' });
    const page = await post();
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toMatch(/<html/i);
    strictly({ nonRfcTokenErrors: 'empty' });
    const empty = await post();
    expect(empty.status).toBe(401);
    expect(await empty.text()).toBe('');
  });
});

describe('internalApiHost', () => {
  it('names the internal host in /api while the API still answers at the public address', async () => {
    strictly({ internalApiHost: 'http://imanage-app01.firm.internal:8080' });
    const { body } = await getJson(`${emulator.url}/api`, token);
    expect(body.data.versions[0].url).toBe('http://imanage-app01.firm.internal:8080/work/api/v2');
    expect((await getJson(`${base}/documents?limit=1`, token)).status).toBe(200);
  });
});

describe('indexLagSeconds', () => {
  it('hides a new document and a new version from search until the lag has passed', async () => {
    strictly({ indexLagSeconds: 30 });
    const created = await upload({});
    const id: string = created.body.data.id;
    const search = async () =>
      (await getJson(`${base}/documents?container_id=${folder}`, token)).body.data.results as {
        id: string;
      }[];
    expect((await search()).map((d) => d.id)).not.toContain(id);
    expect((await getJson(`${base}/documents/${id}`, token)).status).toBe(200);
    emulator.clock.advance(31_000);
    expect((await search()).map((d) => d.id)).toContain(id);

    emulator.addDocumentVersion(id, 'second version');
    expect((await search()).map((d) => d.id)).toContain(id);
    emulator.clock.advance(31_000);
    expect((await search()).map((d) => d.id)).toContain(id.replace(/\.1$/, '.2'));
  });
});
