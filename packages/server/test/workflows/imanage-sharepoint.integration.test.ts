import { randomBytes } from 'node:crypto';
import { quickXorHash } from '@lexbridge/graph-emulator';
import { bytesContent } from '@lexbridge/imanage-emulator/content.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAndRun, runNow } from './helpers.ts';
import {
  type Both,
  browseTo,
  imanageFiles,
  libraryOf,
  sharepointFiles,
  startBoth,
} from './imanage-sharepoint.ts';

/**
 * iManage ↔ SharePoint through Lexbridge workflows, both emulators over real HTTP: a Copy of an
 * iManage folder into a SharePoint library (every file checked by size and by a quickXorHash computed
 * here from the iManage bytes), a One-way sync into a Teams channel's files folder where a new
 * iManage version becomes a new version of the same SharePoint item, and a Copy back from a
 * SharePoint library into an iManage folder.
 */
let both: Both;
let workspaceId: string;

beforeAll(async () => {
  both = await startBoth();
  workspaceId = both.imanage.store.workspacesIn('ACTIVE')[0]!.id;
}, 60_000);

afterAll(async () => {
  await both?.close();
});

const folders = () => both.imanage.store.subfolders(workspaceId);

describe('iManage → SharePoint', () => {
  it('copies an iManage folder into a library, every file verified by size and quickXorHash', async () => {
    const source = folders()[0]!;
    // Above the 4 MiB simple-upload limit: this one goes through an upload session.
    both.imanage.store.createDocument(source.id, 'jsmith', {
      name: 'Trial bundle',
      extension: 'pdf',
      content: bytesContent(randomBytes(6 * 1024 * 1024 + 777)),
    });
    both.imanage.clock.advance(6_000); // past the emulator's search index lag, as a real server's
    const target = await browseTo(both, ['Sites I follow', 'Matter 1001 - Acme v Globex', 'Filed Documents']);
    const { drive, root } = libraryOf(both.graph, 'Matter1001', 'Filed Documents');
    const already = sharepointFiles(both.graph, drive.id, root.id); // the seeded engagement letter
    const { run } = await createAndRun(both.server.lexbridge, both.user, {
      type: 'copy',
      source: { connectorId: both.imanageId, id: source.id },
      target: { connectorId: both.sharepointId, id: target },
    });
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    const expected = await imanageFiles(both.imanage, source.id);
    expect(Object.keys(expected).length).toBeGreaterThan(3);
    expect(expected['Trial bundle.pdf']?.size).toBe(6 * 1024 * 1024 + 777);
    expect(sharepointFiles(both.graph, drive.id, root.id)).toEqual({ ...already, ...expected });
  });

  it('one-way sync into a Teams channel: a new iManage version is a new version of the same SharePoint item', async () => {
    const source = folders()[1]!;
    const channel = await browseTo(both, ['Teams', 'Acme Litigation Team', 'General']);
    const { workflow, run } = await createAndRun(both.server.lexbridge, both.user, {
      type: 'one_way_sync',
      source: { connectorId: both.imanageId, id: source.id },
      target: { connectorId: both.sharepointId, id: channel },
    });
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    const [driveId, folderId] = channel.split('/') as [string, string];
    const before = sharepointFiles(both.graph, driveId, folderId);
    expect(before).toEqual(await imanageFiles(both.imanage, source.id));

    const document = both.imanage.store.documentsIn(source.id)[0]!;
    const name = `${document.name}.${document.versions.at(-1)!.extension}`;
    const folder = both.graph.store.item(driveId, folderId);
    const item = both.graph.store.resolvePath(folder, name)!;
    const revised = randomBytes(40_000);
    both.imanage.addDocumentVersion(`${document.library}!${document.number}`, revised);
    both.imanage.clock.advance(6_000); // past the emulator's search index lag, as a real server's

    const second = await runNow(both.server.lexbridge, workflow);
    expect(second.run.status, JSON.stringify(second.run)).toBe('succeeded');
    expect({ created: second.run.created, updated: second.run.updated }).toEqual({ created: 0, updated: 1 });
    const after = both.graph.store.resolvePath(folder, name)!;
    expect(after.id).toBe(item.id);
    expect(after.versions.map((v) => v.id)).toEqual(['1.0', '2.0']);
    expect(after.versions.at(-1)).toMatchObject({
      size: revised.length,
      quickXorHash: quickXorHash(revised),
    });
    const files = sharepointFiles(both.graph, driveId, folderId);
    expect(Object.keys(files).sort()).toEqual(Object.keys(before).sort());
    expect(files).toEqual(await imanageFiles(both.imanage, source.id));
  });
});

describe('SharePoint → iManage', () => {
  it('copies a library (folders and files) into an iManage folder, verified', async () => {
    const target = both.imanage.store.createFolder(workspaceId, { name: 'From SharePoint', owner: 'jsmith' });
    const source = await browseTo(both, ['Sites I follow', 'Matter 1001 - Acme v Globex', 'Documents']);
    const { run } = await createAndRun(both.server.lexbridge, both.user, {
      type: 'copy',
      source: { connectorId: both.sharepointId, id: source },
      target: { connectorId: both.imanageId, id: target.id },
    });
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    const { drive, root } = libraryOf(both.graph, 'Matter1001', 'Documents');
    const expected = sharepointFiles(both.graph, drive.id, root.id);
    expect(Object.keys(expected)).toContain('Exhibit A.pdf');
    expect(await imanageFiles(both.imanage, target.id)).toEqual(expected);
  });
});
