import { randomBytes } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { itemLinks, runItems } from '../../src/store/schema.ts';
import { requestRun } from '../../src/workflows/runs.ts';
import { createWorkflow } from '../../src/workflows/service.ts';
import { createPostgresDatabase, testDatabaseUrl } from '../support/lexbridge.ts';
import { crashScene, killRunMidway, listAll, resumeKilledRun } from './fixtures/kill-mid-run.ts';
import { runNow, writeTree } from './helpers.ts';

const files = 24;
// Large enough that the copy is still going when the child is killed; the size itself proves nothing.
const fileSize = 2 * 1024 * 1024;

let root: string;
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

const backends = [{ name: 'embedded database' }, ...(testDatabaseUrl ? [{ name: 'PostgreSQL' }] : [])];

describe.each(backends)('a worker killed with SIGKILL mid-run ($name)', ({ name }) => {
  it('leaves a run that resumes without duplicate or partial files', async () => {
    const database = name === 'PostgreSQL' ? await createPostgresDatabase() : undefined;
    const scene = await crashScene(['src', 'dst'], database?.url);
    root = scene.root;
    const { env, owner, source, target } = scene;
    let { lexbridge } = scene;
    const content: Record<string, Buffer> = {};
    for (let i = 0; i < files; i++) content[`batch-${i % 3}/doc-${i}.bin`] = randomBytes(fileSize);
    await writeTree(source.path, content);
    const { workflow } = await createWorkflow(
      lexbridge,
      { id: owner.userId, roles: ['User'] },
      {
        name: 'crash',
        type: 'one_way_sync',
        source: { connectorId: source.id, id: '' },
        target: { connectorId: target.id, id: '' },
      },
      { startNow: false },
    );
    const run = await requestRun(lexbridge, workflow, { trigger: 'manual' });
    await lexbridge.close();

    // The child runs the copy; kill it once some documents have landed, while others are still being written.
    const landedDocuments = async () => (await listAll(target.path)).filter((f) => f.endsWith('.bin')).length;
    expect(await killRunMidway(run.id, env, landedDocuments, 4)).toBe('SIGKILL');
    const atKill = await listAll(target.path);
    expect(atKill.filter((f) => f.endsWith('.bin')).length).toBeLessThan(files);

    // Reopen the same data and resume the same run.
    lexbridge = await scene.open();
    try {
      const { statusAtKill, resumed } = await resumeKilledRun(lexbridge, run.id);
      expect(statusAtKill).toBe('running');
      expect(resumed!.status).toBe('succeeded');
      expect(resumed!.failed).toBe(0);
      // The figures are the whole run's, both attempts, as its item log is: every folder and document
      // created once, every byte copied, and the progress complete.
      const created = files + 3;
      const bytes = files * fileSize;
      expect(resumed).toMatchObject({ created, updated: 0, deleted: 0, done: created, planned: created });
      expect({ bytes: resumed!.bytes, bytesPlanned: resumed!.bytesPlanned }).toEqual({
        bytes,
        bytesPlanned: bytes,
      });
      const log = await lexbridge.store.db.select().from(runItems).where(eq(runItems.runId, run.id));
      expect(log.filter((i) => i.outcome === 'done')).toHaveLength(created);

      const after = await listAll(target.path);
      expect(after).toEqual(await listAll(source.path)); // no partial (.lexbridge-partial-*) and no duplicate names
      for (const [path, bytes] of Object.entries(content))
        expect((await readFile(join(target.path, path))).equals(bytes), path).toBe(true);
      const links = await lexbridge.store.db
        .select()
        .from(itemLinks)
        .where(eq(itemLinks.workflowId, workflow.id));
      expect(links.filter((l) => l.kind === 'document')).toHaveLength(files);

      const again = await runNow(lexbridge, { ...workflow, status: 'active' });
      expect({ created: again.run.created, updated: again.run.updated, deleted: again.run.deleted }).toEqual({
        created: 0,
        updated: 0,
        deleted: 0,
      });
    } finally {
      await lexbridge.close();
      await database?.drop();
    }
  }, 180_000);
});
