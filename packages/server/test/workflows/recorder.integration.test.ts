import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import type { Db } from '../../src/store/db.ts';
import { runItems, workflowRuns } from '../../src/store/schema.ts';
import { RunRecorder } from '../../src/workflows/recorder.ts';
import { requestRun } from '../../src/workflows/runs.ts';
import { createWorkflow } from '../../src/workflows/service.ts';
import { createLocalConnector, useLocalLexbridge } from './helpers.ts';

const t = useLocalLexbridge();

const small = 2 * 1024 * 1024;
const large = 4 * 1024 * 1024;
const total = 5 * small + 16 * large;

describe('a run resumed after its worker died', () => {
  it('keeps the whole run’s counts, bytes and progress, not only the last attempt’s', async () => {
    const source = await createLocalConnector(t.lexbridge, t.root, 'src');
    const target = await createLocalConnector(t.lexbridge, t.root, 'dst');
    const { workflow } = await createWorkflow(
      t.lexbridge,
      { id: t.owner.userId, roles: ['User'] },
      {
        name: 'resumed',
        type: 'one_way_sync',
        source: { connectorId: source.id, id: '' },
        target: { connectorId: target.id, id: '' },
      },
      { startNow: false },
    );
    const run = await requestRun(t.lexbridge, workflow, { trigger: 'manual' });
    const { db } = t.lexbridge.store;
    const create = (i: number, bytes: number, outcome: 'done' | 'failed' = 'done') => ({
      action: 'create',
      kind: 'document',
      outcome,
      sourceId: `doc-${i}`,
      sourcePath: `doc-${i}`,
      bytes: outcome === 'done' ? bytes : 0,
    });

    // The first attempt plans 21 documents (74 MB), copies 5 (10 MB), one fails, and the worker dies.
    const first = new RunRecorder(db, run.id, run.workflowId, () => undefined);
    first.setPlanned(21, total);
    for (let i = 0; i < 5; i++) first.record(create(i, small), 'created');
    first.record(create(5, large, 'failed'), 'failed');
    await first.stop();

    // The second attempt's plan holds only what is not linked yet: the other 16, the failed one among them.
    const second = new RunRecorder(db, run.id, run.workflowId, () => undefined);
    second.setPlanned(16, 16 * large);
    for (let i = 5; i < 21; i++) second.record(create(i, large), 'created');
    await second.stop();

    const [final] = await db.select().from(workflowRuns).where(eq(workflowRuns.id, run.id));
    expect(final).toMatchObject({ created: 21, failed: 0, done: 21, planned: 21 });
    expect({ bytes: final!.bytes, bytesPlanned: final!.bytesPlanned }).toEqual({
      bytes: total,
      bytesPlanned: total,
    });
  });
});

describe('when the recorder writes', () => {
  async function queuedRun() {
    const source = await createLocalConnector(t.lexbridge, t.root, 'src');
    const target = await createLocalConnector(t.lexbridge, t.root, 'dst');
    const { workflow } = await createWorkflow(
      t.lexbridge,
      { id: t.owner.userId, roles: ['User'] },
      {
        name: 'batched',
        type: 'copy',
        source: { connectorId: source.id, id: '' },
        target: { connectorId: target.id, id: '' },
      },
      { startNow: false },
    );
    return requestRun(t.lexbridge, workflow, { trigger: 'manual' });
  }

  /** The database, counting the transactions begun through it. */
  function counting(db: Db): { db: Db; transactions: () => number } {
    let n = 0;
    const proxy = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop === 'transaction')
          return (...args: Parameters<Db['transaction']>) => {
            n++;
            return target.transaction(...args);
          };
        return Reflect.get(target, prop, receiver);
      },
    });
    return { db: proxy, transactions: () => n };
  }

  const doc = (i: number) => ({
    action: 'create',
    kind: 'document',
    outcome: 'done',
    sourceId: `doc-${i}`,
    sourcePath: `doc-${i}`,
    bytes: 10,
  });

  it('writes once per batch of results however long the run lasts, and everything at the end', async () => {
    const run = await queuedRun();
    const { db, transactions } = counting(t.lexbridge.store.db);
    // A long maximum delay: only the batches make writes while the run goes on.
    const recorder = new RunRecorder(db, run.id, run.workflowId, () => undefined, {
      batchItems: 100,
      maxDelayMs: 60_000,
    });
    recorder.start();
    // 1,000 results, ten at a time, with the event loop (and any timer) turning between them.
    for (let i = 0; i < 1000; i++) {
      recorder.record(doc(i), 'created');
      if (i % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await recorder.stop();
    // One write per 100 results, and the last one at stop.
    expect(transactions()).toBeLessThanOrEqual(11);
    const [row] = await t.lexbridge.store.db.select().from(workflowRuns).where(eq(workflowRuns.id, run.id));
    expect(row).toMatchObject({ created: 1000, done: 1000 });
    const items = await t.lexbridge.store.db
      .select({ id: runItems.id })
      .from(runItems)
      .where(eq(runItems.runId, run.id));
    expect(items).toHaveLength(1000);
  });

  it('writes a full batch without waiting for the timer', async () => {
    const run = await queuedRun();
    const recorder = new RunRecorder(t.lexbridge.store.db, run.id, run.workflowId, () => undefined, {
      batchItems: 50,
      maxDelayMs: 60_000,
    });
    recorder.start();
    for (let i = 0; i < 50; i++) recorder.record(doc(i), 'created');
    await vi.waitFor(async () => {
      const [row] = await t.lexbridge.store.db.select().from(workflowRuns).where(eq(workflowRuns.id, run.id));
      expect(row?.done).toBe(50);
    });
    await recorder.stop();
  });

  it('still refreshes the heartbeat and reads a cancel request while no results come', async () => {
    const run = await queuedRun();
    let cancelled = false;
    const recorder = new RunRecorder(
      t.lexbridge.store.db,
      run.id,
      run.workflowId,
      () => {
        cancelled = true;
      },
      { batchItems: 100, maxDelayMs: 50 },
    );
    recorder.start();
    await t.lexbridge.store.db
      .update(workflowRuns)
      .set({ cancelRequested: true })
      .where(eq(workflowRuns.id, run.id));
    await vi.waitFor(() => expect(cancelled).toBe(true));
    const [row] = await t.lexbridge.store.db.select().from(workflowRuns).where(eq(workflowRuns.id, run.id));
    expect(row?.heartbeatAt).toBeInstanceOf(Date);
    await recorder.stop();
  });
});
