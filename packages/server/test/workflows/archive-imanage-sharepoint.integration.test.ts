import { randomBytes } from 'node:crypto';
import { quickXorHash } from '@lexbridge/graph-emulator';
import { ItemChanges } from '@lexbridge/graph-emulator/store/items.ts';
import { grant, roleOn, stopInheriting } from '@lexbridge/graph-emulator/store/permissions.ts';
import { openContent } from '@lexbridge/imanage-emulator/content.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/workflows/archive/manifest.ts';
import { alex } from '../connectors/sharepoint/graph.ts';
import { signIn } from '../support/lexbridge.ts';
import { createAndRun } from './helpers.ts';
import { type Both, browseTo, imanageFiles, sharepointFiles, startBoth } from './imanage-sharepoint.ts';

/**
 * Archive of a folder in a Teams channel into an iManage folder, both emulators over real HTTP: every
 * document copied and verified, the manifest stored in iManage, the Teams folder emptied; and a
 * document whose download keeps failing (the Graph emulator's fault injection) removes nothing.
 */
let both: Both;
let workspaceId: string;
let driveId: string;
let channelId: string;

beforeAll(async () => {
  both = await startBoth();
  workspaceId = both.imanage.store.workspacesIn('ACTIVE')[0]!.id;
  const channel = await browseTo(both, ['Teams', 'Acme Litigation Team', 'General']);
  [driveId, channelId] = channel.split('/') as [string, string];
}, 60_000);

afterAll(async () => {
  await both?.close();
});

const changes = () => new ItemChanges(both.graph.store);
const person = () => both.graph.store.findUser(alex)!;

/** A folder in the channel holding `files` (name → bytes), one level of subfolder allowed ("a/b.docx"). */
async function teamsFolder(name: string, files: Record<string, Buffer>) {
  const folder = changes().createFolder(both.graph.store.item(driveId, channelId), name, person(), 'fail');
  for (const [path, bytes] of Object.entries(files)) {
    const parts = path.split('/');
    let parent = folder;
    for (const part of parts.slice(0, -1))
      parent =
        both.graph.store.resolvePath(parent, part) ?? changes().createFolder(parent, part, person(), 'fail');
    const blobId = await both.graph.store.blobs.putBytes(bytes);
    changes().putFile(
      parent,
      parts.at(-1)!,
      { blobId, size: bytes.length, quickXorHash: quickXorHash(bytes), mimeType: 'application/octet-stream' },
      person(),
      'fail',
    );
  }
  return folder;
}

async function textOf(content: Parameters<typeof openContent>[0]) {
  const chunks: Buffer[] = [];
  for await (const chunk of openContent(content)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('archive, Teams folder → iManage folder', () => {
  it('copies and verifies every document, stores the manifest in iManage, then empties the Teams folder', async () => {
    const folder = await teamsFolder('Closed matter', {
      'Pleading.docx': randomBytes(20_000),
      'Evidence/Exhibit 1.pdf': randomBytes(33_333),
    });
    const expected = sharepointFiles(both.graph, driveId, folder.id);
    const target = both.imanage.store.createFolder(workspaceId, { name: 'Archive 1', owner: 'jsmith' });
    const { run, items } = await createAndRun(both.server.lexbridge, both.user, {
      type: 'archive',
      source: { connectorId: both.sharepointId, id: `${driveId}/${folder.id}` },
      target: { connectorId: both.imanageId, id: target.id },
    });
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    const archived = await imanageFiles(both.imanage, target.id);
    const manifestName = Object.keys(archived).find((n) => n.startsWith('Archive manifest '))!;
    expect(manifestName).toBeDefined();
    const { [manifestName]: _manifest, ...copies } = archived;
    expect(copies).toEqual(expected);
    expect(sharepointFiles(both.graph, driveId, folder.id)).toEqual({});
    expect(
      [...both.graph.store.subtree(both.graph.store.item(driveId, folder.id))].length,
    ).toBeLessThanOrEqual(1);

    const stored = both.imanage.store
      .documentsIn(target.id)
      .find((d) => `${d.name}.${d.versions.at(-1)!.extension}` === manifestName)!;
    const rows = parseManifest(await textOf(stored.versions.at(-1)!.content));
    expect(rows.map((r) => [r.sourcePath, r.size]).sort()).toEqual([
      ['Evidence/Exhibit 1.pdf', 33_333],
      ['Pleading.docx', 20_000],
    ]);
    for (const row of rows) {
      expect(row.targetId).toMatch(/!/);
      expect(row.targetVersion).toBe('1');
      expect(row.sha256).toMatch(/^[0-9a-f]{64}$/);
    }
    expect(items.find((i) => i.action === 'manifest')).toMatchObject({ outcome: 'done' });

    // The owner downloads it from the run; another User may not, and learns nothing about the run.
    const download = (cookie: string, id = run.id) =>
      fetch(`${both.server.url}/api/workflow-runs/${id}/manifest`, { headers: { cookie } });
    const res = await download(both.user.cookie);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toContain(encodeURIComponent(manifestName));
    expect(parseManifest(await res.text())).toEqual(rows);
    const stranger = await signIn(both.server.lexbridge, { roles: ['User'] });
    const refused = await download(stranger.cookie);
    expect(refused.status).toBe(404);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('workflow_run_not_found');
  });

  it('a document that cannot be read removes nothing from Teams, and the run says why', async () => {
    const folder = await teamsFolder('Failing matter', {
      'Good.docx': randomBytes(10_000),
      'Bad.docx': randomBytes(12_000),
    });
    const expected = sharepointFiles(both.graph, driveId, folder.id);
    const bad = both.graph.store.resolvePath(folder, 'Bad.docx')!;
    const target = both.imanage.store.createFolder(workspaceId, { name: 'Archive 2', owner: 'jsmith' });
    const fault = await both.graph.fetch(`${both.graph.loginUrl}/__emulator/faults/next`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'error', status: 500, count: 100, path: bad.id }),
    });
    expect(fault.status).toBeLessThan(300);
    try {
      const { run } = await createAndRun(both.server.lexbridge, both.user, {
        type: 'archive',
        source: { connectorId: both.sharepointId, id: `${driveId}/${folder.id}` },
        target: { connectorId: both.imanageId, id: target.id },
      });
      expect(run.status, JSON.stringify(run)).toBe('partial');
      expect(run.error).toMatch(/Nothing was removed from the source/);
      const none = await fetch(`${both.server.url}/api/workflow-runs/${run.id}/manifest`, {
        headers: { cookie: both.user.cookie },
      });
      expect(none.status).toBe(404);
      expect(((await none.json()) as { error: { code: string } }).error.code).toBe(
        'workflow_archive_manifest_not_found',
      );
    } finally {
      await both.graph.fetch(`${both.graph.loginUrl}/__emulator/faults`, { method: 'DELETE' });
    }
    expect(sharepointFiles(both.graph, driveId, folder.id)).toEqual(expected);
    expect(
      Object.keys(await imanageFiles(both.imanage, target.id)).some((n) => n.startsWith('Archive')),
    ).toBe(false);
  }, 60_000);

  it('"leave" writes the link to the iManage folder, then makes the folder read-only for everyone Graph allows', async () => {
    const folder = await teamsFolder('Closed deal room', { 'Term sheet.docx': randomBytes(9_000) });
    const expected = sharepointFiles(both.graph, driveId, folder.id);
    // A site owner gave the room permissions of its own: the site's people, and an edit link for Debra.
    stopInheriting(both.graph.store, folder);
    const debra = both.graph.store.findUser('debra.berger@contoso.onmicrosoft.com')!;
    grant(both.graph.store, folder, {
      roles: ['write'],
      link: { type: 'edit', scope: 'organization', userIds: [debra.id] },
    });
    const target = both.imanage.store.createFolder(workspaceId, { name: 'Archive 3', owner: 'jsmith' });
    const { run, items } = await createAndRun(both.server.lexbridge, both.user, {
      type: 'archive',
      source: { connectorId: both.sharepointId, id: `${driveId}/${folder.id}` },
      target: { connectorId: both.imanageId, id: target.id },
      options: { archiveSource: 'leave' },
    });
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    const link = items.find((i) => i.action === 'link_file')!;
    expect(link).toMatchObject({ outcome: 'done', sourcePath: 'Archived to iManage.url' });
    expect(link.targetPath).toBe(`${both.imanage.url}/work/link/f/${encodeURIComponent(target.id)}`);
    const readOnly = items.find((i) => i.action === 'read_only');
    expect(readOnly, readOnly?.error ?? '').toMatchObject({ outcome: 'done', errorCode: null });
    const left = sharepointFiles(both.graph, driveId, folder.id);
    expect(left['Archived to iManage.url']).toBeDefined();
    delete left['Archived to iManage.url'];
    expect(left).toEqual(expected);
    // Everyone who could write may now only read; the edit link is gone.
    expect(folder.permissions!.every((p) => p.roles.join() === 'read' && !p.link)).toBe(true);
    expect(roleOn(both.graph.store, folder, person().id)).toBe('read');
    expect(roleOn(both.graph.store, folder, debra.id)).toBeUndefined();
  }, 60_000);

  it('"leave" on a folder that inherits the site\'s permissions says who can still write, and why', async () => {
    const folder = await teamsFolder('Open matter', { 'Memo.docx': randomBytes(5_000) });
    const target = both.imanage.store.createFolder(workspaceId, { name: 'Archive 4', owner: 'jsmith' });
    const { run, items } = await createAndRun(both.server.lexbridge, both.user, {
      type: 'archive',
      source: { connectorId: both.sharepointId, id: `${driveId}/${folder.id}` },
      target: { connectorId: both.imanageId, id: target.id },
      options: { archiveSource: 'leave' },
    });
    expect(run.status, JSON.stringify(run)).toBe('succeeded');
    const readOnly = items.find((i) => i.action === 'read_only')!;
    expect(readOnly).toMatchObject({ outcome: 'skipped', errorCode: 'workflow_archive_permissions_left' });
    expect(readOnly.error).toMatch(/made 0 permission\(s\) read-only.*Alex Wilber \(inherited from the site/);
    expect(readOnly.error).toMatch(/site owner can stop the folder inheriting/);
    expect(folder.permissions).toBeUndefined();
  }, 60_000);
});
