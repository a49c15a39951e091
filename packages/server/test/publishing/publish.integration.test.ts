import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningEmulator, startEmulator } from '@lexbridge/imanage-emulator';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, workflows } from '../../src/store/schema.ts';
import { createImanageConnector, hiddenFields, usePublicUrl } from '../connectors/support.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import {
  contextMenuOf,
  emulatorSession,
  filesUnder,
  installExtensionPackage,
  waitForPublish,
} from './support.ts';

/**
 * Publishing from iManage, over real HTTP: Lexbridge's own extension package installed in the
 * emulator's Control Center, the context-menu command, authorisation that comes back to the
 * selection, the selection read with the person's own connection, and publishing to a local folder
 * (twice, the second time after a new iManage version).
 */
let server: TestServer;
let emulator: RunningEmulator;
let root: string;
let portal: string;
let connectorAdmin: SignedIn;
let publisher: SignedIn;
let app: Awaited<ReturnType<typeof installExtensionPackage>>;
let imanageId: string;
let destinationId: string;

const json = (who: SignedIn, body: unknown) => ({
  method: 'POST',
  headers: { ...who.headers, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const get = (path: string, who: SignedIn) =>
  fetch(`${server.url}${path}`, { headers: { cookie: who.cookie } });

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lexbridge-publish-'));
  portal = join(root, 'client-portal');
  await mkdir(join(portal, 'Acme'), { recursive: true });
  server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root }, workers: true });
  usePublicUrl(server);
  emulator = await startEmulator({
    port: 0,
    seed: 11,
    content: {
      workspaces: 2,
      folderDepth: 2,
      foldersPerContainer: 2,
      documentsPerFolder: 2,
      minSize: 100,
      maxSize: 3000,
    },
  });
  connectorAdmin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  publisher = await signIn(server.lexbridge, { roles: ['PluginUser'] });
  app = await installExtensionPackage(server, connectorAdmin, emulator);
  imanageId = (
    await createImanageConnector(server, connectorAdmin, emulator, {
      clientId: app.clientId,
      secretKey: app.secret,
    })
  ).id;
});

afterAll(async () => {
  await emulator?.close();
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** The first workspace's first folder: it holds documents and a level of subfolders. */
function sampleFolder() {
  const workspace = emulator.store.workspacesIn('ACTIVE')[0]!;
  return emulator.store.subfolders(workspace.id)[0]!;
}

/** What publishing `folderId` must produce: relative path → sha256 of the latest version. */
function expectedFiles(folderId: string, prefix: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const doc of emulator.store.documentsIn(folderId)) {
    const latest = doc.versions.at(-1)!;
    out[`${prefix}/${doc.name}.${latest.extension}`] = emulator.store.checksum(latest).slice(7).toLowerCase();
  }
  for (const sub of emulator.store.subfolders(folderId))
    Object.assign(out, expectedFiles(sub.id, `${prefix}/${sub.name}`));
  return out;
}

describe('publish destinations', () => {
  it('are defined by Connector Admins on a connector and folder, and offered to everyone who may publish', async () => {
    const local = await fetch(
      `${server.url}/api/connectors`,
      json(connectorAdmin, { type: 'local-folder', name: 'Client portal', config: { path: portal } }),
    );
    expect(local.status).toBe(201);
    const localId = ((await local.json()) as { id: string }).id;

    const notFolder = await fetch(
      `${server.url}/api/publish-destinations`,
      json(connectorAdmin, { name: 'Nowhere', connectorId: localId, locationId: 'missing' }),
    );
    expect(notFolder.status).toBe(400);
    expect(((await notFolder.json()) as { error: { code: string } }).error.code).toBe(
      'publish_destination_invalid',
    );

    const byUser = await fetch(
      `${server.url}/api/publish-destinations`,
      json(publisher, { name: 'Acme portal', connectorId: localId, locationId: 'Acme' }),
    );
    expect(byUser.status).toBe(403);

    const created = await fetch(
      `${server.url}/api/publish-destinations`,
      json(connectorAdmin, {
        name: 'Acme portal',
        description: 'Files the client sees',
        connectorId: localId,
        locationId: 'Acme',
      }),
    );
    expect(created.status).toBe(201);
    const destination = (await created.json()) as {
      id: string;
      location: { id: string; path: string };
      connectorName: string;
    };
    expect(destination.location).toEqual({ id: 'Acme', name: 'Acme', path: 'Client portal / Acme' });
    destinationId = destination.id;

    const listed = (await (await get('/api/publish-destinations', publisher)).json()) as {
      destinations: { id: string; name: string; connectorName: string }[];
    };
    expect(listed.destinations.map((d) => [d.name, d.connectorName])).toEqual([
      ['Acme portal', 'Client portal'],
    ]);

    const patch = (who: SignedIn, body: unknown) =>
      fetch(`${server.url}/api/publish-destinations/${destinationId}`, {
        method: 'PATCH',
        headers: { ...who.headers, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await patch(publisher, { name: 'Mine now' })).status).toBe(403);
    const renamed = await patch(connectorAdmin, { name: 'Acme portal', description: 'Files Acme sees' });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({
      name: 'Acme portal',
      description: 'Files Acme sees',
      location: { id: 'Acme' },
    });
    const gone = await fetch(`${server.url}/api/publish-destinations/00000000-0000-4000-8000-000000000000`, {
      method: 'DELETE',
      headers: connectorAdmin.headers,
    });
    expect(gone.status).toBe(404);
  });
});

describe('arriving from the iManage context menu', () => {
  it('the command of the installed package opens /publish with the selection, and goes away when the application is disabled or deleted', async () => {
    const folder = sampleFolder();
    const cookie = await emulatorSession(emulator, 'jsmith', 'password');
    const page = `/work/web/workspaces/${encodeURIComponent(folder.workspaceId)}`;
    const menu = await contextMenuOf(emulator, cookie, page, folder.id);
    const href = new URL(menu['Publish with Lexbridge']!);
    expect(`${href.origin}${href.pathname}`).toBe(`${server.url}/publish`);
    expect(Object.fromEntries(href.searchParams)).toEqual({
      customer_id: String(emulator.customerId),
      library: 'ACTIVE',
      ids: folder.id,
      user: 'jsmith',
    });

    expect((await app.cc('/disable', 'POST')).status).toBe(200);
    expect(await contextMenuOf(emulator, cookie, page, folder.id)).not.toHaveProperty(
      'Publish with Lexbridge',
    );
    expect((await app.cc('/enable', 'POST')).status).toBe(200);
    expect(await contextMenuOf(emulator, cookie, page, folder.id)).toHaveProperty('Publish with Lexbridge');
  });

  it('asks to authorise the connector whose server the person came from, and comes back to the same selection', async () => {
    const before = (await (
      await get(
        `/api/publish/sources?customer_id=${emulator.customerId}&from=${encodeURIComponent(`${emulator.url}/work/web`)}`,
        publisher,
      )
    ).json()) as { sources: { connectorId: string; matched: boolean; connection: string }[] };
    expect(before.sources).toEqual([
      expect.objectContaining({ connectorId: imanageId, matched: true, connection: 'unauthorised' }),
    ]);

    // The page puts the iManage origin into its address as `from` (web: features/publish/origin.ts); the return path keeps it.
    const selection = `/publish?customer_id=${emulator.customerId}&library=ACTIVE&ids=${encodeURIComponent(sampleFolder().id)}&user=jsmith&from=${encodeURIComponent(new URL(emulator.url).origin)}`;
    const start = await fetch(
      `${server.url}/api/connectors/${imanageId}/authorise?returnTo=${encodeURIComponent(selection)}`,
      { headers: { cookie: publisher.cookie }, redirect: 'manual' },
    );
    expect(start.status).toBe(302);
    const authorizeUrl = start.headers.get('location')!;
    const form = hiddenFields(await (await fetch(authorizeUrl)).text());
    const signedIn = await fetch(new URL('/auth/oauth2/authorize', authorizeUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...form, username: 'jsmith', password: 'password', action: 'sign_in' }),
      redirect: 'manual',
    });
    const callback = await fetch(signedIn.headers.get('location')!, {
      headers: { cookie: publisher.cookie },
      redirect: 'manual',
    });
    expect(callback.status).toBe(302);
    const landing = new URL(callback.headers.get('location')!, server.url);
    expect(landing.pathname).toBe('/publish');
    expect(Object.fromEntries(landing.searchParams)).toEqual({
      customer_id: String(emulator.customerId),
      library: 'ACTIVE',
      ids: sampleFolder().id,
      user: 'jsmith',
      from: new URL(emulator.url).origin,
      authorised: imanageId,
    });

    // Now the customer id alone finds it, through the account the authorisation recorded.
    const after = (await (
      await get(`/api/publish/sources?customer_id=${emulator.customerId}`, publisher)
    ).json()) as { sources: { matched: boolean; connection: string }[] };
    expect(after.sources).toEqual([expect.objectContaining({ matched: true, connection: 'authorised' })]);
    const elsewhere = (await (await get('/api/publish/sources?customer_id=999', publisher)).json()) as {
      sources: { matched: boolean }[];
    };
    expect(elsewhere.sources).toEqual([expect.objectContaining({ matched: false })]);
  });

  it('with several iManage connectors, puts the one the selection came from first, and offers all when none matches', async () => {
    const other = await createImanageConnector(
      server,
      connectorAdmin,
      { url: 'http://127.0.0.1:9' },
      { clientId: 'other-app', secretKey: 'other-secret' },
    );
    const fromHere = (await (
      await get(`/api/publish/sources?customer_id=${emulator.customerId}`, publisher)
    ).json()) as { sources: { connectorId: string; matched: boolean }[] };
    expect(fromHere.sources.map((s) => [s.connectorId, s.matched])).toEqual([
      [imanageId, true],
      [other.id, false],
    ]);
    const unknown = (await (await get('/api/publish/sources?customer_id=999', publisher)).json()) as {
      sources: { matched: boolean }[];
    };
    expect(unknown.sources.map((s) => s.matched)).toEqual([false, false]);
    // No customer id match (nobody has authorised that account yet): the origin of the iManage page decides.
    const byOrigin = async (from: string) =>
      (
        (await (
          await get(`/api/publish/sources?customer_id=999&from=${encodeURIComponent(from)}`, publisher)
        ).json()) as { sources: { connectorId: string; matched: boolean }[] }
      ).sources.map((s) => [s.connectorId, s.matched]);
    expect(await byOrigin(new URL(emulator.url).origin)).toEqual([
      [imanageId, true],
      [other.id, false],
    ]);
    expect(await byOrigin('http://127.0.0.1:9')).toEqual([
      [other.id, true],
      [imanageId, false],
    ]);
    expect(await byOrigin('https://elsewhere.example')).toEqual(
      expect.arrayContaining([
        [imanageId, false],
        [other.id, false],
      ]),
    );
    const del = await fetch(`${server.url}/api/connectors/${other.id}`, {
      method: 'DELETE',
      headers: connectorAdmin.headers,
    });
    expect(del.status).toBe(200);
  });

  it('shows the selection: names, sizes and what folders hold', async () => {
    const folder = sampleFolder();
    const doc = emulator.store.documentsIn(folder.id)[0]!;
    const versioned = `${doc.library}!${doc.number}.${doc.versions.at(-1)!.version}`;
    const res = await get(
      `/api/publish/selection?connectorId=${imanageId}&ids=${encodeURIComponent(`${folder.id},${versioned}`)}`,
      publisher,
    );
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Record<string, unknown>[] };
    const inside = expectedFiles(folder.id, '');
    const subfolders = (function count(id: string): number {
      return emulator.store.subfolders(id).reduce((n, s) => n + 1 + count(s.id), 0);
    })(folder.id);
    expect(items[0]).toMatchObject({
      id: folder.id,
      kind: 'folder',
      name: folder.name,
      documentCount: Object.keys(inside).length,
      folderCount: subfolders,
      countComplete: true,
      error: null,
    });
    expect(items[1]).toMatchObject({
      id: `${doc.library}!${doc.number}.latest`,
      kind: 'document',
      name: `${doc.name}.${doc.versions.at(-1)!.extension}`,
      size: doc.versions.at(-1)!.size,
      error: null,
    });

    const someoneElse = await signIn(server.lexbridge, { roles: ['User'] });
    const unauthorised = await get(
      `/api/publish/selection?connectorId=${imanageId}&ids=${encodeURIComponent(folder.id)}`,
      someoneElse,
    );
    expect(unauthorised.status).toBe(409);
    expect(((await unauthorised.json()) as { error: { code: string } }).error.code).toBe(
      'connection_not_authorised',
    );
  });
});

describe('publishing', () => {
  it('copies the selected folder to the destination with a result per item, and is an audit event', async () => {
    const folder = sampleFolder();
    const res = await fetch(
      `${server.url}/api/publish/runs`,
      json(publisher, {
        connectorId: imanageId,
        destinationId,
        ids: [folder.id],
        customerId: String(emulator.customerId),
        library: 'ACTIVE',
      }),
    );
    expect(res.status).toBe(202);
    const started = (await res.json()) as { id: string; destinationName: string };
    expect(started.destinationName).toBe('Acme portal');
    const done = await waitForPublish(server, publisher, started.id);
    const expected = expectedFiles(folder.id, folder.name);
    expect(done.run.status).toBe('succeeded');
    expect(await filesUnder(join(portal, 'Acme'))).toEqual(expected);
    expect(done.run.counts.failed).toBe(0);
    const documents = done.items.filter((i: { kind: string }) => i.kind === 'document');
    expect(documents).toHaveLength(Object.keys(expected).length);
    expect(
      documents.every(
        (i: { outcome: string; action: string }) => i.outcome === 'done' && i.action === 'create',
      ),
    ).toBe(true);
    expect(done.run.done).toBe(done.run.planned);

    const events = await server.lexbridge.store.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, 'publish.start'));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      actorUserId: publisher.userId,
      targetId: destinationId,
      details: expect.objectContaining({ runId: started.id, items: [folder.id] }),
    });
  });

  it('publishing again after a new iManage version replaces the file and duplicates nothing', async () => {
    const folder = sampleFolder();
    const doc = emulator.store.documentsIn(folder.id)[0]!;
    emulator.addDocumentVersion(`${doc.library}!${doc.number}`, 'the revised engagement letter');
    const res = await fetch(
      `${server.url}/api/publish/runs`,
      json(publisher, { connectorId: imanageId, destinationId, ids: [folder.id] }),
    );
    const done = await waitForPublish(server, publisher, ((await res.json()) as { id: string }).id);
    expect(done.run.status).toBe('succeeded');
    expect(done.run.counts).toMatchObject({ created: 0, updated: 1, failed: 0 });
    const files = await filesUnder(join(portal, 'Acme'));
    expect(files).toEqual(expectedFiles(folder.id, folder.name));
    expect(files[`${folder.name}/${doc.name}.${doc.versions.at(-1)!.extension}`]).toBe(
      createHash('sha256').update('the revised engagement letter').digest('hex'),
    );
  });

  it('publishes selected documents (with or without a version in their id) straight into the destination', async () => {
    const folder = emulator.store.subfolders(emulator.store.workspacesIn('ACTIVE')[1]!.id)[0]!;
    const [a, b] = emulator.store.documentsIn(folder.id);
    const ids = [`${a!.library}!${a!.number}.${a!.versions.at(-1)!.version}`, `${b!.library}!${b!.number}`];
    const res = await fetch(
      `${server.url}/api/publish/runs`,
      json(publisher, { connectorId: imanageId, destinationId, ids }),
    );
    expect(res.status).toBe(202);
    const done = await waitForPublish(server, publisher, ((await res.json()) as { id: string }).id);
    expect(done.run.status).toBe('succeeded');
    // A versioned id is keyed across versions (LIB!n.latest); a versionless one stays as sent (it
    // could name a folder of the same number) and is found as a document when no container has it.
    expect(done.itemIds).toEqual([`${a!.library}!${a!.number}.latest`, `${b!.library}!${b!.number}`]);
    const files = await filesUnder(join(portal, 'Acme'));
    for (const doc of [a!, b!]) {
      const latest = doc.versions.at(-1)!;
      expect(files[`${doc.name}.${latest.extension}`]).toBe(
        emulator.store.checksum(latest).slice(7).toLowerCase(),
      );
    }
  });

  it("keeps each person's publishes to themselves, and refuses an unknown destination", async () => {
    const mine = (await (await get('/api/publish/runs', publisher)).json()) as { runs: { id: string }[] };
    expect(mine.runs).toHaveLength(3);
    const other = await signIn(server.lexbridge, { roles: ['User'] });
    expect((await get(`/api/publish/runs/${mine.runs[0]!.id}`, other)).status).toBe(404);
    expect(((await (await get('/api/publish/runs', other)).json()) as { runs: unknown[] }).runs).toEqual([]);
    const unknown = await fetch(
      `${server.url}/api/publish/runs`,
      json(publisher, {
        connectorId: imanageId,
        destinationId: '00000000-0000-4000-8000-000000000000',
        ids: [sampleFolder().id],
      }),
    );
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe(
      'publish_destination_not_found',
    );
  });

  it('lets Plugin Users publish but not use workflows, and the publish channel is not listed as a workflow', async () => {
    expect((await get('/api/workflows', publisher)).status).toBe(403);
    const admin = await signIn(server.lexbridge, { roles: ['Admin'] });
    const workflows = (await (await get('/api/workflows', admin)).json()) as
      | { workflows?: unknown[] }
      | unknown[];
    expect(Array.isArray(workflows) ? workflows : workflows.workflows).toEqual([]);
  });

  it('removes the command from the context menu when the application is deleted in Control Center', async () => {
    const folder = sampleFolder();
    const cookie = await emulatorSession(emulator, 'jsmith', 'password');
    const page = `/work/web/workspaces/${encodeURIComponent(folder.workspaceId)}`;
    expect(await contextMenuOf(emulator, cookie, page, folder.id)).toHaveProperty('Publish with Lexbridge');
    expect((await app.cc('', 'DELETE')).status).toBeLessThan(300);
    expect(await contextMenuOf(emulator, cookie, page, folder.id)).not.toHaveProperty(
      'Publish with Lexbridge',
    );
  });

  it('does not count publish channels as workflows when the iManage connector is deleted, and removes them with it', async () => {
    const before = await server.lexbridge.store.db
      .select()
      .from(workflows)
      .where(eq(workflows.type, 'publish'));
    expect(before).toHaveLength(1);
    const res = await fetch(`${server.url}/api/connectors/${imanageId}`, {
      method: 'DELETE',
      headers: connectorAdmin.headers,
    });
    expect(res.status).toBe(200);
    expect(
      await server.lexbridge.store.db.select().from(workflows).where(eq(workflows.type, 'publish')),
    ).toEqual([]);
    expect(((await (await get('/api/publish/runs', publisher)).json()) as { runs: unknown[] }).runs).toEqual(
      [],
    );
  });
});
