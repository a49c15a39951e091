import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/log.ts';
import { type Lexbridge, openLexbridge } from '../../src/runtime.ts';
import { workflowRuns } from '../../src/store/schema.ts';
import { parseManifest } from '../../src/workflows/archive/manifest.ts';
import { performRun, requestRun } from '../../src/workflows/runs.ts';
import { createWorkflow } from '../../src/workflows/service.ts';
import { signIn, testEncryptionKeys } from '../support/lexbridge.ts';
import { killRunMidway, listAll } from './fixtures/kill-mid-run.ts';
import { createLocalConnector, createRoot, writeTree } from './helpers.ts';

const files = 16;
// Large enough that the copy is still going when the child is killed; the size itself proves nothing.
const fileSize = 2 * 1024 * 1024;

let root: string;
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('an archive whose worker is killed with SIGKILL while copying', () => {
  it('removes nothing before everything is verified, and resumes without duplicates', async () => {
    root = await createRoot();
    const env = {
      LEXBRIDGE_DATA_DIR: join(root, 'data'),
      LEXBRIDGE_ENCRYPTION_KEYS: testEncryptionKeys(),
      LEXBRIDGE_LOCAL_FOLDER_ROOTS: root,
      LEXBRIDGE_WORKFLOW_CONCURRENCY: '2',
      LOG_LEVEL: 'silent',
      PORT: '0',
    };
    const open = () => openLexbridge({ config: loadConfig(env), log: createLogger({ level: 'silent' }) });
    let lexbridge: Lexbridge = await open();
    const owner = await signIn(lexbridge, { roles: ['User'] });
    const source = await createLocalConnector(lexbridge, root, 'src');
    const target = await createLocalConnector(lexbridge, root, 'dst');
    const content: Record<string, Buffer> = {};
    for (let i = 0; i < files; i++) content[`matter-${i % 2}/doc-${i}.bin`] = randomBytes(fileSize);
    await writeTree(source.path, content);
    const { workflow } = await createWorkflow(
      lexbridge,
      { id: owner.userId, roles: ['User'] },
      {
        name: 'archive crash',
        type: 'archive',
        source: { connectorId: source.id, id: '' },
        target: { connectorId: target.id, id: '' },
      },
      { startNow: false },
    );
    const run = await requestRun(lexbridge, workflow, { trigger: 'manual' });
    await lexbridge.close();

    const landed = async () => (await listAll(target.path)).filter((f) => f.endsWith('.bin')).length;
    expect(await killRunMidway(run.id, env, landed, 3)).toBe('SIGKILL');
    const copiedAtKill = await landed();
    expect(copiedAtKill).toBeLessThan(files);
    // Killed before everything was verified: the source is whole, and no manifest was stored.
    expect((await listAll(source.path)).filter((f) => f.endsWith('.bin'))).toHaveLength(files);
    expect((await readdir(target.path)).some((n) => n.startsWith('Archive manifest '))).toBe(false);

    lexbridge = await open();
    try {
      const [interrupted] = await lexbridge.store.db
        .select()
        .from(workflowRuns)
        .where(eq(workflowRuns.id, run.id));
      expect(interrupted!.status).toBe('running');
      const resumed = await performRun(lexbridge, run.id, { log: lexbridge.log, staleAfterSeconds: 0 });
      expect(resumed!.status, resumed?.error ?? '').toBe('succeeded');
      expect(resumed!.failed).toBe(0);

      // Every document once on the target (no partial or duplicate names), whole; the source emptied.
      const after = (await listAll(target.path)).filter((f) => !f.startsWith('Archive manifest '));
      expect(after).toEqual(['matter-0', 'matter-1', ...Object.keys(content)].sort());
      for (const [path, bytes] of Object.entries(content))
        expect((await readFile(join(target.path, path))).equals(bytes), path).toBe(true);
      expect(await listAll(source.path)).toEqual([]);
      const [manifest] = (await readdir(target.path)).filter((n) => n.startsWith('Archive manifest '));
      const rows = parseManifest(await readFile(join(target.path, manifest!), 'utf8'));
      expect(rows.map((r) => r.sourcePath).sort()).toEqual(Object.keys(content).sort());
    } finally {
      await lexbridge.close();
    }
  }, 240_000);
});
