import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../../src/workflows/archive/manifest.ts';
import { requestRun } from '../../src/workflows/runs.ts';
import { createWorkflow } from '../../src/workflows/service.ts';
import { crashScene, killRunMidway, listAll, resumeKilledRun } from './fixtures/kill-mid-run.ts';
import { writeTree } from './helpers.ts';

const files = 16;
// Large enough that the copy is still going when the child is killed; the size itself proves nothing.
const fileSize = 2 * 1024 * 1024;

let root: string;
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('an archive whose worker is killed with SIGKILL while copying', () => {
  it('removes nothing before everything is verified, and resumes without duplicates', async () => {
    const scene = await crashScene(['src', 'dst']);
    root = scene.root;
    const { env, owner, source, target } = scene;
    let { lexbridge } = scene;
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

    lexbridge = await scene.open();
    try {
      const { statusAtKill, resumed } = await resumeKilledRun(lexbridge, run.id);
      expect(statusAtKill).toBe('running');
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
