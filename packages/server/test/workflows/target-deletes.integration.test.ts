import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createAndRun,
  createLocalConnector,
  readTree,
  runNow,
  useLocalLexbridge,
  writeTree,
} from './helpers.ts';

const t = useLocalLexbridge();

async function synced(files: Record<string, string>) {
  const source = await createLocalConnector(t.lexbridge, t.root, 'src');
  const target = await createLocalConnector(t.lexbridge, t.root, 'dst');
  await writeTree(source.path, files);
  const { workflow, run } = await createAndRun(t.lexbridge, t.owner, {
    type: 'one_way_sync',
    source: { connectorId: source.id, id: '' },
    target: { connectorId: target.id, id: '' },
  });
  expect(run.status).toBe('succeeded');
  return { source, target, workflow };
}

describe('one-way sync deletes on the target', () => {
  it('deletes inside a folder renamed in the same run, at the folder’s new name', async () => {
    const { source, target, workflow } = await synced({ 'A/keep.txt': 'keep', 'A/B/gone.txt': 'gone' });
    await rename(join(source.path, 'A'), join(source.path, 'A renamed'));
    await rm(join(source.path, 'A renamed', 'B', 'gone.txt'));
    const { run } = await runNow(t.lexbridge, workflow);
    expect(run).toMatchObject({ status: 'succeeded', deleted: 1, failed: 0 });
    expect(await readTree(target.path)).toEqual(await readTree(source.path));
  });

  it('does not count a delete as done when the copy is no longer where it was put', async () => {
    const { source, target, workflow } = await synced({ 'a.txt': 'alpha', 'b.txt': 'bravo' });
    await rm(join(source.path, 'a.txt'));
    await mkdir(join(target.path, 'elsewhere'));
    await rename(join(target.path, 'a.txt'), join(target.path, 'elsewhere', 'a.txt'));
    const { run, items } = await runNow(t.lexbridge, workflow);
    expect(run).toMatchObject({ status: 'succeeded', deleted: 0, skipped: 1 });
    expect(items.find((i) => i.action === 'delete')).toMatchObject({
      outcome: 'skipped',
      error: expect.stringContaining('not where Lexbridge last put it'),
    });
    // The next full pass finds the copy where it went, by its content, and removes it.
    const next = await runNow(t.lexbridge, workflow);
    expect(next.run).toMatchObject({ status: 'succeeded', deleted: 1 });
    expect(await readTree(target.path)).toEqual({ 'b.txt': 'bravo', 'elsewhere/': '' });
  });

  it('keeps a file a person put in the copy’s place', async () => {
    const { source, target, workflow } = await synced({ 'a.txt': 'alpha', 'b.txt': 'bravo' });
    await rm(join(source.path, 'a.txt'));
    await rm(join(target.path, 'a.txt'));
    await writeFile(join(target.path, 'a.txt'), 'my own a');
    const { run } = await runNow(t.lexbridge, workflow);
    expect(run).toMatchObject({ status: 'succeeded', deleted: 0, skipped: 1 });
    expect(await readFile(join(target.path, 'a.txt'), 'utf8')).toBe('my own a');
    const next = await runNow(t.lexbridge, workflow);
    expect(next.run).toMatchObject({ deleted: 0 });
    expect(await readTree(target.path)).toEqual({ 'a.txt': 'my own a', 'b.txt': 'bravo' });
  });
});
