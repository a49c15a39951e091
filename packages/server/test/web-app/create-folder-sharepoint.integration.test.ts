import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authoriseAt,
  connectorConfig,
  createSharepointConnector,
  startGraphFor,
  type TestGraph,
} from '../connectors/sharepoint/graph.ts';
import { usePublicUrl } from '../connectors/support.ts';
import { apiCaller } from '../support/api.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';

// "New folder" through a system with per-user authorisation: the folder is made in SharePoint with
// the person's own token (the Graph emulator records who made it), and the browser's virtual
// folders (the top, the site lists), which hold no documents, are refused with folder_create_denied.

let server: TestServer;
let graph: TestGraph;
let user: SignedIn;
let other: SignedIn;
let connectorId: string;
const call = apiCaller(() => server.url);

beforeAll(async () => {
  server = await startTestServer();
  usePublicUrl(server);
  graph = await startGraphFor(server);
  const admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  user = await signIn(server.lexbridge, { roles: ['User'] });
  other = await signIn(server.lexbridge, { roles: ['User'] });
  connectorId = (await createSharepointConnector(server, admin, connectorConfig(graph))).body.id as string;
  const trip = await authoriseAt(server, graph, user, connectorId);
  if (trip.landing !== `/connectors?authorised=${connectorId}`)
    throw new Error(`authorise: ${JSON.stringify(trip)}`);
});

afterAll(async () => {
  await graph?.stop();
  await server?.close();
});

const browse = async (id: string) =>
  (
    await call<{ children: { id: string; name: string }[] }>(
      user,
      'GET',
      `/api/workflows/locations?${new URLSearchParams({ connectorId, id })}`,
    )
  ).body.children;

const create = (who: SignedIn, parentId: string, name: string) =>
  call<{ id: string; name: string; error?: { code: string } }>(who, 'POST', '/api/workflows/locations', {
    connectorId,
    parentId,
    name,
  });

describe('New folder in SharePoint', () => {
  it("creates the folder with the person's own authorisation, listed at once", async () => {
    const oneDrive = (await browse('')).find((c) => c.name === 'My OneDrive')!;
    const made = await create(user, oneDrive.id, 'Acme 2026');
    expect(made.status).toBe(201);
    expect(made.body.name).toBe('Acme 2026');
    const [driveId, itemId] = made.body.id.split('/') as [string, string];
    expect(graph.store.item(driveId, itemId).createdBy.email).toBe('alex.wilber@contoso.onmicrosoft.com');
    expect((await browse(oneDrive.id)).map((c) => c.name)).toContain('Acme 2026');
    const again = await create(user, oneDrive.id, 'Acme 2026');
    expect(again.body.error?.code).toBe('folder_exists');
  });

  it('refuses the virtual folders above the libraries', async () => {
    for (const parent of ['', 'sites:followed']) {
      const res = await create(user, parent, 'Nope');
      expect(res.status).toBe(403);
      expect(res.body.error?.code).toBe('folder_create_denied');
    }
  });

  it('refuses someone who has not authorised the connector', async () => {
    const res = await create(other, '', 'Nope');
    expect(res.status).toBe(422);
    expect(res.body.error?.code).toBe('workflow_location_unavailable');
  });
});
