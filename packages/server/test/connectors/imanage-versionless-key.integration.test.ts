import type { RunningEmulator } from '@lexbridge/imanage-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userAccess } from '../../src/authorisation/user-access.ts';
import { ImanageContentStore } from '../../src/connectors/imanage/content-store.ts';
import { imanageServer } from '../../src/connectors/imanage/server.ts';
import type { ImanageSettings } from '../../src/connectors/imanage/settings.ts';
import { openWorkApiClient, type WorkApiClient } from '../../src/connectors/imanage/work-api-client.ts';
import type { StoredConnector } from '../../src/connectors/plugin.ts';
import { loadConnector } from '../../src/connectors/repository.ts';
import { signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import {
  authoriseThroughEmulator,
  createImanageConnector,
  startEmulatorFor,
  usePublicUrl,
} from './support.ts';

/**
 * A document keyed without its version (`LIB!n.latest`, or `LIB!n` as a selection sends it) is
 * looked up at its latest version, also when version 1 was deleted in iManage: the strict server
 * answers 404 for `LIB!n.1` and for `LIB!n`, so the key must be resolved another way.
 */
let server: TestServer;
let emulator: RunningEmulator;
let client: WorkApiClient;
/** A document with versions 2 and 3 only (version 1 deleted), whose number is no folder's. */
let base: string;

beforeAll(async () => {
  server = await startTestServer();
  usePublicUrl(server);
  emulator = await startEmulatorFor(server, {}, [
    { id: 'jsmith', password: 'password', name: 'John Smith', access: { '*': 'full_access' } },
  ]);
  const admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  const user = await signIn(server.lexbridge, { roles: ['User'] });
  const connectorId = (await createImanageConnector(server, admin, emulator)).id;
  await authoriseThroughEmulator(server, user, connectorId);
  const { connector } = await loadConnector(server.lexbridge, connectorId);
  client = await openWorkApiClient(
    imanageServer(server.lexbridge, connector as StoredConnector<ImanageSettings>),
    userAccess(server.lexbridge, { connectorId, userId: user.userId }),
  );
  const document = [...emulator.store.documents.values()].find(
    (d) => d.versions.length === 1 && !emulator.store.containers.has(`${d.library}!${d.number}`),
  )!;
  base = `${document.library}!${document.number}`;
  emulator.addDocumentVersion(`${base}.1`, 'second version');
  emulator.addDocumentVersion(`${base}.1`, 'third version, the latest');
  emulator.deleteDocumentVersion(`${base}.1`);
  // Past the search index's lag, as a document edited a while ago is.
  emulator.clock.advance(60_000);
});

afterAll(async () => {
  await emulator?.close();
  await server?.close();
});

describe('a document whose version 1 was deleted', () => {
  it('is found by its key at its latest version, and reads the latest bytes', async () => {
    const store = new ImanageContentStore(client);
    const item = await store.getItem(`${base}.latest`);
    expect(item).toMatchObject({ id: `${base}.latest`, kind: 'document', version: '3' });
    const fresh = new ImanageContentStore(client);
    const { version: _known, ...keyOnly } = item;
    const { stream } = await fresh.openRead(keyOnly);
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('third version, the latest');
    expect((await fresh.listVersions(item)).map((v) => v.version)).toEqual(['2', '3']);
  });

  it('is found by its versionless id as a selection sends it', async () => {
    const item = await new ImanageContentStore(client).getItem(base);
    expect(item).toMatchObject({ id: `${base}.latest`, kind: 'document', version: '3' });
  });

  it('is still not found once the whole document is deleted', async () => {
    emulator.store.deleteDocument(`${base}.2`);
    await expect(new ImanageContentStore(client).getItem(`${base}.latest`)).rejects.toMatchObject({
      code: 'content_not_found',
    });
  });
});
