import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { workflowRuns } from '../../src/store/schema.ts';
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
