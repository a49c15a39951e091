import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../../support/lexbridge.ts';
import { createLocalConnector, createRoot } from '../../workflows/helpers.ts';
import { usePublicUrl } from '../support.ts';
import {
  alex,
  authoriseAt,
  connectorConfig,
  createSharepointConnector,
  startGraphFor,
  type TestGraph,
} from './graph.ts';

/**
 * A document library's path names its site ("SharePoint / Matter 1001 - Acme v Globex / Documents"),
 * so two sites' "Documents" libraries read differently in the folder browser, in pre-flight messages
 * and in a workflow's locations. Graph names the site of a drive in the drive's `sharepointIds`
 * (asked for with $select), which the emulator returns as SharePoint Online does.
 */
let server: TestServer;
let graph: TestGraph;
let user: SignedIn;
let root: string;
let connectorId: string;

async function browse(id: string) {
  const query = new URLSearchParams({ connectorId, id });
  const res = await fetch(`${server.url}/api/workflows/locations?${query}`, { headers: user.headers });
  const body = (await res.json()) as {
    children: { id: string; name: string }[];
    ancestors: { name: string }[];
  };
  if (res.status !== 200) throw new Error(`locations answered ${res.status}: ${JSON.stringify(body)}`);
  return body;
}

const childId = async (id: string, name: string) => {
  const found = (await browse(id)).children.find((c) => c.name === name);
  if (!found) throw new Error(`no "${name}" in ${id}`);
  return found.id;
};

const library = async (site: string) => childId(await childId('sites:followed', site), 'Documents');

async function graphGet(path: string) {
  const app = graph.store.apps.get(graph.app.clientId)!;
  const { token } = graph.tokens.issueAccessToken(
    app,
    graph.store.findUser(alex)!,
    ['Files.ReadWrite.All'],
    graph.graphUrl,
  );
  const res = await graph.fetch(`${graph.graphUrl}${path}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  return (await res.json()) as Record<string, unknown>;
}

beforeAll(async () => {
  root = await createRoot();
  server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root } });
  usePublicUrl(server);
  graph = await startGraphFor(server);
  const admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  user = await signIn(server.lexbridge, { roles: ['User'] });
  connectorId = (await createSharepointConnector(server, admin, connectorConfig(graph))).body.id as string;
  const trip = await authoriseAt(server, graph, user, connectorId);
  if (trip.landing !== `/connectors?authorised=${connectorId}`)
    throw new Error(`authorise: ${JSON.stringify(trip)}`);
});

afterAll(async () => {
  await graph?.stop();
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

describe('SharePoint library paths', () => {
  it("the emulator names a drive's site in sharepointIds, only when $select asks for it", async () => {
    const driveId = (await library('Matter 1001 - Acme v Globex')).split('/')[0]!;
    const drive = graph.store.drive(driveId);
    const site = graph.store.site(drive.siteId);
    const [host, siteId, webId] = site.id.split(',');
    expect(await graphGet(`/drives/${driveId}?$select=id,sharepointIds`)).toEqual({
      id: driveId,
      sharepointIds: { listId: drive.listId, siteId, siteUrl: site.webUrl, tenantId: site.tenantId, webId },
    });
    expect(new URL(site.webUrl).hostname).toBe(host);
    expect(await graphGet(`/drives/${driveId}`)).not.toHaveProperty('sharepointIds');
  });

  it('names the site between the connector and the library, in the browser and in a workflow', async () => {
    const acme = await library('Matter 1001 - Acme v Globex');
    const northwind = await library('Matter 1002 - Northwind acquisition');
    expect((await browse(acme)).ancestors.map((a) => a.name)).toEqual([
      'SharePoint',
      'Matter 1001 - Acme v Globex',
    ]);
    const target = await createLocalConnector(server.lexbridge, root, 'sp-paths');
    const res = await fetch(`${server.url}/api/workflows`, {
      method: 'POST',
      headers: { ...user.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'Acme library',
        type: 'copy',
        source: { connectorId, id: acme },
        target: { connectorId: target.id, id: '' },
      }),
    });
    const body = (await res.json()) as { source: { path: string } };
    expect(res.status, JSON.stringify(body)).toBe(201);
    expect(body.source.path).toBe('SharePoint / Matter 1001 - Acme v Globex / Documents');
    // Alex may only read Northwind's site: the pre-flight message names which "Documents" it means.
    const refused = await fetch(`${server.url}/api/workflows/preflight`, {
      method: 'POST',
      headers: { ...user.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        source: { connectorId: target.id, id: '' },
        target: { connectorId, id: northwind },
      }),
    });
    expect(await refused.text()).toContain(
      'You may not add items to \\"SharePoint / Matter 1002 - Northwind acquisition / Documents\\"',
    );
  });
});
