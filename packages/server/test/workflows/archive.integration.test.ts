import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/workflows/archive/manifest.ts';
import { createWorkflow, updateWorkflow } from '../../src/workflows/service.ts';
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

const files = { 'a.txt': 'alpha', 'f/b.txt': 'bravo', 'f/g/c.txt': 'charlie' };

async function pair() {
  const source = await createLocalConnector(lexbridge, root, 'src');
  const target = await createLocalConnector(lexbridge, root, 'dst');
  await writeTree(source.path, files);
  return { source, target, src: { connectorId: source.id, id: '' }, dst: { connectorId: target.id, id: '' } };
}

/** The manifests stored in a local target root, parsed. */
async function manifests(path: string) {
  const names = (await readdir(path)).filter((n) => n.startsWith('Archive manifest '));
  return Promise.all(names.map(async (n) => parseManifest(await readFile(join(path, n), 'utf8'))));
}

const withoutManifests = (tree: Record<string, string>) =>
  Object.fromEntries(Object.entries(tree).filter(([k]) => !k.startsWith('Archive manifest ')));

describe('archive, local folder to local folder', () => {
  it('copies and verifies everything, stores the manifest in the target, then empties the source', async () => {
    const p = await pair();
    const { run, items } = await createAndRun(lexbridge, owner, {
      type: 'archive',
      source: p.src,
      target: p.dst,
    });
    expect(run.status).toBe('succeeded');
    expect(run.error).toBeNull();
    expect(withoutManifests(await readTree(p.target.path))).toEqual({
      'a.txt': 'alpha',
      'f/': '',
      'f/b.txt': 'bravo',
      'f/g/': '',
      'f/g/c.txt': 'charlie',
    });
    expect(await readTree(p.source.path)).toEqual({});
    const [manifest, ...more] = await manifests(p.target.path);
    expect(more).toEqual([]);
    const [stored] = (await readdir(p.target.path)).filter((n) => n.startsWith('Archive manifest '));
    expect((await readFile(join(p.target.path, stored!), 'utf8')).split('\r\n')[0]).toBe(
      'source_path,size,sha256,target_id,target_version,archived_at',
    );
    expect(manifest!.map((r) => [r.sourcePath, r.size, r.targetId])).toEqual([
      ['a.txt', 5, 'a.txt'],
      ['f/b.txt', 5, 'f/b.txt'],
      ['f/g/c.txt', 7, 'f/g/c.txt'],
    ]);
    expect(
      manifest!.every((r) => /^[0-9a-f]{64}$/.test(r.sha256) && !Number.isNaN(Date.parse(r.archivedAt))),
    ).toBe(true);
    const listed = items.find((i) => i.action === 'manifest');
    expect(listed).toMatchObject({ outcome: 'done' });
    expect(listed!.targetId).toMatch(/^Archive manifest .*\.csv$/);
    expect(items.filter((i) => i.action === 'delete_source' && i.outcome === 'done')).toHaveLength(5);
    // Progress counts the plan's items (5 copies, 5 removals); the manifest is a step of the archive.
    expect({ done: run.done, planned: run.planned }).toEqual({ done: 10, planned: 10 });
  });

  it('"leave" keeps the source, writes the link file, and says the permissions were not changed', async () => {
    const p = await pair();
    const { workflow, run, items } = await createAndRun(lexbridge, owner, {
      type: 'archive',
      source: p.src,
      target: p.dst,
      options: { archiveSource: 'leave' },
    });
    expect(run.status).toBe('succeeded');
    const source = await readTree(p.source.path);
    expect(source).toMatchObject(files);
    expect(source['Archived to local folder.url']).toMatch(/^\[InternetShortcut\]\r\nURL=file:\/\/.*dst-/);
    expect((await manifests(p.target.path))[0]).toHaveLength(3);
    expect(items.some((i) => i.action === 'delete_source')).toBe(false);
    expect(items.find((i) => i.errorCode === 'workflow_archive_permissions_unchanged')).toBeDefined();
    // The manifest, the link file and the read-only step are not items of the plan (5 copies).
    expect({ done: run.done, planned: run.planned }).toEqual({ done: 5, planned: 5 });
    // Run again: the link file itself is not archived, and nothing is copied twice.
    const again = await runNow(lexbridge, workflow);
    expect(again.run.status).toBe('succeeded');
    expect(again.run.created).toBe(0);
    expect(
      again.items.some((i) => i.action === 'create' && i.sourcePath === 'Archived to local folder.url'),
    ).toBe(false);
  });

  it('one document that fails removes nothing, and the run says why', async () => {
    const p = await pair();
    // A folder where f/b.txt must go: that copy fails on the target.
    await mkdir(join(p.target.path, 'f/b.txt/in-the-way'), { recursive: true });
    const { run, items } = await createAndRun(lexbridge, owner, {
      type: 'archive',
      source: p.src,
      target: p.dst,
    });
    expect(run.status).toBe('partial');
    expect(run.errorCode).toBe('workflow_archive_held');
    expect(run.error).toMatch(/Nothing was removed from the source: 1 item\(s\) failed/);
    expect(await readTree(p.source.path)).toMatchObject(files);
    expect(await manifests(p.target.path)).toEqual([]);
    expect(items.filter((i) => i.action === 'delete_source').every((i) => i.outcome === 'skipped')).toBe(
      true,
    );
    expect(items.find((i) => i.sourcePath === 'f/b.txt' && i.outcome === 'failed')).toBeDefined();
  });

  it('a dry run lists what it would copy and remove, and changes nothing', async () => {
    const p = await pair();
    const { workflow } = await createWorkflow(
      lexbridge,
      { id: owner.userId, roles: ['User'] },
      { name: 'dry', type: 'archive', source: p.src, target: p.dst },
      { startNow: false },
    );
    const { run, items } = await runNow(lexbridge, workflow, { dryRun: true });
    expect(run.status).toBe('succeeded');
    const planned = (action: string) =>
      items
        .filter((i) => i.action === action && i.outcome === 'planned')
        .map((i) => i.sourcePath)
        .sort();
    expect(planned('create')).toEqual(['a.txt', 'f/b.txt', 'f/g/c.txt']);
    expect(planned('delete_source')).toEqual(['a.txt', 'f', 'f/b.txt', 'f/g', 'f/g/c.txt']);
    expect(items.find((i) => i.action === 'manifest')).toMatchObject({ outcome: 'planned' });
    expect({ done: run.done, planned: run.planned }).toEqual({ done: 10, planned: 10 });
    expect(await readTree(p.source.path)).toMatchObject(files);
    expect(await readTree(p.target.path)).toEqual({});
  });

  it('the max-delete guard stops the removals; raised, a second run removes them without copying twice', async () => {
    const p = await pair();
    const { workflow, run, items } = await createAndRun(lexbridge, owner, {
      type: 'archive',
      source: p.src,
      target: p.dst,
      options: { maxDeletes: 2 },
    });
    expect(run.status).toBe('partial');
    expect(run.errorCode).toBe('workflow_max_deletes_exceeded');
    expect(run.error).toMatch(/remove 5 items from the source, more than the limit of 2/);
    expect(await readTree(p.source.path)).toMatchObject(files);
    expect(items.filter((i) => i.action === 'delete_source').every((i) => i.outcome === 'skipped')).toBe(
      true,
    );
    expect(await manifests(p.target.path)).toHaveLength(1);

    const raised = await updateWorkflow(lexbridge, { id: owner.userId, roles: ['User'] }, workflow, {
      options: { maxDeletes: 10 },
    });
    const second = await runNow(lexbridge, raised);
    expect(second.run.status).toBe('succeeded');
    expect(second.run.created).toBe(0);
    expect(await readTree(p.source.path)).toEqual({});
    expect(withoutManifests(await readTree(p.target.path))).toMatchObject(files);
    const stored = await manifests(p.target.path);
    expect(stored).toHaveLength(2);
    expect(stored.every((m) => m.length === 3)).toBe(true);
  });
});
