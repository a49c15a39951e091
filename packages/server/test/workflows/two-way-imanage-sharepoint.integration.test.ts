import { randomBytes } from 'node:crypto';
import { quickXorHash } from '@lexbridge/graph-emulator';
import { ItemChanges } from '@lexbridge/graph-emulator/store/items.ts';
import { bytesContent } from '@lexbridge/imanage-emulator/content.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alex } from '../connectors/sharepoint/graph.ts';
import { createAndRun, runNow } from './helpers.ts';
import { type Both, browseTo, imanageFiles, sharepointFiles, startBoth } from './imanage-sharepoint.ts';

/**
 * Two-way sync between an iManage folder and a folder in a Teams channel, both emulators over real
 * HTTP: each side's new documents and new versions reach the other as versions of the same item,
 * ten passes with no change write nothing, a conflict keeps both edits (a new iManage version, and
 * the iManage edit beside the SharePoint document), and a document checked out in iManage waits.
 */
let both: Both;
let folderId: string;
let driveId: string;
let spFolderId: string;

beforeAll(async () => {
  both = await startBoth();
  const workspaceId = both.imanage.store.workspacesIn('ACTIVE')[0]!.id;
  folderId = both.imanage.store.createFolder(workspaceId, { name: 'Two-way', owner: 'jsmith' }).id;
  for (const name of ['Pleading', 'Witness statement'])
    both.imanage.store.createDocument(folderId, 'jsmith', {
      name,
      extension: 'docx',
      content: bytesContent(randomBytes(20_000)),
    });
  const channel = await browseTo(both, ['Teams', 'Acme Litigation Team', 'General']);
  const [drive, channelFolder] = channel.split('/') as [string, string];
  driveId = drive;
  const folder = changes().createFolder(
    both.graph.store.item(drive, channelFolder),
    'Two-way',
    user(),
    'fail',
  );
  spFolderId = folder.id;
  await spPut('Draft from Teams.docx', randomBytes(15_000));
}, 60_000);

afterAll(async () => {
  await both?.close();
});

const changes = () => new ItemChanges(both.graph.store);
const user = () => both.graph.store.findUser(alex)!;
const spFolder = () => both.graph.store.item(driveId, spFolderId);
async function content(bytes: Buffer) {
  const blobId = await both.graph.store.blobs.putBytes(bytes);
  return {
    blobId,
    size: bytes.length,
    quickXorHash: quickXorHash(bytes),
    mimeType: 'application/octet-stream',
  };
}
/** A file saved in Teams by a person. */
async function spPut(name: string, bytes: Buffer) {
  return changes().putFile(spFolder(), name, await content(bytes), user(), 'fail');
}
/** A new version saved in Teams by a person. */
async function spEdit(name: string, bytes: Buffer) {
  const item = both.graph.store.resolvePath(spFolder(), name)!;
  both.graph.clock.advance(60_000);
  return changes().addVersion(item, await content(bytes), user());
}
const imanageDocument = (name: string) =>
  both.imanage.store.documentsIn(folderId).find((d) => d.name === name)!;
const inStep = async () =>
  expect(sharepointFiles(both.graph, driveId, spFolderId)).toEqual(
    await imanageFiles(both.imanage, folderId),
  );

describe('two-way sync, iManage ↔ Teams channel', () => {
  let workflow: Awaited<ReturnType<typeof createAndRun>>['workflow'];

  it('brings each side the other’s documents, and writes nothing over 10 passes with no change', async () => {
    const first = await createAndRun(both.server.lexbridge, both.user, {
      type: 'two_way_sync',
      source: { connectorId: both.imanageId, id: folderId },
      target: { connectorId: both.sharepointId, id: `${driveId}/${spFolderId}` },
    });
    workflow = first.workflow;
    expect(first.run.status, JSON.stringify(first.items)).toBe('succeeded');
    expect(first.run.created).toBe(3);
    await inStep();
    for (let pass = 0; pass < 10; pass++) {
      const again = await runNow(both.server.lexbridge, workflow);
      expect(again.run.status).toBe('succeeded');
      expect(again.items).toEqual([]);
    }
  });

  it('a new version on either side becomes a new version of the same item on the other', async () => {
    const pleading = imanageDocument('Pleading');
    both.imanage.addDocumentVersion(`${pleading.library}!${pleading.number}`, randomBytes(21_000));
    const itemBefore = both.graph.store.resolvePath(spFolder(), 'Draft from Teams.docx')!;
    await spEdit('Draft from Teams.docx', randomBytes(16_000));
    const { run } = await runNow(both.server.lexbridge, workflow);
    expect(run.status).toBe('succeeded');
    expect({ created: run.created, updated: run.updated }).toEqual({ created: 0, updated: 2 });
    expect(both.graph.store.resolvePath(spFolder(), 'Pleading.docx')!.versions.map((v) => v.id)).toEqual([
      '1.0',
      '2.0',
    ]);
    expect(imanageDocument('Draft from Teams').versions).toHaveLength(2);
    expect(both.graph.store.resolvePath(spFolder(), 'Draft from Teams.docx')!.id).toBe(itemBefore.id);
    await inStep();
    expect((await runNow(both.server.lexbridge, workflow)).items).toEqual([]);
  });

  it('keeps both edits of a document changed on both sides', async () => {
    const statement = imanageDocument('Witness statement');
    const fromImanage = randomBytes(22_000);
    const fromTeams = randomBytes(23_000);
    both.imanage.addDocumentVersion(`${statement.library}!${statement.number}`, fromImanage);
    await spEdit('Witness statement.docx', fromTeams);
    const { run, items } = await runNow(both.server.lexbridge, workflow);
    expect(run.status, JSON.stringify(items)).toBe('succeeded');
    const conflict = items.find((i) => i.action === 'conflict')!;
    expect(conflict.conflict).toMatchObject({
      policy: 'keep_both',
      kept: 'target',
      copy: { side: 'target' },
    });
    const copyName = (conflict.conflict as { copy: { name: string } }).copy.name;
    expect(copyName).toMatch(/^Witness statement \(conflict from .+, \d{4}-\d\d-\d\d \d\d\.\d\d\)\.docx$/);
    // iManage: Teams' edit is the new version, its own edit the one before.
    const versions = imanageDocument('Witness statement').versions;
    expect(versions.length).toBe(3);
    // The new version says why it exists, naming the copy kept beside the Teams document.
    expect(versions[2]!.comment).toContain('Two-way sync conflict');
    expect(versions[2]!.comment).toContain(copyName);
    const sp = sharepointFiles(both.graph, driveId, spFolderId);
    expect(sp['Witness statement.docx']).toEqual({
      size: fromTeams.length,
      quickXorHash: quickXorHash(fromTeams),
    });
    expect(sp[copyName]).toEqual({ size: fromImanage.length, quickXorHash: quickXorHash(fromImanage) });
    // The conflict copy is an ordinary document from then on: iManage holds it too.
    await inStep();
    expect((await runNow(both.server.lexbridge, workflow)).items).toEqual([]);
  });

  it('a document checked out in iManage waits, and the Teams edit lands after check-in', async () => {
    const pleading = imanageDocument('Pleading');
    both.imanage.setCheckout(`${pleading.library}!${pleading.number}`, 'someone-else');
    const edit = randomBytes(24_000);
    await spEdit('Pleading.docx', edit);
    const held = await runNow(both.server.lexbridge, workflow);
    expect(held.run.status).toBe('partial');
    expect(held.items.find((i) => i.outcome === 'failed')).toMatchObject({
      direction: 'backward',
      kind: 'document',
    });
    both.imanage.setCheckout(`${pleading.library}!${pleading.number}`, undefined);
    const after = await runNow(both.server.lexbridge, workflow);
    expect(after.run.status).toBe('succeeded');
    expect(after.run.updated).toBe(1);
    await inStep();
  });
});
