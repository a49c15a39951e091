import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { RunningEmulator } from '@lexbridge/imanage-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAccessToken } from '../../src/authorisation/tokens.ts';
import { userAccess } from '../../src/authorisation/user-access.ts';
import { ImanageContentStore } from '../../src/connectors/imanage/content-store.ts';
import { imanageServer } from '../../src/connectors/imanage/server.ts';
import type { ImanageSettings } from '../../src/connectors/imanage/settings.ts';
import {
  openWorkApiClient,
  type RetryPolicy,
  type WorkApiClient,
} from '../../src/connectors/imanage/work-api-client.ts';
import type { StoredConnector } from '../../src/connectors/plugin.ts';
import { loadConnector } from '../../src/connectors/repository.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import {
  authoriseThroughEmulator,
  createImanageConnector,
  startEmulatorFor,
  usePublicUrl,
} from './support.ts';

let server: TestServer;
let emulator: RunningEmulator;
let user: SignedIn;
let connectorId: string;
let client: WorkApiClient;

/** The client on a user's connection, as the iManage plug-in opens it. */
async function openClient(key: { connectorId: string; userId: string }, policy: RetryPolicy) {
  const { connector } = await loadConnector(server.lexbridge, key.connectorId);
  const imanage = imanageServer(server.lexbridge, connector as StoredConnector<ImanageSettings>);
  return openWorkApiClient(imanage, userAccess(server.lexbridge, key), policy);
}

beforeAll(async () => {
  server = await startTestServer();
  usePublicUrl(server);
  emulator = await startEmulatorFor(server, { rotate_refresh_token: true }, [
    { id: 'jsmith', password: 'password', name: 'John Smith', access: { '*': 'full_access' } },
  ]);
  const admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  user = await signIn(server.lexbridge, { roles: ['User'] });
  connectorId = (await createImanageConnector(server, admin, emulator)).id;
  await authoriseThroughEmulator(server, user, connectorId);
  client = await openClient(
    { connectorId, userId: user.userId },
    { attempts: 6, baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 5_000 },
  );
});

afterAll(async () => {
  await emulator?.close();
  await server?.close();
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

describe('the Work API client against the emulator', () => {
  it('reads discovery, libraries, workspaces and folders', async () => {
    expect((await client.discovery()).user?.id).toBe('jsmith');
    const libraries = await client.libraries();
    expect(libraries.map((l) => l.id)).toContain('ACTIVE');
    const workspaces = await client.searchWorkspaces('ACTIVE');
    // Five sample workspaces and the special-items one (shortcuts, saved search, tab, emails).
    expect(workspaces.length).toBe(6);
    const workspace = await client.getWorkspace(workspaces[0]!.id);
    expect(workspace.name).toBe(workspaces[0]!.name);
    const folders = await collect(client.listChildren(workspace.id, { kind: 'workspace' }));
    expect(folders.length).toBe(2);
    expect((await client.getFolder(folders[0]!.id)).id).toBe(folders[0]!.id);
  });

  it('pages children and searches with offset and cursor paging alike', async () => {
    const workspace = (await client.searchWorkspaces('ACTIVE'))[0]!;
    const all = await collect(
      client.searchDocuments(
        'ACTIVE',
        { container_id: workspace.id, include_subtree: true },
        { pageSize: 500 },
      ),
    );
    expect(all.length).toBeGreaterThan(4);
    const byOffset = await collect(
      client.searchDocuments(
        'ACTIVE',
        { container_id: workspace.id, include_subtree: true },
        { pageSize: 2 },
      ),
    );
    const byCursor = await collect(
      client.searchDocuments(
        'ACTIVE',
        { container_id: workspace.id, include_subtree: true },
        { pageSize: 2, paging: 'cursor' },
      ),
    );
    expect(byOffset.map((d) => d.id)).toEqual(all.map((d) => d.id));
    expect(byCursor.map((d) => d.id)).toEqual(all.map((d) => d.id));
    const folder = (await collect(client.listChildren(workspace.id, { kind: 'workspace' })))[0]!;
    // The server ignores offset on /children: paging it would see page one forever, so it is an error.
    await expect(collect(client.listChildren(folder.id, { pageSize: 1 }))).rejects.toMatchObject({
      code: 'connector_error',
      message: expect.stringContaining('whatever the offset'),
    });
    const onePage = await collect(client.listChildren(folder.id));
    expect(onePage.length).toBeGreaterThan(1);
    const recent = await collect(
      client.searchDocuments('ACTIVE', {
        container_id: workspace.id,
        include_subtree: true,
        edit_date_from: '2100-01-01T00:00:00Z',
      }),
    );
    expect(recent).toEqual([]);
  });

  it('streams a download with its size and file name, matching the profile checksum', async () => {
    const workspace = (await client.searchWorkspaces('ACTIVE'))[0]!;
    const doc = (
      await collect(client.searchDocuments('ACTIVE', { container_id: workspace.id, include_subtree: true }))
    )[0]!;
    const profile = await client.getDocument(doc.id);
    const download = await client.download(doc.id);
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of download.stream) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
    expect(download.size).toBe(profile.size);
    expect(bytes).toBe(profile.size);
    expect(download.filename).toContain(String(profile.name));
    expect(`SHA256:${hash.digest('hex')}`.toLowerCase()).toBe(String(profile.checksum).toLowerCase());
  });

  it('uploads, adds a version, creates, renames and deletes folders and documents', async () => {
    const workspace = (await client.searchWorkspaces('ACTIVE'))[0]!;
    const folder = await client.createFolder(workspace.id, { name: 'Lexbridge test' });
    const sub = await client.createSubfolder(folder.id, { name: 'Inner' });
    expect((await client.renameFolder(sub.id, 'Renamed')).name).toBe('Renamed');
    const content = Buffer.from('hello from lexbridge\n'.repeat(1000));
    // A real server requires a class: its 400 reaches the caller as it was said, and is not retried.
    await expect(
      client.uploadDocument(sub.id, {
        name: 'Memo',
        extension: 'txt',
        size: content.length,
        content: () => Readable.from([content]),
      }),
    ).rejects.toMatchObject({
      code: 'connector_error',
      retryable: false,
      message: expect.stringContaining('required field class is missing'),
    });
    const uploaded = await client.uploadDocument(sub.id, {
      name: 'Memo',
      extension: 'txt',
      size: content.length,
      content: () => Readable.from([content]),
      profile: { class: 'DOC' },
    });
    expect(uploaded).toMatchObject({ name: 'Memo', version: 1, size: content.length });
    const v2 = Buffer.from('second version');
    const version = await client.addVersion(uploaded.id, {
      extension: 'txt',
      size: v2.length,
      content: Readable.from([v2]),
      profile: { class: 'DOC' },
    });
    expect(version.version).toBe(2);
    expect((await client.listVersions(uploaded.id)).length).toBe(2);
    const children = await collect(client.listChildren(sub.id));
    expect(children.map((c) => c.name)).toContain('Memo');
    // A versionless document id is 404 on a real server: every document call names a version.
    await expect(client.getDocument(version.id.replace(/\.\d+$/, ''))).rejects.toMatchObject({
      code: 'connector_item_not_found',
    });
    await client.deleteDocument(version.id);
    await client.deleteFolder(sub.id);
    await expect(client.getFolder(sub.id)).rejects.toMatchObject({ code: 'connector_item_not_found' });
  });

  it('renews the token once on 401 and carries on', async () => {
    const { accessToken } = await getAccessToken(server.lexbridge, { connectorId, userId: user.userId });
    emulator.tokens.revokeAccessToken(accessToken);
    expect((await client.libraries()).length).toBeGreaterThan(0);
    const after = await getAccessToken(server.lexbridge, { connectorId, userId: user.userId });
    expect(after.accessToken).not.toBe(accessToken);
  });

  it('waits out 429 with Retry-After and retries transient 503s', async () => {
    emulator.faults = { rateLimitAfter: 2, rateLimitWindowSeconds: 1 };
    try {
      const results = await Promise.all(Array.from({ length: 5 }, () => client.libraries()));
      expect(results.every((r) => r.length > 0)).toBe(true);
    } finally {
      emulator.faults = {};
    }
    emulator.faults = { errorRate: 0.5, errorStatus: 503, seed: 3 };
    try {
      for (let i = 0; i < 6; i++) expect((await client.libraries()).length).toBeGreaterThan(0);
    } finally {
      emulator.faults = {};
    }
  });

  it('reports a Retry-After longer than allowed as connector_rate_limited', async () => {
    const strict = await openClient(
      { connectorId, userId: user.userId },
      { attempts: 3, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 100 },
    );
    emulator.faults = { rateLimitAfter: 0, rateLimitWindowSeconds: 30 };
    try {
      await expect(strict.libraries()).rejects.toMatchObject({ code: 'connector_rate_limited' });
    } finally {
      emulator.faults = {};
    }
  });
});

describe('the iManage content store against the emulator', () => {
  it("fills each document's metadata from its profile and writes another system's facts into the profile comment", async () => {
    const store = new ImanageContentStore(client);
    const folder = emulator.store.subfolders(emulator.store.workspacesIn('ACTIVE')[0]!.id)[0]!;
    const listed = await collect(store.listChildren(folder.id));
    const document = listed.find((item) => item.kind === 'document')!;
    const record = emulator.store
      .documentsIn(folder.id)
      .find((d) => `${d.library}!${d.number}.latest` === document.id)!;
    expect(document.metadata).toEqual({
      author: expect.any(String),
      modifiedBy: expect.any(String),
      number: `${record.library}!${record.number}`,
      version: String(record.versions.length),
      system: 'iManage',
    });

    const from = { system: 'SharePoint', author: 'Adele Vance', modifiedBy: 'Alex Wilber' };
    const written = await store.writeDocument(
      folder.id,
      'Board minutes.docx',
      Readable.from([Buffer.from('minutes')]),
      {
        metadata: from,
      },
    );
    const minutes = emulator.store.documentsIn(folder.id).find((d) => d.name === 'Board minutes')!;
    expect(minutes.versions[0]!.comment).toBe('From SharePoint: author Adele Vance, modified by Alex Wilber');
    const long = await store.writeDocument(folder.id, 'Long.docx', Readable.from([Buffer.from('long')]), {
      metadata: { system: 'SharePoint', author: 'A'.repeat(400) },
    });
    expect(
      emulator.store.documentsIn(folder.id).find((d) => d.name === 'Long')!.versions[0]!.comment,
    ).toHaveLength(254);
    // A version written for a two-way conflict says so.
    await store.writeDocument(
      folder.id,
      'Board minutes.docx',
      Readable.from([Buffer.from('minutes, amended')]),
      {
        existingId: written.item.id,
        asNewVersion: true,
        comment: 'Changed in both systems since the last sync; this is the SharePoint copy',
      },
    );
    expect(minutes.versions[1]!.comment).toBe(
      'Changed in both systems since the last sync; this is the SharePoint copy',
    );
    await store.delete(written.item);
    await store.delete(long.item);
  });
});
