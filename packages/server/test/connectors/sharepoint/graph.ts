import { quickXorHash, type RunningGraphEmulator, startGraphEmulator } from '@lexbridge/graph-emulator';
import type { DriveItem } from '@lexbridge/graph-emulator/model.ts';
import { ItemChanges } from '@lexbridge/graph-emulator/store/items.ts';
import { Agent, fetch as undiciFetch } from 'undici';
import type { SignedIn, TestServer } from '../../support/lexbridge.ts';
import { hiddenFields } from '../support.ts';

/**
 * The Graph emulator for the SharePoint suites: https with its own CA (trusted by the connector's
 * CA-bundle setting, and here by an undici Agent), the demo app registered with this server's
 * redirect URL, and the sign-in page driven with fetch.
 */
export interface TestGraph extends RunningGraphEmulator {
  fetch: typeof undiciFetch;
  stop(): Promise<void>;
}

export const alex = 'alex.wilber@contoso.onmicrosoft.com';
export const debra = 'debra.berger@contoso.onmicrosoft.com';

export async function startGraphFor(server: TestServer): Promise<TestGraph> {
  const graph = await startGraphEmulator({
    port: 0,
    seed: 3,
    redirectUris: [`${server.url}/api/connectors/authorised`],
  });
  const agent = new Agent({ connect: { ca: graph.caPem } });
  return Object.assign(graph, {
    fetch: ((url: string, init = {}) =>
      undiciFetch(url, { dispatcher: agent, ...init })) as typeof undiciFetch,
    async stop() {
      await graph.close();
      await agent.close();
    },
  });
}

/** The connector form's values for the emulator (the explicit host pair, its CA). */
export function connectorConfig(graph: TestGraph, overrides: Record<string, unknown> = {}) {
  return {
    clientId: graph.app.clientId,
    secretKey: graph.app.secret,
    tenantId: graph.tenantId,
    signInHost: graph.loginUrl,
    graphHost: graph.loginUrl,
    caBundle: graph.caPem,
    ...overrides,
  };
}

export async function createSharepointConnector(
  server: TestServer,
  admin: SignedIn,
  config: Record<string, unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/api/connectors`, {
    method: 'POST',
    headers: { ...admin.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'sharepoint', name: 'SharePoint', config }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/**
 * GET /authorise, the emulator's sign-in page (posted with the person's password), then our callback.
 * Returns where the callback sent the browser, or the sign-in page's text when Entra stayed on it.
 */
export async function authoriseAt(
  server: TestServer,
  graph: TestGraph,
  user: SignedIn,
  connectorId: string,
  login = alex,
): Promise<{ landing?: string; page?: string; authorizeUrl: URL }> {
  const start = await fetch(`${server.url}/api/connectors/${connectorId}/authorise`, {
    headers: { cookie: user.cookie },
    redirect: 'manual',
  });
  if (start.status !== 302) throw new Error(`authorise answered ${start.status}: ${await start.text()}`);
  const authorizeUrl = new URL(start.headers.get('location') ?? '');
  const form = await graph.fetch(authorizeUrl.href, { redirect: 'manual' });
  const formText = await form.text();
  if (form.status !== 200) return { page: formText, authorizeUrl };
  const posted = await graph.fetch(authorizeUrl.href.split('?')[0] ?? '', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...hiddenFields(formText), login, passwd: graph.password }).toString(),
    redirect: 'manual',
  });
  if (posted.status !== 302) return { page: await posted.text(), authorizeUrl };
  const callback = await fetch(posted.headers.get('location') ?? '', {
    headers: { cookie: user.cookie },
    redirect: 'manual',
  });
  return { landing: callback.headers.get('location') ?? '', authorizeUrl };
}

/**
 * Puts a file into a drive's folder as `upn` would through Graph (a new item, or a new version of one
 * with that name), for content a test needs in SharePoint before a run: `parentId` "root" is the drive's root.
 */
export async function putFile(
  graph: TestGraph,
  at: { driveId: string; parentId: string },
  name: string,
  bytes: Buffer,
  upn = alex,
): Promise<DriveItem> {
  const drive = graph.store.drive(at.driveId);
  const parent = graph.store.item(drive.id, at.parentId === 'root' ? drive.rootId : at.parentId);
  const blobId = await graph.store.blobs.putBytes(bytes);
  const content = {
    blobId,
    size: bytes.length,
    quickXorHash: quickXorHash(bytes),
    mimeType: 'application/octet-stream',
  };
  return new ItemChanges(graph.store).putFile(parent, name, content, graph.store.findUser(upn)!, 'fail').item;
}

/** Creates a folder in a drive's folder as `upn` would ("root" is the drive's root). */
export function putFolder(
  graph: TestGraph,
  at: { driveId: string; parentId: string },
  name: string,
  upn = alex,
): DriveItem {
  const drive = graph.store.drive(at.driveId);
  const parent = graph.store.item(drive.id, at.parentId === 'root' ? drive.rootId : at.parentId);
  return new ItemChanges(graph.store).createFolder(parent, name, graph.store.findUser(upn)!, 'fail');
}
