import { readdir } from 'node:fs/promises';
import type { WorkflowRun } from '@lexbridge/contracts';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { notifications, runItems, workflowRuns } from '../../src/store/schema.ts';
import type { RunRow } from '../../src/workflows/model.ts';
import { cancelRun, performRun } from '../../src/workflows/runs.ts';
import { createWorkflow } from '../../src/workflows/service.ts';
import { useRestartableImanage } from './fixtures/restartable-imanage.ts';
import { createLocalConnector } from './helpers.ts';

/**
 * iManage stops answering in the middle of a Copy into a local folder: the emulator (its state in a
 * file, so a restart on the same port changes nothing) is closed once a few documents landed, and
 * started again later. The run must wait for iManage instead of failing every remaining document.
 */
const t = useRestartableImanage();

async function filesUnder(base: string): Promise<number> {
  const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && !e.name.startsWith('.')).length;
}

async function foldersUnder(base: string): Promise<number> {
  const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).length;
}

async function runRow(runId: string): Promise<RunRow> {
  const [row] = await t.server.lexbridge.store.db
    .select()
    .from(workflowRuns)
    .where(eq(workflowRuns.id, runId));
  return row!;
}

/** Polls `check` every 20 ms, at most `limit` times; returns its last answer. */
async function until<T>(check: () => Promise<T>, ok: (value: T) => boolean, limit = 1500): Promise<T> {
  let value = await check();
  for (let polls = 0; polls < limit && !ok(value); polls++) {
    await new Promise((r) => setTimeout(r, 20));
    value = await check();
  }
  return value;
}

async function startCopy(name: string) {
  const target = await createLocalConnector(t.server.lexbridge, t.root, name);
  const { run } = await createWorkflow(
    t.server.lexbridge,
    { id: t.user.userId, roles: ['User'] },
    {
      name,
      type: 'copy',
      source: { connectorId: t.imanageId, id: t.workspaceId },
      target: { connectorId: target.id, id: '' },
    },
  );
  return { target, runId: run!.id };
}

/** Short waits so the test is quick; the notice is due at once. */
const outage = {
  threshold: 3,
  probeDelayMs: 100,
  maxProbeDelayMs: 400,
  maxWaitMs: 120_000,
  noticeAfterMs: 0,
};

async function runFromApi(runId: string): Promise<WorkflowRun> {
  const res = await fetch(`${t.server.url}/api/workflow-runs/${runId}`, {
    headers: { cookie: t.user.cookie },
  });
  return (await res.json()) as WorkflowRun;
}

describe('an iManage outage in the middle of a run', () => {
  it('waits for iManage instead of failing the rest, says so, and finishes every item once it answers', async () => {
    const { target, runId } = await startCopy('outage');
    const finished = performRun(t.server.lexbridge, runId, { log: t.server.lexbridge.log, outage });
    await until(
      () => filesUnder(target.path),
      (n) => n >= 3,
    );
    await t.emulator.close();

    const waiting = await until(
      () => runFromApi(runId),
      (r) => r.waiting !== null || r.status !== 'running',
    );
    expect(waiting.status).toBe('running');
    expect(waiting.counts.failed).toBe(0);
    expect(waiting.waiting).toMatchObject({ side: 'source', system: 'iManage' });
    expect(waiting.waiting!.reason).toMatch(/^iManage is not answering/);
    expect(waiting.waiting!.detail).toMatch(/ECONNREFUSED/);
    expect(Date.parse(waiting.waiting!.nextAttemptAt)).toBeGreaterThanOrEqual(
      Date.parse(waiting.waiting!.since),
    );
    const notices = await until(
      () =>
        t.server.lexbridge.store.db.select().from(notifications).where(eq(notifications.type, 'run.waiting')),
      (rows) => rows.length > 0,
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ userId: t.user.userId, facts: { system: 'iManage', runId } });

    t.emulator = await t.startIManage();
    const final = await finished;
    expect(final).toMatchObject({ status: 'succeeded', failed: 0, waiting: null });
    expect(final!.done).toBe(final!.planned);
    const documents = (await runFromApi(runId)).counts.created;
    expect(await filesUnder(target.path)).toBeGreaterThan(3);
    expect(await filesUnder(target.path)).toBe(
      (await t.server.lexbridge.store.db.select().from(runItems).where(eq(runItems.runId, runId))).filter(
        (i) => i.kind === 'document' && i.outcome === 'done',
      ).length,
    );
    expect(documents).toBe(final!.planned);
  }, 120_000);

  it('a run waiting for iManage is cancelled at once, and one that waits too long is interrupted to resume later', async () => {
    const first = await startCopy('cancel');
    const cancelled = performRun(t.server.lexbridge, first.runId, { log: t.server.lexbridge.log, outage });
    await until(
      () => filesUnder(first.target.path),
      (n) => n >= 2,
    );
    await t.emulator.close();
    await until(
      () => runRow(first.runId),
      (r) => r.waiting !== null || r.status !== 'running',
    );
    await cancelRun(t.server.lexbridge, await runRow(first.runId));
    expect(await cancelled).toMatchObject({ status: 'cancelled', failed: 0, waiting: null });

    t.emulator = await t.startIManage();
    const second = await startCopy('interrupted');
    const interrupted = performRun(t.server.lexbridge, second.runId, {
      log: t.server.lexbridge.log,
      outage: { ...outage, maxWaitMs: 500 },
    });
    await until(
      () => filesUnder(second.target.path),
      (n) => n >= 2,
    );
    await t.emulator.close();
    await expect(interrupted).rejects.toThrow(/iManage did not answer/);
    // Put back in the queue, saying why: the queue's next attempt carries on.
    expect(await runRow(second.runId)).toMatchObject({
      status: 'queued',
      errorCode: 'workflow_run_interrupted',
      failed: 0,
      waiting: null,
    });
    t.emulator = await t.startIManage();
  }, 120_000);
});

describe('an iManage outage while a run lists the source', () => {
  it('waits for iManage, says so, and lists again once it answers, instead of failing the run', async () => {
    t.emulator.faults = { latencyMs: 250 }; // listing the workspace takes seconds
    const { target, runId } = await startCopy('outage-listing');
    const listed = () => t.emulator.requests.filter((r) => r.path.endsWith('/children')).length;
    const before = listed();
    const finished = performRun(t.server.lexbridge, runId, { log: t.server.lexbridge.log, outage });
    await until(
      async () => listed(),
      (n) => n > before,
    );
    await t.emulator.close();
    const waiting = await until(
      () => runFromApi(runId),
      (r) => r.waiting !== null || r.status !== 'running',
    );
    expect(waiting).toMatchObject({ status: 'running', waiting: { side: 'source', system: 'iManage' } });
    expect(waiting.planned).toBe(0);
    t.emulator = await t.startIManage();
    const final = await finished;
    expect(final).toMatchObject({ status: 'succeeded', failed: 0, waiting: null, errorCode: null });
    expect(await filesUnder(target.path)).toBe(final!.created - (await foldersUnder(target.path)));
  }, 120_000);
});

describe('cancelling a run', () => {
  it('while it is still listing the source ends it cancelled, not failed', async () => {
    t.emulator.faults = { latencyMs: 300 }; // listing takes seconds
    try {
      const { runId } = await startCopy('cancel-listing');
      const done = performRun(t.server.lexbridge, runId, { log: t.server.lexbridge.log });
      const listing = await until(
        () => runRow(runId),
        (r) => r.status === 'running',
      );
      expect(listing.planned).toBe(0);
      await cancelRun(t.server.lexbridge, listing);
      const final = await done;
      expect(final).toMatchObject({ status: 'cancelled', planned: 0, errorCode: null, error: null });
    } finally {
      t.emulator.faults = { latencyMs: 40 };
    }
  }, 120_000);
});
