import { rm } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAccessToken } from '../../../src/authorisation/tokens.ts';
import { registerConnectorPlugin } from '../../../src/connectors/registry.ts';
import { connections } from '../../../src/store/schema.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../../support/lexbridge.ts';
import {
  createAndRun,
  createLocalConnector,
  createRoot,
  readTree,
  runNow,
  writeTree,
} from '../../workflows/helpers.ts';
import { usePublicUrl } from '../support.ts';
import { type MemoryIdp, startMemoryIdp } from './identity-provider.ts';
import { MemorySystem } from './memory-system.ts';
import { memoryPlugin } from './plugin.ts';

/**
 * Proof that the connector seam is real: a plug-in the server has never heard of (an in-memory
 * document system with per-user OAuth at its own identity provider), registered at run time, goes
 * through authorise, callback, refresh, Test, a Copy and a One-way sync using nothing but the seam.
 */
let server: TestServer;
let idp: MemoryIdp;
let system: MemorySystem;
let admin: SignedIn;
let user: SignedIn;
let root: string;
let connectorId: string;
let unregister: () => void;

async function api(path: string, who: SignedIn, init: RequestInit = {}) {
  const res = await fetch(`${server.url}${path}`, {
    ...init,
    headers: { ...who.headers, 'content-type': 'application/json', ...(init.headers ?? {}) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** GET /authorise, the provider's redirects (it signs `account` in without a form), then the callback. */
async function authorise(who: SignedIn, account: string): Promise<string> {
  idp.nextAccount = account;
  const start = await fetch(`${server.url}/api/connectors/${connectorId}/authorise`, {
    headers: { cookie: who.cookie },
    redirect: 'manual',
  });
  expect(start.status).toBe(302);
  const jar = new Map<string, string>();
  let url = start.headers.get('location')!;
  expect(new URL(url).origin).toBe(idp.issuer);
  expect(new URL(url).searchParams.get('prompt')).toBe('login');
  for (let step = 0; step < 10 && !url.startsWith(server.url); step++) {
    const res = await fetch(url, {
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
      redirect: 'manual',
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      jar.set(pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1));
    }
    expect(res.status, await res.clone().text()).toBeGreaterThanOrEqual(300);
    url = new URL(res.headers.get('location')!, url).href;
  }
  const callback = await fetch(url, { headers: { cookie: who.cookie }, redirect: 'manual' });
  return callback.headers.get('location')!;
}

beforeAll(async () => {
  root = await createRoot();
  server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root } });
  usePublicUrl(server);
  idp = await startMemoryIdp(`${server.url}/api/connectors/authorised`);
  idp.accounts.set('alice', { name: 'Alice Archer', email: 'alice@firm.test' });
  system = new MemorySystem(async (token) => (await idp.provider.AccessToken.find(token))?.accountId);
  unregister = registerConnectorPlugin(memoryPlugin(system));
  admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  user = await signIn(server.lexbridge, { roles: ['User'] });
});

afterAll(async () => {
  unregister?.();
  await idp?.close();
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

describe('a connector plug-in registered at run time (in-memory system, OAuth at its own provider)', () => {
  it('is in the catalogue, and is added like any other type', async () => {
    const types = await api('/api/connector-types', user);
    expect(types.body.types).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'memory-dms', perUserAuthorisation: true, available: true }),
      ]),
    );
    const created = await api('/api/connectors', admin, {
      method: 'POST',
      body: JSON.stringify({
        type: 'memory-dms',
        name: 'Memory',
        config: { issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret },
      }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'memory-dms', secretsSet: ['clientSecret'] });
    expect(JSON.stringify(created.body)).not.toContain(idp.clientSecret);
    connectorId = created.body.id as string;
  });

  it('authorises a user through its own authorization server and records the generic account', async () => {
    expect(await authorise(user, 'alice')).toBe(`/connectors?authorised=${connectorId}`);
    const mine = await api(`/api/connectors/${connectorId}`, user);
    expect(mine.body.connection).toMatchObject({
      status: 'authorised',
      account: {
        id: 'alice',
        name: 'Alice Archer',
        email: 'alice@firm.test',
        facts: [{ label: 'Tenant', value: 'memory' }],
      },
    });
  });

  it('refreshes a token near expiry through the plug-in’s token endpoint', async () => {
    const before = await getAccessToken(server.lexbridge, { connectorId, userId: user.userId });
    await server.lexbridge.store.db
      .update(connections)
      .set({ accessTokenExpiresAt: new Date() })
      .where(eq(connections.userId, user.userId));
    const after = await getAccessToken(server.lexbridge, { connectorId, userId: user.userId });
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(await idp.provider.AccessToken.find(after.accessToken)).toBeTruthy();
    expect(after.account.id).toBe('alice');
  });

  it('runs the plug-in’s own Test steps with the user’s authorisation', async () => {
    const test = await api(`/api/connectors/${connectorId}/test`, user, { method: 'POST', body: '{}' });
    expect(test.status).toBe(200);
    expect(test.body).toMatchObject({
      ok: true,
      serverAddress: idp.issuer,
      steps: [{ name: 'token', label: 'Your authorisation works', ok: true, detail: 'Signed in as alice.' }],
    });
  });

  it('copies from the system into a local folder', async () => {
    const matter = system.add('', 'folder', 'Matter 1');
    system.add(matter.id, 'document', 'brief.txt', 'the brief');
    const sub = system.add(matter.id, 'folder', 'Letters');
    system.add(sub.id, 'document', 'letter.txt', 'dear sir');
    const target = await createLocalConnector(server.lexbridge, root, 'copy');
    const { run } = await createAndRun(server.lexbridge, user, {
      type: 'copy',
      source: { connectorId, id: matter.id },
      target: { connectorId: target.id, id: '' },
    });
    expect(run.status).toBe('succeeded');
    expect(await readTree(target.path)).toEqual({
      'brief.txt': 'the brief',
      'Letters/': '',
      'Letters/letter.txt': 'dear sir',
    });
  });

  it('one-way syncs a local folder into the system, renewing a token the system rejected once', async () => {
    const source = await createLocalConnector(server.lexbridge, root, 'sync');
    await writeTree(source.path, { 'a.txt': 'one', 'docs/b.txt': 'two' });
    const inbox = system.add('', 'folder', 'Inbox');
    const { workflow, run } = await createAndRun(server.lexbridge, user, {
      type: 'one_way_sync',
      source: { connectorId: source.id, id: '' },
      target: { connectorId, id: inbox.id },
    });
    expect(run.status).toBe('succeeded');
    const names = (parent: string) =>
      system
        .children(parent)
        .map((c) => c.name)
        .sort();
    expect(names(inbox.id)).toEqual(['a.txt', 'docs']);

    const { accessToken } = await getAccessToken(server.lexbridge, { connectorId, userId: user.userId });
    system.rejectOnce = accessToken;
    await writeTree(source.path, { 'a.txt': 'one, edited' });
    const again = await runNow(server.lexbridge, workflow);
    expect(again.run.status).toBe('succeeded');
    expect(again.run.updated).toBe(1);
    expect(system.rejectOnce).toBeUndefined();
    const a = system.children(inbox.id).find((c) => c.name === 'a.txt')!;
    expect(a.content?.toString()).toBe('one, edited');
    const renewed = await getAccessToken(server.lexbridge, { connectorId, userId: user.userId });
    expect(renewed.accessToken).not.toBe(accessToken);
    expect(system.tokensSeen).toContain(renewed.accessToken);
  });
});
