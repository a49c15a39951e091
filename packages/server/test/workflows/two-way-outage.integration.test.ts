import type { WorkflowRun } from '@lexbridge/contracts';
import { describe, expect, it } from 'vitest';
import { performRun, requestRun } from '../../src/workflows/runs.ts';
import { createWorkflow } from '../../src/workflows/service.ts';
import { useRestartableImanage } from './fixtures/restartable-imanage.ts';
import { createLocalConnector, writeTree } from './helpers.ts';

/**
 * iManage stops answering during a two-way sync with a local folder: the emulator (its state in a
 * file, so a restart on the same port changes nothing) is closed mid-pass and started again. The run
 * must wait for iManage and say so ("Waiting for iManage"), whether the outage hits while it writes
 * into iManage (the target-to-source half) or while it lists iManage, and carry on once it answers.
 */
const t = useRestartableImanage();

/** Polls `check` every 20 ms, at most `limit` times; returns its last answer. */
async function until<T>(check: () => T | Promise<T>, ok: (value: T) => boolean, limit = 1500): Promise<T> {
  let value = await check();
  for (let polls = 0; polls < limit && !ok(value); polls++) {
    await new Promise((r) => setTimeout(r, 20));
    value = await check();
  }
  return value;
}

async function runFromApi(runId: string): Promise<WorkflowRun> {
  const res = await fetch(`${t.server.url}/api/workflow-runs/${runId}`, {
    headers: { cookie: t.user.cookie },
  });
  return (await res.json()) as WorkflowRun;
}

/** Short waits so the test is quick. */
const outage = { threshold: 3, probeDelayMs: 100, maxProbeDelayMs: 400, maxWaitMs: 120_000 };

/** A two-way sync between a new iManage folder and a new local folder holding `files` text files. */
async function twoWay(name: string, files: number) {
  const folderId = t.emulator.store.createFolder(t.workspaceId, { name, owner: 'jsmith' }).id;
  const local = await createLocalConnector(t.server.lexbridge, t.root, name);
  await writeTree(
    local.path,
    Object.fromEntries(
      Array.from({ length: files }, (_, i) => [`notes/Note ${i}.txt`, `note ${i} `.repeat(50)]),
    ),
  );
  const { workflow, run } = await createWorkflow(
    t.server.lexbridge,
    { id: t.user.userId, roles: ['User'] },
    {
      name,
      type: 'two_way_sync',
      source: { connectorId: t.imanageId, id: folderId },
      target: { connectorId: local.id, id: '' },
    },
  );
  return { folderId, workflow, runId: run!.id };
}

/** Documents in an iManage folder and its subfolders. */
function documentsUnder(folderId: string): number {
  return (
    t.emulator.store.documentsIn(folderId).length +
    t.emulator.store.subfolders(folderId).reduce((sum, f) => sum + documentsUnder(f.id), 0)
  );
}

const uploads = () =>
  t.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/documents')).length;

describe('an iManage outage during a two-way sync', () => {
  it('while writing into iManage: the run shows it waits for iManage, and finishes every item once it answers', async () => {
    const { folderId, runId } = await twoWay('outage-writing', 30);
    const before = uploads();
    const finished = performRun(t.server.lexbridge, runId, { log: t.server.lexbridge.log, outage });
    await until(uploads, (n) => n - before >= 3);
    await t.emulator.close();

    const waiting = await until(
      () => runFromApi(runId),
      (r) => r.waiting !== null || r.status !== 'running',
    );
    expect(waiting.status).toBe('running');
    expect(waiting.counts.failed).toBe(0);
    // The target-to-source half writes into iManage, the workflow's source: named as such.
    expect(waiting.waiting).toMatchObject({ side: 'source', system: 'iManage' });
    expect(waiting.waiting?.reason).toMatch(/^iManage is not answering/);

    t.emulator = await t.startIManage();
    const final = await finished;
    expect(final).toMatchObject({ status: 'succeeded', failed: 0, waiting: null });
    expect(documentsUnder(folderId)).toBe(30);
  }, 120_000);

  it('while listing iManage: the run waits for it instead of failing to be retried later, then carries on', async () => {
    const { folderId, workflow, runId } = await twoWay('outage-listing', 3);
    expect(
      (await performRun(t.server.lexbridge, runId, { log: t.server.lexbridge.log, outage }))?.status,
    ).toBe('succeeded');
    for (let f = 0; f < 8; f++)
      t.emulator.store.createFolder(folderId, { name: `Sub ${f}`, owner: 'jsmith' });
    t.emulator.faults = { latencyMs: 250 }; // listing the folders takes seconds
    const next = await requestRun(t.server.lexbridge, workflow, { trigger: 'manual' });
    const listed = () => t.emulator.requests.filter((r) => r.path.endsWith('/children')).length;
    const before = listed();
    const finished = performRun(t.server.lexbridge, next.id, { log: t.server.lexbridge.log, outage });
    await until(listed, (n) => n > before);
    await t.emulator.close();

    const waiting = await until(
      () => runFromApi(next.id),
      (r) => r.waiting !== null || r.status !== 'running',
    );
    expect(waiting).toMatchObject({ status: 'running', waiting: { side: 'source', system: 'iManage' } });
    expect(waiting.planned).toBe(0);

    t.emulator = await t.startIManage();
    const final = await finished;
    expect(final).toMatchObject({ status: 'succeeded', failed: 0, waiting: null, errorCode: null });
    expect(final?.created).toBe(8);
  }, 120_000);
});
