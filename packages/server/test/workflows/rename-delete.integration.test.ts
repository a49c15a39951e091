import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemLinks, workflows } from '../../src/store/schema.ts';
import { createAndRun, createLocalConnector, runNow } from './helpers.ts';
import {
  actualTree,
  addTextDocument,
  expectedTree,
  type ImanageSuite,
  startImanageSuite,
} from './imanage-local.ts';

let suite: ImanageSuite;
beforeAll(async () => {
  suite = await startImanageSuite();
});
afterAll(async () => {
  await suite?.close();
});

/** Lets the emulator's search index (5 s behind, as on a real server) catch up with changes made directly. */
const afterIndexLag = () => suite.emulator.clock.advance(6_000);

/** A new matter folder: Notes.txt, Pleadings/{Claim,Defence}.txt and Pleadings/Drafts/Draft.txt. */
function createMatter(name: string) {
  const { emulator } = suite;
  const workspace = emulator.store.workspacesIn('ACTIVE')[0]!;
  const matter = emulator.store.createFolder(workspace.id, { name, owner: 'jsmith' });
  const pleadings = emulator.store.createFolder(matter.id, { name: 'Pleadings', owner: 'jsmith' });
  const drafts = emulator.store.createFolder(pleadings.id, { name: 'Drafts', owner: 'jsmith' });
  const documents = {
    notes: addTextDocument(emulator, matter.id, 'Notes', 'notes'),
    claim: addTextDocument(emulator, pleadings.id, 'Claim', 'the claim'),
    defence: addTextDocument(emulator, pleadings.id, 'Defence', 'the defence'),
    draft: addTextDocument(emulator, drafts.id, 'Draft', 'a draft'),
  };
  afterIndexLag();
  return { matter, pleadings, drafts, documents };
}

const idOf = (document: { library: string; number: number }) => `${document.library}!${document.number}`;

async function syncMatter(name: string, options: { maxDeletes?: number } = {}) {
  const matter = createMatter(name);
  const target = await createLocalConnector(suite.server.lexbridge, suite.root, name);
  const first = await createAndRun(suite.server.lexbridge, suite.user, {
    type: 'one_way_sync',
    source: { connectorId: suite.imanageId, id: matter.matter.id },
    target: { connectorId: target.id, id: '' },
    options,
  });
  expect(first.run).toMatchObject({ status: 'succeeded', created: 6 });
  expect(await actualTree(target.path)).toEqual(expectedTree(suite.emulator, matter.matter.id));
  return { ...matter, target, workflow: first.workflow };
}

describe('one-way sync from iManage to a local folder, after a folder rename', () => {
  it('deletes documents removed inside the renamed folder at their new place on the target', async () => {
    const { emulator, server } = suite;
    const { matter, pleadings, documents, target, workflow } = await syncMatter('rename-delete');

    emulator.store.renameContainer(pleadings.id, { name: 'Pleadings 2026' });
    emulator.store.deleteDocument(idOf(documents.claim));
    emulator.store.deleteDocument(idOf(documents.draft));
    afterIndexLag();

    const { run, items } = await runNow(server.lexbridge, workflow);
    expect(run).toMatchObject({ status: 'succeeded', deleted: 2, updated: 1, failed: 0 });
    const deletes = items.filter((i) => i.action === 'delete').map((i) => [i.outcome, i.targetPath]);
    expect(deletes.sort()).toEqual([
      ['done', 'Pleadings 2026/Claim.txt'],
      ['done', 'Pleadings 2026/Drafts/Draft.txt'],
    ]);
    expect(await actualTree(target.path)).toEqual(expectedTree(emulator, matter.id));
    expect(await actualTree(target.path)).toEqual({
      'Notes.txt': expect.any(String),
      'Pleadings 2026/Defence.txt': expect.any(String),
    });

    const again = await runNow(server.lexbridge, workflow);
    expect(again.run).toMatchObject({ status: 'succeeded', created: 0, updated: 0, deleted: 0 });
  });

  it('a full pass removes a copy whose source is gone and whose link an earlier run dropped, and nothing else', async () => {
    const { emulator, server } = suite;
    const { matter, documents, target, workflow } = await syncMatter('orphan', { maxDeletes: 0 });

    // What a run before the fix left: the source deleted, the link dropped, the copy still on the target.
    emulator.store.deleteDocument(idOf(documents.defence));
    await server.lexbridge.store.db
      .delete(itemLinks)
      .where(and(eq(itemLinks.workflowId, workflow.id), eq(itemLinks.targetName, 'Defence.txt')));
    afterIndexLag();
    // The person's own files in the target folder: never Lexbridge's to remove.
    await writeFile(join(target.path, 'Pleadings', 'My notes.txt'), 'mine');
    await writeFile(join(target.path, 'Defence.txt'), 'my own defence, not the copied one');
    await writeFile(join(target.path, 'Pleadings', 'Drafts', 'Defence.txt'), 'the defenca'); // same size, other bytes

    const held = await runNow(server.lexbridge, workflow);
    expect(held.run).toMatchObject({ status: 'succeeded', deleted: 0, skipped: 1 });
    expect(held.items.find((i) => i.action === 'delete')).toMatchObject({
      outcome: 'skipped',
      errorCode: 'workflow_max_deletes_exceeded',
      sourcePath: 'Pleadings/Defence.txt',
    });
    expect(Object.keys(await actualTree(target.path))).toContain('Pleadings/Defence.txt');

    await server.lexbridge.store.db
      .update(workflows)
      .set({ options: { ...workflow.options, maxDeletes: 10 } })
      .where(eq(workflows.id, workflow.id));
    const [current] = await server.lexbridge.store.db
      .select()
      .from(workflows)
      .where(eq(workflows.id, workflow.id));
    const repaired = await runNow(server.lexbridge, current!);
    expect(repaired.run).toMatchObject({ status: 'succeeded', deleted: 1, created: 0, failed: 0 });
    expect(repaired.items.find((i) => i.action === 'delete')).toMatchObject({
      outcome: 'done',
      targetPath: 'Pleadings/Defence.txt',
    });
    expect(await actualTree(target.path)).toEqual({
      ...expectedTree(emulator, matter.id),
      'Pleadings/My notes.txt': expect.any(String),
      'Defence.txt': expect.any(String),
      'Pleadings/Drafts/Defence.txt': expect.any(String),
    });
  });
});
