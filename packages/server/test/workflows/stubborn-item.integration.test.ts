import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { notifications, runItems, workflowRuns } from '../../src/store/schema.ts';
import { performRun } from '../../src/workflows/runs.ts';
import { createWorkflow } from '../../src/workflows/service.ts';
import { putFile, putFolder } from '../connectors/sharepoint/graph.ts';
import { folderBrowser, useGraphLexbridge } from '../connectors/sharepoint/graph-lexbridge.ts';
import { createLocalConnector } from './helpers.ts';

/**
 * One document whose download the host always cuts off, while SharePoint answers everything else
 * (the Graph emulator drops every download with a body; the other documents are empty, so theirs
 * get through). The connection drop looks like an outage, but the system answers the probe: the
 * document must be tried a bounded number of times and recorded as failed, not sent round the
 * outage handling again and again, and the rest of the run must be done.
 */
const t = useGraphLexbridge();
const { childId } = folderBrowser(t);

async function droppedDownloads(): Promise<number> {
  const res = await t.graph.fetch(`${t.graph.loginUrl}/__emulator/faults`);
  return ((await res.json()) as { droppedDownloads: number }).droppedDownloads;
}

/** Short waits, and the notice of a wait due at once: any wait for SharePoint leaves a notification. */
const outage = { threshold: 3, probeDelayMs: 100, maxProbeDelayMs: 400, maxWaitMs: 60_000, noticeAfterMs: 0 };

describe('one document whose download is always cut off, while SharePoint answers', () => {
  it('is tried a bounded number of times and recorded as failed; the rest is done and the run never waits', async () => {
    const matter = await childId('sites:followed', 'Matter 1001 - Acme v Globex');
    const [driveId] = (await childId(matter, 'Documents')).split('/') as [string];
    const folder = putFolder(t.graph, { driveId, parentId: 'root' }, 'Stubborn');
    await putFile(t.graph, { driveId, parentId: folder.id }, 'cut.bin', randomBytes(64 * 1024));
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'd.txt'])
      await putFile(t.graph, { driveId, parentId: folder.id }, name, Buffer.alloc(0));
    const cuts = t.graph.addFault({ kind: 'dropDownload', count: 100_000, path: '/download/' });
    const before = await droppedDownloads();

    const target = await createLocalConnector(t.server.lexbridge, t.root, 'stubborn');
    const { run } = await createWorkflow(
      t.server.lexbridge,
      { id: t.user.userId, roles: ['User'] },
      {
        name: 'stubborn',
        type: 'copy',
        source: { connectorId: t.connectorId, id: `${driveId}/${folder.id}` },
        target: { connectorId: target.id, id: '' },
      },
    );
    const final = await performRun(t.server.lexbridge, run!.id, { log: t.server.lexbridge.log, outage });

    const { db } = t.server.lexbridge.store;
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
