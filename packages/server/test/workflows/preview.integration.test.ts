import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { workflowRuns, workflows } from '../../src/store/schema.ts';
import { scheduleDueRuns } from '../../src/workflows/jobs.ts';
import { createWorkflow } from '../../src/workflows/service.ts';
import { createLocalConnector, readTree, runNow, useLocalLexbridge, writeTree } from './helpers.ts';

// A sync created to be previewed first ("Create and preview (dry run)", startNow false) must not start
// copying by itself: the scheduler leaves it alone, even after its dry run, until the person runs it.

const t = useLocalLexbridge();

const aDayLater = () => new Date(Date.now() + 24 * 3600_000);

async function runsOf(workflowId: string) {
  return t.lexbridge.store.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, workflowId));
}

describe('a previewed sync waits for the person to confirm', () => {
  it('is not scheduled before or after its dry run, and is once the person chooses Run now', async () => {
    const source = await createLocalConnector(t.lexbridge, t.root, 'src');
    const target = await createLocalConnector(t.lexbridge, t.root, 'dst');
    await writeTree(source.path, { 'a.txt': 'alpha' });
    const { workflow, run } = await createWorkflow(
      t.lexbridge,
      { id: t.owner.userId, roles: ['User'] },
      {
        name: 'previewed',
        type: 'one_way_sync',
        source: { connectorId: source.id, id: '' },
        target: { connectorId: target.id, id: '' },
        intervalMinutes: 1,
      },
      { startNow: false },
    );
    expect(run).toBeNull();
    expect(workflow.nextRunAt).toBeNull();

    await scheduleDueRuns(t.lexbridge, aDayLater());
    expect(await runsOf(workflow.id)).toEqual([]);

    const preview = await runNow(t.lexbridge, workflow, { dryRun: true });
    expect(preview.run.status).toBe('succeeded');
    await scheduleDueRuns(t.lexbridge, aDayLater());
    expect((await runsOf(workflow.id)).length).toBe(1);
    expect(await readTree(target.path)).toEqual({});

    // Run now is the confirmation: the sync copies and from then on runs at its interval.
    const confirmed = await runNow(t.lexbridge, workflow);
    expect(confirmed.run.status).toBe('succeeded');
    const [after] = await t.lexbridge.store.db.select().from(workflows).where(eq(workflows.id, workflow.id));
    expect(after!.nextRunAt).not.toBeNull();
    await scheduleDueRuns(t.lexbridge, aDayLater());
    expect((await runsOf(workflow.id)).filter((r) => r.trigger === 'schedule').length).toBe(1);
  });

  it('a sync created to run at once is scheduled at its interval, as before', async () => {
    const source = await createLocalConnector(t.lexbridge, t.root, 'src');
    const target = await createLocalConnector(t.lexbridge, t.root, 'dst');
    const { workflow, run } = await createWorkflow(
      t.lexbridge,
      { id: t.owner.userId, roles: ['User'] },
      {
        name: 'at once',
        type: 'one_way_sync',
        source: { connectorId: source.id, id: '' },
        target: { connectorId: target.id, id: '' },
      },
    );
    expect(run).not.toBeNull();
    expect(workflow.nextRunAt).not.toBeNull();
  });
});

describe('a dry run lists what it would do as the real run does', () => {
  it('gives each item its path in the target and its size, and copies nothing', async () => {
    const source = await createLocalConnector(t.lexbridge, t.root, 'src');
    const target = await createLocalConnector(t.lexbridge, t.root, 'dst');
    await writeTree(source.path, {
      'Acme/Correspondence/2024-01-05 reply.txt': 'We reply to your letter.',
      'Acme/Engagement letter.txt': 'Dear Acme',
    });
    const { workflow } = await createWorkflow(
      t.lexbridge,
      { id: t.owner.userId, roles: ['User'] },
      {
        name: 'dry',
        type: 'copy',
        source: { connectorId: source.id, id: '' },
        target: { connectorId: target.id, id: '' },
      },
      { startNow: false },
    );
    const dry = await runNow(t.lexbridge, workflow, { dryRun: true });
    const byPath = Object.fromEntries(dry.items.map((i) => [i.targetPath, { kind: i.kind, bytes: i.bytes }]));
    expect(byPath).toEqual({
      Acme: { kind: 'folder', bytes: 0 },
      'Acme/Correspondence': { kind: 'folder', bytes: 0 },
      'Acme/Correspondence/2024-01-05 reply.txt': { kind: 'document', bytes: 24 },
      'Acme/Engagement letter.txt': { kind: 'document', bytes: 9 },
    });
    expect(dry.run).toMatchObject({ bytesPlanned: 33, bytes: 0, planned: 4 });
    expect(await readTree(target.path)).toEqual({});
  });
});
