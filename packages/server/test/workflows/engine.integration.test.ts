import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { workflowRuns, workflows } from '../../src/store/schema.ts';
import { scheduleDueRuns } from '../../src/workflows/jobs.ts';
import { cancelRun, performRun, requestRun } from '../../src/workflows/runs.ts';
import { updateWorkflow } from '../../src/workflows/service.ts';
import {
  createAndRun,
  createLocalConnector,
  readTree,
  runNow,
  useLocalLexbridge,
  writeTree,
} from './helpers.ts';

const t = useLocalLexbridge();

async function pair(files: Record<string, string>) {
  const source = await createLocalConnector(t.lexbridge, t.root, 'src');
  const target = await createLocalConnector(t.lexbridge, t.root, 'dst');
  await writeTree(source.path, files);
  return { source, target, src: { connectorId: source.id, id: '' }, dst: { connectorId: target.id, id: '' } };
}

describe('workflow engine, local folder to local folder', () => {
  it('copies a tree, verifies it, and copies nothing twice on a rerun', async () => {
    const p = await pair({
      'a.txt': 'alpha',
      'docs/b.txt': 'bravo',
      'docs/deep/c.txt': 'charlie',
      'empty/.keep': '',
    });
    const { workflow, run, items } = await createAndRun(t.lexbridge, t.owner, {
      type: 'copy',
      source: p.src,
      target: p.dst,
    });
    expect(run.status).toBe('succeeded');
    expect(await readTree(p.target.path)).toEqual(await readTree(p.source.path));
    expect(run.created).toBe(7); // 4 files + docs, docs/deep, empty
    expect(run.bytes).toBe(5 + 5 + 7);
    expect(items.find((i) => i.sourcePath === 'docs/deep/c.txt')?.sha256).toMatch(/^[0-9a-f]{64}$/);
    const again = await runNow(t.lexbridge, workflow);
    expect(again.run.status).toBe('succeeded');
    expect(again.run.created + again.run.updated + again.run.deleted).toBe(0);
  });

  it('one-way sync carries updates, renames, moves and deletes, and makes unsafe names safe', async () => {
    const p = await pair({
      'keep.txt': 'k',
      'edit.txt': 'v1',
      'old-name.txt': 'r',
      'mover.txt': 'm',
      'gone.txt': 'g',
      'sub/x.txt': 'x',
    });
    const { workflow } = await createAndRun(t.lexbridge, t.owner, {
      type: 'one_way_sync',
      source: p.src,
      target: p.dst,
    });
    await writeFile(join(p.source.path, 'edit.txt'), 'version two');
    await rename(join(p.source.path, 'old-name.txt'), join(p.source.path, 'new-name.txt'));
    await rename(join(p.source.path, 'mover.txt'), join(p.source.path, 'sub/mover.txt'));
    await rm(join(p.source.path, 'gone.txt'));
    await writeTree(p.source.path, { 'what?.txt': 'q', 'CON.txt': 'device', 'trailing. ': 't' });
    const { run, items } = await runNow(t.lexbridge, workflow);
    expect(run.status).toBe('succeeded');
    expect(await readTree(p.target.path)).toEqual({
      'keep.txt': 'k',
      'edit.txt': 'version two',
      'new-name.txt': 'r',
      'sub/': '',
      'sub/x.txt': 'x',
      'sub/mover.txt': 'm',
      'what_.txt': 'q',
      'CON_.txt': 'device',
      trailing__: 't',
    });
    expect({ created: run.created, updated: run.updated, deleted: run.deleted, failed: run.failed }).toEqual({
      created: 3,
      updated: 3,
      deleted: 1,
      failed: 0,
    });
    const safe = items.find((i) => i.sourcePath === 'what?.txt');
    expect(safe).toMatchObject({ renamedFrom: 'what?.txt', targetPath: 'what_.txt', outcome: 'done' });
  });

  it('renames a renamed folder on the target instead of copying its contents again', async () => {
    const p = await pair({ 'matter/a.txt': 'a', 'matter/inner/b.txt': 'b' });
    const { workflow } = await createAndRun(t.lexbridge, t.owner, {
      type: 'one_way_sync',
      source: p.src,
      target: p.dst,
    });
    await rename(join(p.source.path, 'matter'), join(p.source.path, 'Matter 2024'));
    const { run } = await runNow(t.lexbridge, workflow);
    expect({ created: run.created, updated: run.updated, deleted: run.deleted }).toEqual({
      created: 0,
      updated: 1,
      deleted: 0,
    });
    expect(await readTree(p.target.path)).toEqual({
      'Matter 2024/': '',
      'Matter 2024/a.txt': 'a',
      'Matter 2024/inner/': '',
      'Matter 2024/inner/b.txt': 'b',
    });
    await writeFile(join(p.source.path, 'Matter 2024/inner/b.txt'), 'b2');
    const next = await runNow(t.lexbridge, workflow);
    expect(next.run.updated).toBe(1);
    expect((await readTree(p.target.path))['Matter 2024/inner/b.txt']).toBe('b2');
  });

  it('holds deletes back when an item failed in the same run', async () => {
    const p = await pair({ 'a.txt': 'a', 'b.txt': 'b' });
    const { workflow } = await createAndRun(t.lexbridge, t.owner, {
      type: 'one_way_sync',
      source: p.src,
      target: p.dst,
    });
    await rm(join(p.source.path, 'a.txt'));
    await writeTree(p.source.path, { 'blocked.txt': 'cannot land' });
    await mkdir(join(p.target.path, 'blocked.txt')); // a folder in the way of the new file
    const { run, items } = await runNow(t.lexbridge, workflow);
    expect(run.status).toBe('partial');
    expect(run.failed).toBe(1);
    expect(run.deleted).toBe(0);
    expect(items.find((i) => i.sourcePath === 'blocked.txt')).toMatchObject({
      outcome: 'failed',
      errorCode: 'content_conflict',
    });
    expect(items.find((i) => i.action === 'delete')).toMatchObject({
      outcome: 'skipped',
      errorCode: 'workflow_deletes_held',
    });
    expect((await readTree(p.target.path))['a.txt']).toBe('a');
  });

  it('refuses to delete more than the maximum, and honours a delete trigger that is off', async () => {
    const p = await pair({ '1.txt': '1', '2.txt': '2', '3.txt': '3' });
    const { workflow } = await createAndRun(t.lexbridge, t.owner, {
      type: 'one_way_sync',
      source: p.src,
      target: p.dst,
      options: { maxDeletes: 1 },
    });
    await rm(join(p.source.path, '1.txt'));
    await rm(join(p.source.path, '2.txt'));
    const limited = await runNow(t.lexbridge, workflow);
    expect(limited.run.deleted).toBe(0);
    expect(limited.items.filter((i) => i.errorCode === 'workflow_max_deletes_exceeded')).toHaveLength(2);
    expect(Object.keys(await readTree(p.target.path)).sort()).toEqual(['1.txt', '2.txt', '3.txt']);

    const updated = await updateWorkflow(t.lexbridge, { id: t.owner.userId, roles: ['User'] }, workflow, {
      triggers: { fileDeleted: false },
      options: { maxDeletes: 10 },
    });
    const off = await runNow(t.lexbridge, updated);
    expect(off.run.deleted).toBe(0);
    expect(off.items.filter((i) => i.action === 'skip' && /File Deleted/.test(i.error ?? ''))).toHaveLength(
      2,
    );

    const on = await updateWorkflow(t.lexbridge, { id: t.owner.userId, roles: ['User'] }, updated, {
      triggers: { fileDeleted: true },
    });
    const done = await runNow(t.lexbridge, on);
    expect(done.run.deleted).toBe(2);
    expect(Object.keys(await readTree(p.target.path))).toEqual(['3.txt']);
  });

  it('a dry run lists the plan and changes nothing', async () => {
    const p = await pair({ 'a.txt': 'a', 'f/b.txt': 'b' });
    const { workflow, run: first } = await createAndRun(t.lexbridge, t.owner, {
      type: 'one_way_sync',
      source: p.src,
      target: p.dst,
    });
    expect(first.created).toBe(3);
    await writeTree(p.source.path, { 'new.txt': 'n' });
    await rm(join(p.source.path, 'a.txt'));
    const { run, items } = await runNow(t.lexbridge, workflow, { dryRun: true });
    expect(run.dryRun).toBe(true);
    expect(items.map((i) => [i.action, i.outcome, i.sourcePath]).sort()).toEqual([
      ['create', 'planned', 'new.txt'],
      ['delete', 'planned', 'a.txt'],
    ]);
    expect(Object.keys(await readTree(p.target.path)).sort()).toEqual(['a.txt', 'f/', 'f/b.txt']);
  });

  it('move copies, verifies, then deletes the source; the source t.root stays', async () => {
    const p = await pair({ 'a.txt': 'a', 'f/b.txt': 'b' });
    const { run } = await createAndRun(t.lexbridge, t.owner, { type: 'move', source: p.src, target: p.dst });
    expect(run.status).toBe('succeeded');
    expect(await readTree(p.target.path)).toEqual({ 'a.txt': 'a', 'f/': '', 'f/b.txt': 'b' });
    expect(await readTree(p.source.path)).toEqual({});
  });

  it('without Sync Existing Files And Folders only later changes are copied; Include Select Container copies the folder itself', async () => {
    const p = await pair({ 'box/old.txt': 'old' });
    const { workflow, run } = await createAndRun(t.lexbridge, t.owner, {
      type: 'one_way_sync',
      source: { connectorId: p.source.id, id: 'box' },
      target: p.dst,
      options: { syncExistingFilesAndFolders: false, includeSelectContainer: true },
    });
    expect(run.created).toBe(0);
    expect(await readTree(p.target.path)).toEqual({});
    await writeTree(p.source.path, { 'box/new.txt': 'new' });
    const later = await runNow(t.lexbridge, workflow);
    expect(await readTree(p.target.path)).toEqual({ 'box/': '', 'box/new.txt': 'new' });
    expect(later.run.created).toBe(2);
  });

  it('allows one run per workflow at a time, and cancels a queued run', async () => {
    const p = await pair({ 'a.txt': 'a' });
    const { workflow } = await createAndRun(t.lexbridge, t.owner, {
      type: 'one_way_sync',
      source: p.src,
      target: p.dst,
    });
    const queued = await requestRun(t.lexbridge, workflow, { trigger: 'manual' });
    await expect(requestRun(t.lexbridge, workflow, { trigger: 'manual' })).rejects.toMatchObject({
      code: 'workflow_run_in_progress',
    });
    const cancelled = await cancelRun(t.lexbridge, queued);
    expect(cancelled.status).toBe('cancelled');
    expect(await performRun(t.lexbridge, queued.id, { log: t.lexbridge.log })).toBeUndefined();
  });

  it('the scheduler starts due syncs once, and hands a run whose worker died to a new job', async () => {
    const p = await pair({ 'a.txt': 'a' });
    const { workflow } = await createAndRun(t.lexbridge, t.owner, {
      type: 'one_way_sync',
      source: p.src,
      target: p.dst,
    });
    await t.lexbridge.store.db
      .update(workflows)
      .set({ nextRunAt: new Date(Date.now() - 1000) })
      .where(eq(workflows.id, workflow.id));
    const first = await scheduleDueRuns(t.lexbridge);
    expect(first.started).toBeGreaterThanOrEqual(1);
    const queued = await t.lexbridge.store.db
      .select()
      .from(workflowRuns)
      .where(eq(workflowRuns.workflowId, workflow.id));
    const scheduled = queued.find((r) => r.trigger === 'schedule')!;
    expect(scheduled).toMatchObject({ status: 'queued', fullReconcile: false });
    await scheduleDueRuns(t.lexbridge);
    expect(
      (await t.lexbridge.store.db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, workflow.id)))
        .length,
    ).toBe(queued.length);

    // A worker took the run and died: its heartbeat stops.
    await t.lexbridge.store.db
      .update(workflowRuns)
      .set({ status: 'running', heartbeatAt: new Date(Date.now() - 3600_000) })
      .where(eq(workflowRuns.id, scheduled.id));
    const recovered = await scheduleDueRuns(t.lexbridge);
    expect(recovered.resumed).toBeGreaterThanOrEqual(1);
    const [requeued] = await t.lexbridge.store.db
      .select()
      .from(workflowRuns)
      .where(eq(workflowRuns.id, scheduled.id));
    expect(requeued!.status).toBe('queued');
    const finished = await performRun(t.lexbridge, scheduled.id, { log: t.lexbridge.log });
    expect(finished!.status).toBe('succeeded');
  });
});
