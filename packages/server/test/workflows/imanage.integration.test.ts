import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowRuns, workflows } from '../../src/store/schema.ts';
import { cancelRun, performRun, requestRun } from '../../src/workflows/runs.ts';
import { createWorkflow } from '../../src/workflows/service.ts';
import { authoriseThroughEmulator } from '../connectors/support.ts';
import { createAndRun, createLocalConnector, finishRun, runNow, writeTree } from './helpers.ts';
import {
  actualTree,
  expectedTree as expectedTreeOf,
  type ImanageSuite,
  startImanageSuite,
} from './imanage-local.ts';

let suite: ImanageSuite;
let server: ImanageSuite['server'];
let emulator: ImanageSuite['emulator'];
let user: ImanageSuite['user'];
let imanageId: string;
let root: string;
/** A workspace folder with subfolders and documents. */
let sourceFolder: string;

beforeAll(async () => {
  suite = await startImanageSuite();
  ({ server, emulator, user, imanageId, root } = suite);
  const workspace = emulator.store.workspacesIn('ACTIVE')[0]!;
  sourceFolder = emulator.store.subfolders(workspace.id)[0]!.id;
});
afterAll(async () => {
  await suite?.close();
});

/** Lets the emulator's search index (5 s behind, as on a real server) catch up with changes made directly. */
function afterIndexLag(): void {
  emulator.clock.advance(6_000);
}

const expectedTree = (folderId: string) => expectedTreeOf(emulator, folderId);

describe('iManage folder to local folder', () => {
  it('copies a folder tree, verified against the iManage checksums', async () => {
    const target = await createLocalConnector(server.lexbridge, root, 'copy');
    const { run } = await createAndRun(server.lexbridge, user, {
      type: 'copy',
      source: { connectorId: imanageId, id: sourceFolder },
      target: { connectorId: target.id, id: '' },
    });
    expect(run.status).toBe('succeeded');
    const expected = expectedTree(sourceFolder);
    expect(Object.keys(expected).length).toBeGreaterThan(3);
    expect(await actualTree(target.path)).toEqual(expected);
  });

  it('one-way sync carries a new version, a rename and a delete; a scheduled run asks only for changes', async () => {
    const target = await createLocalConnector(server.lexbridge, root, 'sync');
    const { workflow } = await createAndRun(server.lexbridge, user, {
      type: 'one_way_sync',
      source: { connectorId: imanageId, id: sourceFolder },
      target: { connectorId: target.id, id: '' },
    });
    const documents = emulator.store.documentsIn(sourceFolder);
    const [changed, renamed, removed] = documents;
    emulator.addDocumentVersion(`${changed!.library}!${changed!.number}`, 'the second version');
    emulator.store.patchDocument(`${renamed!.library}!${renamed!.number}`, 'jsmith', {
      name: 'Renamed memo',
    });
    emulator.store.deleteDocument(`${removed!.library}!${removed!.number}`);
    afterIndexLag();

    const { run } = await runNow(server.lexbridge, workflow);
    expect(run.status).toBe('succeeded');
    expect({ updated: run.updated, deleted: run.deleted, created: run.created }).toEqual({
      updated: 2,
      deleted: 1,
      created: 0,
    });
    expect(await actualTree(target.path)).toEqual(expectedTree(sourceFolder));
    const ext = changed!.versions.at(-1)!.extension;
    expect(await readFile(join(target.path, `${changed!.name}${ext ? `.${ext}` : ''}`), 'utf8')).toBe(
      'the second version',
    );

    emulator.addDocumentVersion(`${changed!.library}!${changed!.number}`, 'the third version');
    afterIndexLag();
    const [current] = await server.lexbridge.store.db
      .select()
      .from(workflows)
      .where(eq(workflows.id, workflow.id));
    const scheduled = await requestRun(server.lexbridge, current!, {
      trigger: 'schedule',
      fullReconcile: false,
    });
    expect(scheduled.fullReconcile).toBe(false);
    const incremental = await finishRun(server.lexbridge, scheduled.id);
    expect(incremental.run).toMatchObject({ status: 'succeeded', updated: 1, created: 0, deleted: 0 });
    expect(await actualTree(target.path)).toEqual(expectedTree(sourceFolder));

    // A new document in a new subfolder: the change query finds it and its folder is created first.
    const inner = emulator.store.subfolders(sourceFolder)[0]!;
    const fresh = emulator.store.createFolder(inner.id, { name: 'Fresh folder', owner: 'jsmith' });
    emulator.store.createDocument(fresh.id, 'jsmith', {
      name: 'Fresh memo',
      extension: 'txt',
      content: {
        kind: 'bytes',
        bytes: Buffer.from('fresh'),
        sha256: createHash('sha256').update('fresh').digest('hex'),
      },
    });
    afterIndexLag();
    const [latest] = await server.lexbridge.store.db
      .select()
      .from(workflows)
      .where(eq(workflows.id, workflow.id));
    const withNew = await finishRun(
      server.lexbridge,
      (await requestRun(server.lexbridge, latest!, { trigger: 'schedule', fullReconcile: false })).id,
    );
    expect(withNew.run).toMatchObject({
      status: 'succeeded',
      created: 2,
      updated: 0,
      deleted: 0,
      fullReconcile: false,
    });
    expect(await readFile(join(target.path, inner.name, 'Fresh folder', 'Fresh memo.txt'), 'utf8')).toBe(
      'fresh',
    );
    expect(await actualTree(target.path)).toEqual(expectedTree(sourceFolder));
  });

  it('recovers from 429s, 503s and downloads cut short, and copies every byte', async () => {
    const target = await createLocalConnector(server.lexbridge, root, 'faults');
    emulator.faults = {
      rateLimitRate: 0.15,
      errorRate: 0.1,
      errorStatus: 503,
      resetDownloadRate: 0.3,
      seed: 11,
    };
    try {
      const { run, items } = await createAndRun(server.lexbridge, user, {
        type: 'copy',
        source: { connectorId: imanageId, id: sourceFolder },
        target: { connectorId: target.id, id: '' },
      });
      expect(items.filter((i) => i.outcome === 'failed')).toEqual([]);
      expect(run.status).toBe('succeeded');
    } finally {
      emulator.faults = {};
    }
    expect(await actualTree(target.path)).toEqual(expectedTree(sourceFolder));
  });

  it('cancels a running run after the items in flight', async () => {
    const target = await createLocalConnector(server.lexbridge, root, 'cancel');
    // A whole workspace with slow answers: many more items than fit between two progress checkpoints.
    const workspace = emulator.store.workspacesIn('ACTIVE')[2]!.id;
    const { run } = await createWorkflow(
      server.lexbridge,
      { id: user.userId, roles: ['User'] },
      {
        name: 'cancel',
        type: 'copy',
        source: { connectorId: imanageId, id: workspace },
        target: { connectorId: target.id, id: '' },
      },
    );
    emulator.faults = { latencyMs: 500 };
    try {
      const running = performRun(server.lexbridge, run!.id, { log: server.lexbridge.log });
      // Cancel once the first items are recorded as done.
      for (let polls = 0; polls < 2000; polls++) {
        const [now] = await server.lexbridge.store.db
          .select()
          .from(workflowRuns)
          .where(eq(workflowRuns.id, run!.id));
        if (now!.done > 0) {
          await cancelRun(server.lexbridge, now!);
          break;
        }
        await new Promise((r) => setTimeout(r, 10));
      }
      const final = await running;
      expect(final!.status).toBe('cancelled');
      expect(final!.done).toBeLessThan(final!.planned);
    } finally {
      emulator.faults = {};
    }
  });

  it('pauses the workflow for re-authorisation when the tokens are revoked', async () => {
    const target = await createLocalConnector(server.lexbridge, root, 'revoked');
    const otherFolder = emulator.store.subfolders(emulator.store.workspacesIn('ACTIVE')[1]!.id)[0]!.id;
    const { workflow } = await createAndRun(server.lexbridge, user, {
      type: 'one_way_sync',
      source: { connectorId: imanageId, id: otherFolder },
      target: { connectorId: target.id, id: '' },
    });
    emulator.revokeUserTokens('jsmith');
    try {
      const { run } = await runNow(server.lexbridge, workflow);
      expect(run.status).toBe('paused');
      expect(run.errorCode).toBe('content_reauthorise');
      const [paused] = await server.lexbridge.store.db
        .select()
        .from(workflows)
        .where(eq(workflows.id, workflow.id));
      expect(paused).toMatchObject({ status: 'paused', pauseReason: 'reauthorise' });
      await expect(requestRun(server.lexbridge, paused!, { trigger: 'manual' })).rejects.toMatchObject({
        code: 'workflow_paused',
      });
    } finally {
      // Leave the connection authorised, as the other tests in this file expect it.
      await authoriseThroughEmulator(server, user, imanageId);
    }
  });
});

describe('local folder to iManage folder', () => {
  it('uploads a tree (folders, then verified documents), and a changed file becomes a new version', async () => {
    const source = await createLocalConnector(server.lexbridge, root, 'upload');
    await writeTree(source.path, {
      'Engagement letter.docx': 'signed letter',
      'Exhibits/Exhibit A.pdf': 'exhibit a',
    });
    const workspace = emulator.store.workspacesIn('ACTIVE')[3]!;
    const targetFolder = emulator.store.subfolders(workspace.id)[0]!;
    const { workflow, run } = await createAndRun(server.lexbridge, user, {
      type: 'one_way_sync',
      source: { connectorId: source.id, id: '' },
      target: { connectorId: imanageId, id: targetFolder.id },
    });
    expect(run).toMatchObject({ status: 'succeeded', created: 3, failed: 0 });
    const letter = emulator.store.documentsIn(targetFolder.id).find((d) => d.name === 'Engagement letter')!;
    expect(letter.versions.map((v) => v.extension)).toEqual(['docx']);
    const exhibits = emulator.store.subfolders(targetFolder.id).find((f) => f.name === 'Exhibits')!;
    expect(emulator.store.documentsIn(exhibits.id).map((d) => d.name)).toEqual(['Exhibit A']);

    await writeFile(join(source.path, 'Engagement letter.docx'), 'signed letter, countersigned');
    const again = await runNow(server.lexbridge, workflow);
    expect(again.run).toMatchObject({ status: 'succeeded', updated: 1, created: 0 });
    expect(
      emulator.store.documentsIn(targetFolder.id).filter((d) => d.name === 'Engagement letter'),
    ).toHaveLength(1);
    const latest = letter.versions.at(-1)!;
    expect(letter.versions).toHaveLength(2);
    expect(emulator.store.checksum(latest).slice(7).toLowerCase()).toBe(
      createHash('sha256').update('signed letter, countersigned').digest('hex'),
    );
  });
});
