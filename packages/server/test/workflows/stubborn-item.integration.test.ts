import { randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications, runItems, workflowRuns } from '../../src/store/schema.ts';
import { performRun } from '../../src/workflows/runs.ts';
import { createWorkflow } from '../../src/workflows/service.ts';
import {
  authoriseAt,
  connectorConfig,
  createSharepointConnector,
  putFile,
  putFolder,
  startGraphFor,
  type TestGraph,
} from '../connectors/sharepoint/graph.ts';
import { usePublicUrl } from '../connectors/support.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createLocalConnector, createRoot } from './helpers.ts';

/**
 * One document whose download the host always cuts off, while SharePoint answers everything else
 * (the Graph emulator drops every download with a body; the other documents are empty, so theirs
 * get through). The connection drop looks like an outage, but the system answers the probe: the
 * document must be tried a bounded number of times and recorded as failed, not sent round the
 * outage handling again and again, and the rest of the run must be done.
 */
let server: TestServer;
let graph: TestGraph;
let user: SignedIn;
let root: string;
let connectorId: string;

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

async function childId(id: string, name: string): Promise<string> {
  const query = new URLSearchParams({ connectorId, id });
  const res = await fetch(`${server.url}/api/workflows/locations?${query}`, { headers: user.headers });
  const body = (await res.json()) as { children: { id: string; name: string }[] };
  const found = body.children?.find((c) => c.name === name);
  if (!found) throw new Error(`no "${name}" in ${id}: ${JSON.stringify(body)}`);
  return found.id;
}

async function droppedDownloads(): Promise<number> {
  const res = await graph.fetch(`${graph.loginUrl}/__emulator/faults`);
  return ((await res.json()) as { droppedDownloads: number }).droppedDownloads;
}

/** Short waits, and the notice of a wait due at once: any wait for SharePoint leaves a notification. */
const outage = { threshold: 3, probeDelayMs: 100, maxProbeDelayMs: 400, maxWaitMs: 60_000, noticeAfterMs: 0 };

describe('one document whose download is always cut off, while SharePoint answers', () => {
  it('is tried a bounded number of times and recorded as failed; the rest is done and the run never waits', async () => {
    const matter = await childId('sites:followed', 'Matter 1001 - Acme v Globex');
    const [driveId] = (await childId(matter, 'Documents')).split('/') as [string];
    const folder = putFolder(graph, { driveId, parentId: 'root' }, 'Stubborn');
    await putFile(graph, { driveId, parentId: folder.id }, 'cut.bin', randomBytes(64 * 1024));
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'd.txt'])
      await putFile(graph, { driveId, parentId: folder.id }, name, Buffer.alloc(0));
    const cuts = graph.addFault({ kind: 'dropDownload', count: 100_000, path: '/download/' });
    const before = await droppedDownloads();

    const target = await createLocalConnector(server.lexbridge, root, 'stubborn');
    const { run } = await createWorkflow(
      server.lexbridge,
      { id: user.userId, roles: ['User'] },
      {
        name: 'stubborn',
        type: 'copy',
        source: { connectorId, id: `${driveId}/${folder.id}` },
        target: { connectorId: target.id, id: '' },
      },
    );
    const final = await performRun(server.lexbridge, run!.id, { log: server.lexbridge.log, outage });

    const { db } = server.lexbridge.store;
    const items = await db.select().from(runItems).where(eq(runItems.runId, run!.id));
    const waits = (await db.select().from(notifications).where(eq(notifications.type, 'run.waiting'))).filter(
      (n) => (n.facts as { runId?: string }).runId === run!.id,
    );
    // Twice the item's normal 5 attempts (tried again once after SharePoint answered the probe), each
    // a download and the connector's 3 resumes: at most 40 cuts, where the outage handling made 200.
    // The run never waits for SharePoint (a wait would have notified at once).
    const dropped = (await droppedDownloads()) - before;
    expect({
      status: final?.status,
      failed: final?.failed,
      waits: waits.length,
      cutsAtMost40: dropped <= 40,
    }).toEqual({ status: 'partial', failed: 1, waits: 0, cutsAtMost40: true });
    expect(dropped).toBeGreaterThan(0);
    expect(final?.waiting).toBeNull();
    const cut = items.find((i) => i.sourcePath?.endsWith('cut.bin'));
    expect(cut).toMatchObject({ outcome: 'failed', errorCode: 'content_unavailable' });
    expect(cut!.error).toMatch(/^SharePoint answers, but this item failed each time/);
    expect(cut!.detail).toMatch(/\S/);
    expect(items.filter((i) => i.kind === 'document' && i.outcome === 'done')).toHaveLength(4);
    expect((await readdir(target.path)).sort()).toEqual(['a.txt', 'b.txt', 'c.txt', 'd.txt']);
    const [row] = await db.select().from(workflowRuns).where(eq(workflowRuns.id, run!.id));
    expect(row!.waiting).toBeNull();
    cuts.count = 0;
  }, 240_000);
});
