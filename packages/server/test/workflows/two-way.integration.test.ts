import { readdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemLinks } from '../../src/store/schema.ts';
import { createTestLexbridge, type SignedIn, signIn, type TestLexbridge } from '../support/lexbridge.ts';
import { createAndRun, createLocalConnector, createRoot, readTree, runNow, writeTree } from './helpers.ts';

let lexbridge: TestLexbridge;
let owner: SignedIn;
let root: string;

beforeAll(async () => {
  root = await createRoot();
  lexbridge = await createTestLexbridge({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root } });
  owner = await signIn(lexbridge, { roles: ['User'] });
});
afterAll(async () => {
  await lexbridge?.dispose();
  await rm(root, { recursive: true, force: true });
});

/** Two local folders in a two-way sync, after its first pass. */
async function synced(a: Record<string, string>, b: Record<string, string> = {}, policy?: string) {
  const left = await createLocalConnector(lexbridge, root, 'Left');
  const right = await createLocalConnector(lexbridge, root, 'Right');
  await writeTree(left.path, a);
  await writeTree(right.path, b);
  const first = await createAndRun(lexbridge, owner, {
    type: 'two_way_sync',
    source: { connectorId: left.id, id: '' },
    target: { connectorId: right.id, id: '' },
    ...(policy ? { options: { conflictPolicy: policy as 'keep_both' } } : {}),
  });
  return { A: left.path, B: right.path, ...first };
}

const figures = (run: { created: number; updated: number; deleted: number; failed: number }) => ({
  created: run.created,
  updated: run.updated,
  deleted: run.deleted,
  failed: run.failed,
});

/** Moves a file's time on, as an edit a second later would. */
async function edit(path: string, content: string) {
  const before = await stat(path);
  await writeFile(path, content);
  const later = new Date(before.mtime.getTime() + 2000);
  await utimes(path, later, later);
}

describe('two-way sync, local folder to local folder', () => {
  it('brings each side the other side’s items, and copies nothing back over 10 passes with no change', async () => {
    const s = await synced(
      { 'a.txt': 'alpha', 'docs/b.txt': 'bravo' },
      { 'c.txt': 'charlie', 'notes/d.txt': 'delta' },
    );
    expect(s.run.status).toBe('succeeded');
    const both = {
      'a.txt': 'alpha',
      'docs/': '',
      'docs/b.txt': 'bravo',
      'c.txt': 'charlie',
      'notes/': '',
      'notes/d.txt': 'delta',
    };
    expect(await readTree(s.A)).toEqual(both);
    expect(await readTree(s.B)).toEqual(both);
    expect(
      s.items
        .filter((i) => i.outcome === 'done')
        .map((i) => [i.direction, i.sourcePath])
        .sort(),
    ).toEqual([
      ['backward', 'c.txt'],
      ['backward', 'notes'],
      ['backward', 'notes/d.txt'],
      ['forward', 'a.txt'],
      ['forward', 'docs'],
      ['forward', 'docs/b.txt'],
    ]);
    for (let pass = 0; pass < 10; pass++) {
      const again = await runNow(lexbridge, s.workflow);
      expect(again.run.status).toBe('succeeded');
      expect(again.items).toEqual([]);
    }
    expect(await readTree(s.A)).toEqual(both);
  });

  it('carries edits, renames and moves made on either side, and never carries a delete', async () => {
    const s = await synced({
      'edit-a.txt': '1',
      'edit-b.txt': '1',
      'ren.txt': 'r',
      'gone-a.txt': 'g',
      'gone-b.txt': 'h',
      'sub/x.txt': 'x',
    });
    await edit(join(s.A, 'edit-a.txt'), 'A edited');
    await edit(join(s.B, 'edit-b.txt'), 'B edited');
    await rename(join(s.B, 'ren.txt'), join(s.B, 'renamed in B.txt'));
    await rename(join(s.A, 'sub'), join(s.A, 'moved sub'));
    await rm(join(s.A, 'gone-a.txt'));
    await rm(join(s.B, 'gone-b.txt'));
    const { run, items } = await runNow(lexbridge, s.workflow);
    expect(run.status).toBe('succeeded');
    expect(figures(run)).toEqual({ created: 0, updated: 4, deleted: 0, failed: 0 });
    expect(await readTree(s.A)).toEqual({
      'edit-a.txt': 'A edited',
      'edit-b.txt': 'B edited',
      'renamed in B.txt': 'r',
      'gone-b.txt': 'h',
      'moved sub/': '',
      'moved sub/x.txt': 'x',
    });
    expect(await readTree(s.B)).toEqual({
      'edit-a.txt': 'A edited',
      'edit-b.txt': 'B edited',
      'renamed in B.txt': 'r',
      'gone-a.txt': 'g',
      'moved sub/': '',
      'moved sub/x.txt': 'x',
    });
    expect(
      items
        .filter((i) => i.errorCode === 'workflow_delete_not_propagated')
        .map((i) => i.sourcePath)
        .sort(),
    ).toEqual(['gone-a.txt', 'gone-b.txt']);
    // The deleted items are not re-created where they were deleted, pass after pass, and nothing echoes.
    for (let pass = 0; pass < 3; pass++) expect((await runNow(lexbridge, s.workflow)).items).toEqual([]);
    expect(await readdir(s.A)).not.toContain('gone-a.txt');
    expect(await readdir(s.B)).not.toContain('gone-b.txt');
  });

  it('a rename on one side and an edit on the other both land', async () => {
    const s = await synced({ 'brief.txt': 'v1' });
    await rename(join(s.A, 'brief.txt'), join(s.A, 'Brief final.txt'));
    await edit(join(s.B, 'brief.txt'), 'v2 from B');
    const { run } = await runNow(lexbridge, s.workflow);
    expect(run.status).toBe('succeeded');
    expect(await readTree(s.A)).toEqual({ 'Brief final.txt': 'v2 from B' });
    expect(await readTree(s.B)).toEqual({ 'Brief final.txt': 'v2 from B' });
    expect((await runNow(lexbridge, s.workflow)).items).toEqual([]);
  });

  it('a folder moved on one side and a new file in it on the other end up together', async () => {
    const s = await synced({ 'matter/a.txt': 'a', 'archive/.keep': '' });
    await rename(join(s.A, 'matter'), join(s.A, 'archive/matter'));
    await writeTree(s.B, { 'matter/new.txt': 'new in B' });
    const { run } = await runNow(lexbridge, s.workflow);
    expect(run.status).toBe('succeeded');
    const expected = {
      'archive/': '',
      'archive/.keep': '',
      'archive/matter/': '',
      'archive/matter/a.txt': 'a',
      'archive/matter/new.txt': 'new in B',
    };
    expect(await readTree(s.A)).toEqual(expected);
    expect(await readTree(s.B)).toEqual(expected);
  });

  it('keeps both edits of a document changed on both sides, and records the conflict with both versions', async () => {
    const s = await synced({ 'memo.txt': 'original' });
    await edit(join(s.A, 'memo.txt'), 'edit in Left');
    await edit(join(s.B, 'memo.txt'), 'edit in Right, later');
    const later = new Date(Date.now() + 60_000);
    await utimes(join(s.B, 'memo.txt'), later, later);
    const leftEdit = (await stat(join(s.A, 'memo.txt'))).mtime;
    const copyName = `memo (conflict from Left, ${leftEdit.toISOString().slice(0, 16).replace('T', ' ').replace(':', '.')}).txt`;
    const { run, items } = await runNow(lexbridge, s.workflow);
    expect(run.status).toBe('succeeded');
    // Neither side keeps versions: the newer edit (Right's) is the document; Left's is kept beside it.
    expect(await readTree(s.A)).toEqual({ 'memo.txt': 'edit in Right, later', [copyName]: 'edit in Left' });
    expect(await readTree(s.B)).toEqual({ 'memo.txt': 'edit in Right, later', [copyName]: 'edit in Left' });
    const conflict = items.find((i) => i.action === 'conflict');
    expect(conflict).toMatchObject({ outcome: 'done', sourcePath: 'memo.txt', targetPath: 'memo.txt' });
    expect(conflict?.conflict).toMatchObject({
      policy: 'keep_both',
      kept: 'target',
      copy: { side: 'target', name: copyName },
    });
    expect(conflict?.error).toContain('the Right edit is now the document on both sides');
    expect((await runNow(lexbridge, s.workflow)).items).toEqual([]);
  });

  it.each([
    ['source_wins', 'edit in Left'],
    ['target_wins', 'edit in Right'],
    ['newest_wins', 'edit in Right'],
  ])('with the policy %s, resolves a conflict to one edit without a copy', async (policy, winner) => {
    const s = await synced({ 'memo.txt': 'original' }, {}, policy);
    await edit(join(s.A, 'memo.txt'), 'edit in Left');
    await edit(join(s.B, 'memo.txt'), 'edit in Right');
    const later = new Date(Date.now() + 60_000);
    await utimes(join(s.B, 'memo.txt'), later, later);
    const { items } = await runNow(lexbridge, s.workflow);
    expect(await readTree(s.A)).toEqual({ 'memo.txt': winner });
    expect(await readTree(s.B)).toEqual({ 'memo.txt': winner });
    expect(items.find((i) => i.action === 'conflict')?.conflict).toMatchObject({ policy, copy: null });
    expect((await runNow(lexbridge, s.workflow)).items).toEqual([]);
  });

  it('a dry run shows both directions and changes nothing', async () => {
    const s = await synced({ 'a.txt': 'a' });
    await writeTree(s.A, { 'new-a.txt': 'n' });
    await writeTree(s.B, { 'new-b.txt': 'm' });
    const dry = await runNow(lexbridge, s.workflow, { dryRun: true });
    expect(dry.items.map((i) => [i.direction, i.sourcePath, i.outcome]).sort()).toEqual([
      ['backward', 'new-b.txt', 'planned'],
      ['forward', 'new-a.txt', 'planned'],
    ]);
    expect(await readdir(s.A)).not.toContain('new-b.txt');
    const links = await lexbridge.store.db
      .select()
      .from(itemLinks)
      .where(eq(itemLinks.workflowId, s.workflow.id));
    expect(links).toHaveLength(1);
  });
});
