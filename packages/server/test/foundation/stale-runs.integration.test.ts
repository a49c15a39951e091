import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowRuns } from '../../src/store/schema.ts';
import { requestRun } from '../../src/workflows/runs.ts';
import { createWorkflow } from '../../src/workflows/service.ts';
import { createTestLexbridge, signIn, type TestLexbridge } from '../support/lexbridge.ts';
import { createLocalConnector, createRoot, writeTree } from '../workflows/helpers.ts';

const staleSeconds = 10;
let lexbridge: TestLexbridge;
let root: string;

beforeAll(async () => {
  root = await createRoot();
  lexbridge = await createTestLexbridge({
    env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root, LEXBRIDGE_WORKFLOW_STALE_RUN_SECONDS: String(staleSeconds) },
  });
});
afterAll(async () => {
  await lexbridge?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('a run whose worker died', () => {
  it('is handed back and finished within the stale threshold plus a few seconds, not the next scheduler minute', async () => {
    const owner = await signIn(lexbridge, { roles: ['User'] });
    const source = await createLocalConnector(lexbridge, root, 'src');
    const target = await createLocalConnector(lexbridge, root, 'dst');
    await writeTree(source.path, { 'a.txt': 'a' });
    const { workflow } = await createWorkflow(
      lexbridge,
      { id: owner.userId, roles: ['User'] },
      {
        name: 'stale',
        type: 'copy',
        source: { connectorId: source.id, id: '' },
        target: { connectorId: target.id, id: '' },
      },
      { startNow: false },
    );
    const run = await requestRun(lexbridge, workflow, { trigger: 'manual' });
    // A worker claimed it, reported once and was killed: its job is spent, only the heartbeat ages.
    const lastHeartbeat = new Date();
    await lexbridge.store.db
      .update(workflowRuns)
      .set({ status: 'running', leaseOwner: 'killed-worker', heartbeatAt: lastHeartbeat, attempts: 1 })
      .where(eq(workflowRuns.id, run.id));
    await lexbridge.queue.startWorkers(lexbridge);

    const deadline = lastHeartbeat.getTime() + (staleSeconds + 15) * 1000;
    let row = run;
    while (row.status !== 'succeeded' && Date.now() < deadline) {
      await sleep(200);
      [row = run] = await lexbridge.store.db.select().from(workflowRuns).where(eq(workflowRuns.id, run.id));
    }
    expect(row.status).toBe('succeeded');
    const handedBackAfter = (row.finishedAt?.getTime() ?? Date.now()) - lastHeartbeat.getTime();
    console.info(
      `stale run (threshold ${staleSeconds} s) finished ${handedBackAfter} ms after its last heartbeat`,
    );
    expect(handedBackAfter).toBeLessThan((staleSeconds + 8) * 1000);
  }, 40_000);
});
