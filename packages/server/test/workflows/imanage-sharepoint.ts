import { rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { RoleName } from '@lexbridge/contracts';
import { quickXorHash } from '@lexbridge/graph-emulator';
import type { RunningEmulator } from '@lexbridge/imanage-emulator';
import { openContent } from '@lexbridge/imanage-emulator/content.ts';
import {
  alex,
  authoriseAt,
  connectorConfig,
  createSharepointConnector,
  startGraphFor,
  type TestGraph,
} from '../connectors/sharepoint/graph.ts';
import {
  authoriseThroughEmulator,
  createImanageConnector,
  startEmulatorFor,
  usePublicUrl,
} from '../connectors/support.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createRoot } from './helpers.ts';

/**
 * One Lexbridge, the iManage emulator and the Graph emulator (https, its CA in the connector), each
 * over real HTTP, with an iManage and a SharePoint connector that `user` has authorised (as jsmith
 * and alex.wilber): the ground for the iManage ↔ SharePoint workflow and publishing suites.
 */
export interface Both {
  server: TestServer;
  imanage: RunningEmulator;
  graph: TestGraph;
  admin: SignedIn;
  user: SignedIn;
  imanageId: string;
  sharepointId: string;
  close(): Promise<void>;
}

export async function startBoth(options: { workers?: boolean; roles?: RoleName[] } = {}): Promise<Both> {
  const root = await createRoot();
  const server = await startTestServer({
    env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root },
    ...(options.workers ? { workers: true } : {}),
  });
  usePublicUrl(server);
  const imanage = await startEmulatorFor(server, {}, [
    { id: 'jsmith', password: 'password', name: 'John Smith', access: { '*': 'full_access' } },
  ]);
  const graph = await startGraphFor(server);
  const admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  const user = await signIn(server.lexbridge, { roles: options.roles ?? ['User'] });
  const imanageId = (await createImanageConnector(server, admin, imanage)).id;
  const created = await createSharepointConnector(server, admin, connectorConfig(graph));
  const sharepointId = created.body.id as string;
  await authoriseThroughEmulator(server, user, imanageId);
  const trip = await authoriseAt(server, graph, user, sharepointId, alex);
  if (trip.landing !== `/connectors?authorised=${sharepointId}`)
    throw new Error(`SharePoint authorise: ${JSON.stringify(trip)}`);
  return {
    server,
    imanage,
    graph,
    admin,
    user,
    imanageId,
    sharepointId,
    async close() {
      await graph.stop();
      await imanage.close();
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** A library (or a Teams channel's files folder) of a seeded site, as the connector names it. */
export function libraryOf(graph: TestGraph, siteName: string, driveName: string) {
  const site = [...graph.store.sites.values()].find((s) => s.name === siteName);
  const drive = site?.driveIds.map((id) => graph.store.drive(id)).find((d) => d.name === driveName);
  if (!drive) throw new Error(`no library ${driveName} on ${siteName}`);
  return { drive, root: graph.store.item(drive.id, drive.rootId) };
}

export type Fingerprints = Record<string, { size: number; quickXorHash: string }>;

/** Every current file under a SharePoint folder: relative path → size and Graph's quickXorHash. */
export function sharepointFiles(graph: TestGraph, driveId: string, folderId: string): Fingerprints {
  const folder = graph.store.item(driveId, folderId);
  const base = graph.store.pathOf(folder);
  const out: Fingerprints = {};
  for (const item of graph.store.subtree(folder)) {
    const current = item.versions.at(-1);
    if (item.kind !== 'file' || !current) continue;
    out[graph.store.pathOf(item).slice(base.length + 1)] = {
      size: current.size,
      quickXorHash: current.quickXorHash,
    };
  }
  return out;
}

async function bytesOf(content: Readable | Buffer): Promise<Buffer> {
  if (Buffer.isBuffer(content)) return content;
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Every document under an iManage folder (latest version): relative path "name.ext" → its size and
 * the quickXorHash of its bytes, computed here by the Graph emulator's own implementation.
 */
export async function imanageFiles(
  emulator: RunningEmulator,
  folderId: string,
  prefix = '',
): Promise<Fingerprints> {
  const out: Fingerprints = {};
  for (const document of emulator.store.documentsIn(folderId)) {
    const version = document.versions.at(-1);
    if (!version) continue;
    const bytes = await bytesOf(openContent(version.content));
    const name = version.extension ? `${document.name}.${version.extension}` : document.name;
    out[`${prefix}${name}`] = { size: bytes.length, quickXorHash: quickXorHash(bytes) };
  }
  for (const folder of emulator.store.subfolders(folderId))
    Object.assign(out, await imanageFiles(emulator, folder.id, `${prefix}${folder.name}/`));
  return out;
}

/** The connector's location id of a SharePoint folder, found through the folder browser API. */
export async function browseTo(both: Both, path: string[]): Promise<string> {
  let id = '';
  for (const name of path) {
    const query = new URLSearchParams({ connectorId: both.sharepointId, id });
    const res = await fetch(`${both.server.url}/api/workflows/locations?${query}`, {
      headers: both.user.headers,
    });
    const body = (await res.json()) as { children?: { id: string; name: string }[] };
    const found = body.children?.find((c) => c.name === name);
    if (!found) throw new Error(`no "${name}" at "${id}": ${res.status} ${JSON.stringify(body)}`);
    id = found.id;
  }
  return id;
}
