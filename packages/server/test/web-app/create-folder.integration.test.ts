import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectors } from '../../src/store/schema.ts';
import { apiCaller } from '../support/api.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createRoot } from '../workflows/helpers.ts';

// The folder picker's "New folder" (POST /api/workflows/locations): the name is checked on the
// server with a stable code, the folder appears in the listing at once, and the server decides who
// may: the connector's May write for a local folder, the person's own authorisation for a system
// that has one, and only Connector Admins when choosing a publish destination.

let server: TestServer;
let root: string;
let user: SignedIn;
let reader: SignedIn;
let connectorAdmin: SignedIn;
let folder: { id: string; path: string };

const call = apiCaller(() => server.url);

beforeAll(async () => {
  root = await createRoot();
  server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root } });
  user = await signIn(server.lexbridge, { roles: ['User'], email: 'writer@firm.test' });
  reader = await signIn(server.lexbridge, { roles: ['User'], email: 'reader@firm.test' });
  connectorAdmin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  const path = join(root, 'office');
  await mkdir(join(path, 'Matters'), { recursive: true });
  const id = randomUUID();
  await server.lexbridge.store.db.insert(connectors).values({
    id,
    type: 'local-folder',
    name: 'Office share',
    config: { path, mayRead: ['User'], mayWrite: ['writer@firm.test'] },
  });
  folder = { id, path };
});

afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

const create = (who: SignedIn, name: string, extra: Record<string, unknown> = {}) =>
  call<{ id: string; name: string; kind: string; error?: { code: string; message: string } }>(
    who,
    'POST',
    '/api/workflows/locations',
    { connectorId: folder.id, parentId: 'Matters', name, ...extra },
  );

describe('POST /api/workflows/locations (new folder)', () => {
  it('creates the folder for someone who may write, and the listing shows it at once', async () => {
    const res = await create(user, 'Acme 2026');
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: 'Matters/Acme 2026', name: 'Acme 2026', kind: 'folder' });
    expect((await stat(join(folder.path, 'Matters', 'Acme 2026'))).isDirectory()).toBe(true);
    const listing = await call<{ children: { name: string }[] }>(
      user,
      'GET',
      `/api/workflows/locations?connectorId=${folder.id}&id=Matters`,
    );
    expect(listing.body.children.map((c) => c.name)).toEqual(['Acme 2026']);
  });

  it('refuses a name that is already there with folder_exists', async () => {
    const res = await create(user, 'Acme 2026');
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('folder_exists');
  });

  it.each([
    ['', 'Enter a name'],
    ['  ', 'Enter a name'],
    ['a/b', '“/” cannot be in a folder name'],
    ['what?', '“?” cannot be in a folder name'],
    ['trailing.', 'spaces or dots at the start or end'],
    [' leading', 'spaces or dots at the start or end'],
    ['..', 'not only dots'],
    ['tab\there', 'control characters'],
    ['x'.repeat(201), 'at most 200'],
  ])('refuses the name %j with folder_name_invalid (%s)', async (name, says) => {
    const res = await create(user, name);
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('folder_name_invalid');
    expect(res.body.error?.message).toContain(says);
  });

  it('refuses someone the connector lets read but not write, and writes nothing', async () => {
    const res = await create(reader, 'Not mine');
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe('folder_create_denied');
    await expect(stat(join(folder.path, 'Matters', 'Not mine'))).rejects.toThrow();
  });

  it('lets only Connector Admins create folders for a publish destination', async () => {
    const refused = await create(user, 'Portal', { forPublishDestination: true });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.code).toBe('folder_create_denied');
    const made = await create(connectorAdmin, 'Portal', { forPublishDestination: true });
    expect(made.status).toBe(201);
  });

  it("goes through the person's own authorisation: none yet, no folder", async () => {
    const id = randomUUID();
    await server.lexbridge.store.db.insert(connectors).values({
      id,
      type: 'imanage-onprem',
      name: 'iManage',
      config: { serverAddress: 'http://127.0.0.1:9', clientId: 'x', scope: 'user' },
    });
    const res = await call<{ error: { code: string; message: string } }>(
      user,
      'POST',
      '/api/workflows/locations',
      {
        connectorId: id,
        parentId: 'ACTIVE!1',
        name: 'New',
      },
    );
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('workflow_location_unavailable');
    expect(res.body.error.message).toContain('You have not authorised "iManage"');
  });

  it('is refused to a PluginUser by role', async () => {
    const plugin = await signIn(server.lexbridge, { roles: ['PluginUser'] });
    const res = await create(plugin, 'Nope');
    expect(res.status).toBe(403);
  });
});
