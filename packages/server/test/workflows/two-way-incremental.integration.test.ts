import { randomBytes } from 'node:crypto';
import { quickXorHash } from '@lexbridge/graph-emulator';
import { ItemChanges } from '@lexbridge/graph-emulator/store/items.ts';
import { bytesContent } from '@lexbridge/imanage-emulator/content.ts';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflows } from '../../src/store/schema.ts';
import type { WorkflowRow } from '../../src/workflows/model.ts';
import { requestRun } from '../../src/workflows/runs.ts';
import { alex } from '../connectors/sharepoint/graph.ts';
import { createAndRun, finishRun } from './helpers.ts';
import { type Both, browseTo, imanageFiles, sharepointFiles, startBoth } from './imanage-sharepoint.ts';

/**
 * Incremental two-way passes, iManage ↔ Teams channel over real HTTP: a scheduled pass between full
 * reconciliations reads each side's change feed (iManage's edit-date search, Graph's delta) from its
 * watermark instead of listing both folders, picks up what changed on either side, still finds
 * conflicts and never carries a delete; with no change its calls stay the same whatever the size.
 * Calls are counted on the emulators (iManage's request log, the Graph emulator's request count).
 */
let both: Both;
let folderId: string;
let driveId: string;
let spFolderId: string;

beforeAll(async () => {
  both = await startBoth();
  const workspaceId = both.imanage.store.workspacesIn('ACTIVE')[0]!.id;
  folderId = both.imanage.store.createFolder(workspaceId, { name: 'Incremental', owner: 'jsmith' }).id;
  for (const name of ['Pleading', 'Witness statement']) imanagePut(folderId, name);
  const channel = await browseTo(both, ['Teams', 'Acme Litigation Team', 'General']);
  const [drive, channelFolder] = channel.split('/') as [string, string];
  driveId = drive;
  spFolderId = changes().createFolder(
    both.graph.store.item(drive, channelFolder),
    'Incremental',
    user(),
    'fail',
  ).id;
  await spPut(spFolder(), 'Draft from Teams.docx');
}, 60_000);

afterAll(async () => {
  await both?.close();
});

const changes = () => new ItemChanges(both.graph.store);
const user = () => both.graph.store.findUser(alex)!;
const spFolder = () => both.graph.store.item(driveId, spFolderId);
const imanagePut = (parent: string, name: string) =>
  both.imanage.store.createDocument(parent, 'jsmith', {
    name,
    extension: 'docx',
    content: bytesContent(randomBytes(2_000)),
  });
const imanageDocument = (name: string) =>
  both.imanage.store.documentsIn(folderId).find((d) => d.name === name)!;
async function content(bytes: Buffer) {
  const blobId = await both.graph.store.blobs.putBytes(bytes);
  return {
    blobId,
    size: bytes.length,
    quickXorHash: quickXorHash(bytes),
    mimeType: 'application/octet-stream',
  };
}
async function spPut(parent: ReturnType<typeof spFolder>, name: string) {
  return changes().putFile(parent, name, await content(randomBytes(1_500)), user(), 'fail');
}
const inStep = async () =>
  expect(sharepointFiles(both.graph, driveId, spFolderId)).toEqual(
    await imanageFiles(both.imanage, folderId),
  );

/** API calls each emulator answers from now on (iManage's Work API only, not sign-in). */
function countCalls() {
  const last = both.imanage.requests.at(-1);
  const graphBefore = both.graph.graphRequests;
  return () => {
    const log = both.imanage.requests;
    const since = log.slice(last ? log.lastIndexOf(last) + 1 : 0);
    return {
      imanage: since.filter((r) => r.path.includes('/work/api/')).length,
      graph: both.graph.graphRequests - graphBefore,
    };
  };
}

/**
 * A scheduled pass that is not due for a full reconciliation (incremental), or a full one. iManage's
 * search sees changes 5 s late (as a real Work Server's index does): its clock moves past that first.
 */
async function pass(workflow: WorkflowRow, kind: 'incremental' | 'full') {
  both.imanage.clock.advance(6_000);
  const [row] = await both.server.lexbridge.store.db
    .select()
    .from(workflows)
    .where(eq(workflows.id, workflow.id));
  const run = await requestRun(both.server.lexbridge, row!, {
    trigger: 'schedule',
    fullReconcile: kind === 'full',
  });
  const calls = countCalls();
  const done = await finishRun(both.server.lexbridge, run.id);
  return { ...done, calls: calls() };
}

describe('incremental two-way passes, iManage ↔ Teams channel', () => {
  let workflow: WorkflowRow;

  it('the first pass records a change watermark for each side', async () => {
    const first = await createAndRun(both.server.lexbridge, both.user, {
      type: 'two_way_sync',
      source: { connectorId: both.imanageId, id: folderId },
      target: { connectorId: both.sharepointId, id: `${driveId}/${spFolderId}` },
    });
    workflow = first.workflow;
    expect(first.run.status, JSON.stringify(first.items)).toBe('succeeded');
    expect(first.run.created).toBe(3);
    const [row] = await both.server.lexbridge.store.db
      .select()
      .from(workflows)
      .where(eq(workflows.id, workflow.id));
    expect(row!.changeWatermark).toBeInstanceOf(Date);
    expect(row!.targetChangeWatermark).toBeInstanceOf(Date);
    await inStep();
  });

  it('picks up a new version and a new document on each side, and copies nothing back', async () => {
    const pleading = imanageDocument('Pleading');
    both.imanage.addDocumentVersion(`${pleading.library}!${pleading.number}`, randomBytes(2_100));
    imanagePut(folderId, 'Letter from iManage');
    const draft = both.graph.store.resolvePath(spFolder(), 'Draft from Teams.docx')!;
    changes().addVersion(draft, await content(randomBytes(1_600)), user());
    await spPut(spFolder(), 'Note from Teams.docx');
    const { run, items } = await pass(workflow, 'incremental');
    expect(run.status, JSON.stringify(items)).toBe('succeeded');
    expect({ created: run.created, updated: run.updated }).toEqual({ created: 2, updated: 2 });
    expect(items.map((i) => [i.direction, i.action, i.sourcePath]).sort()).toEqual([
      ['backward', 'create', 'Note from Teams.docx'],
      ['backward', 'update', 'Draft from Teams.docx'],
      ['forward', 'create', 'Letter from iManage.docx'],
      ['forward', 'update', 'Pleading.docx'],
    ]);
    expect(both.graph.store.resolvePath(spFolder(), 'Pleading.docx')!.versions).toHaveLength(2);
    expect(imanageDocument('Draft from Teams').versions).toHaveLength(2);
    await inStep();
    // What this pass wrote comes back in both change feeds, and is recognised as Lexbridge's own.
    for (let again = 0; again < 3; again++) expect((await pass(workflow, 'incremental')).items).toEqual([]);
  });

  it('finds a conflict from the change feeds and keeps both edits', async () => {
    const statement = imanageDocument('Witness statement');
    both.imanage.addDocumentVersion(`${statement.library}!${statement.number}`, randomBytes(2_200));
    const item = both.graph.store.resolvePath(spFolder(), 'Witness statement.docx')!;
    both.graph.clock.advance(60_000);
    changes().addVersion(item, await content(randomBytes(2_300)), user());
    const { run, items } = await pass(workflow, 'incremental');
    expect(run.status, JSON.stringify(items)).toBe('succeeded');
    expect(items.find((i) => i.action === 'conflict')?.conflict).toMatchObject({
      policy: 'keep_both',
      kept: 'target',
    });
    expect(imanageDocument('Witness statement').versions).toHaveLength(3);
    await inStep();
    expect((await pass(workflow, 'incremental')).items).toEqual([]);
  });

  it('never carries a delete: an incremental pass leaves it, the full pass records it', async () => {
    const letter = imanageDocument('Letter from iManage');
    both.imanage.store.deleteDocument(`${letter.library}!${letter.number}`);
    expect((await pass(workflow, 'incremental')).items).toEqual([]);
    const full = await pass(workflow, 'full');
    expect(full.run.status).toBe('succeeded');
    expect(full.items.map((i) => [i.errorCode, i.sourcePath])).toEqual([
      ['workflow_delete_not_propagated', 'Letter from iManage.docx'],
    ]);
    expect(both.graph.store.resolvePath(spFolder(), 'Letter from iManage.docx')).toBeTruthy();
    expect((await pass(workflow, 'incremental')).items).toEqual([]);
  });

  it('with no change, makes the same few calls per side whatever the size; a full pass grows', async () => {
    const small = { full: await pass(workflow, 'full'), incremental: await pass(workflow, 'incremental') };
    for (let f = 0; f < 4; f++) {
      const folder = both.imanage.store.createFolder(folderId, { name: `iManage ${f}`, owner: 'jsmith' });
      for (let d = 0; d < 5; d++) imanagePut(folder.id, `Doc ${f}-${d}`);
      const spSub = changes().createFolder(spFolder(), `Teams ${f}`, user(), 'fail');
      for (let d = 0; d < 5; d++) await spPut(spSub, `File ${f}-${d}.docx`);
    }
    const grown = await pass(workflow, 'full');
    expect(grown.run.created, JSON.stringify(grown.items)).toBe(48);
    // In step, but for the document deleted in iManage, which stays in Teams.
    const { 'Letter from iManage.docx': _kept, ...teams } = sharepointFiles(both.graph, driveId, spFolderId);
    expect(teams).toEqual(await imanageFiles(both.imanage, folderId));
    const large = { full: await pass(workflow, 'full'), incremental: await pass(workflow, 'incremental') };
    for (const figures of [small, large]) {
      expect(figures.full.items).toEqual([]);
      expect(figures.incremental.items).toEqual([]);
    }
    expect(large.incremental.calls).toEqual(small.incremental.calls);
    expect(large.full.calls.imanage).toBeGreaterThan(small.full.calls.imanage);
    expect(large.full.calls.graph).toBeGreaterThan(small.full.calls.graph);
    // A few calls per side (the feed, the folder, the root's id), fewer than a full pass of this size.
    expect(large.incremental.calls.imanage).toBeLessThan(large.full.calls.imanage);
    expect(large.incremental.calls.graph).toBeLessThan(large.full.calls.graph);
  });
});
