import { rm } from 'node:fs/promises';
import { afterAll, beforeAll } from 'vitest';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../../support/lexbridge.ts';
import { createRoot } from '../../workflows/helpers.ts';
import { usePublicUrl } from '../support.ts';
import {
  authoriseAt,
  connectorConfig,
  createSharepointConnector,
  startGraphFor,
  type TestGraph,
} from './graph.ts';

/** What useGraphLexbridge sets up; filled in by its beforeAll. */
export interface GraphLexbridge {
  server: TestServer;
  graph: TestGraph;
  /** A User who authorised the SharePoint connector at the emulator's sign-in page (as alex). */
  user: SignedIn;
  /** The only local-folder root the server allows. */
  root: string;
  /** The SharePoint connector, pointed at the emulator. */
  connectorId: string;
}

/** A folder of the connector as the folder browser answers it (GET /api/workflows/locations). */
export interface Locations {
  children: { id: string; name: string }[];
  ancestors: { name: string }[];
  holdsDocuments: boolean;
  siteSearch?: { label: string; folderId: string };
}

/**
 * A Lexbridge server (local folders under a fresh root) and a Graph emulator over https, with a
 * SharePoint connector a User has authorised; closed down after the calling file's tests.
 */
export function useGraphLexbridge(): GraphLexbridge {
  const context = {} as GraphLexbridge;
  beforeAll(async () => {
    context.root = await createRoot();
    context.server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: context.root } });
    usePublicUrl(context.server);
    context.graph = await startGraphFor(context.server);
    const admin = await signIn(context.server.lexbridge, { roles: ['ConnectorAdmin'] });
    context.user = await signIn(context.server.lexbridge, { roles: ['User'] });
    const created = await createSharepointConnector(context.server, admin, connectorConfig(context.graph));
    context.connectorId = created.body.id as string;
    const trip = await authoriseAt(context.server, context.graph, context.user, context.connectorId);
    if (trip.landing !== `/connectors?authorised=${context.connectorId}`)
      throw new Error(`authorise: ${JSON.stringify(trip)}`);
  });
  afterAll(async () => {
    await context.graph?.stop();
    await context.server?.close();
    if (context.root) await rm(context.root, { recursive: true, force: true });
  });
  return context;
}

/** Browsing the connector's folders as its authorised User: a folder's answer, and a child by name. */
export function folderBrowser(context: GraphLexbridge) {
  const browse = async (id: string): Promise<Locations> => {
    const query = new URLSearchParams({ connectorId: context.connectorId, id });
    const res = await fetch(`${context.server.url}/api/workflows/locations?${query}`, {
      headers: context.user.headers,
    });
    const body = (await res.json()) as Locations;
    if (res.status !== 200) throw new Error(`locations answered ${res.status}: ${JSON.stringify(body)}`);
    return body;
  };
  const childId = async (id: string, name: string): Promise<string> => {
    const found = (await browse(id)).children.find((c) => c.name === name);
    if (!found) throw new Error(`no "${name}" in ${id}`);
    return found.id;
  };
  return { browse, childId };
}
