import { randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requestRun } from '../../src/workflows/runs.ts';
import { crashScene, killRunMidway, listAll, resumeKilledRun } from './fixtures/kill-mid-run.ts';
import { createAndRun, readTree, runNow, writeTree } from './helpers.ts';

const files = 12;
// Large enough that the pass is still copying when the child is killed; the size itself proves nothing.
const fileSize = 2 * 1024 * 1024;

let root: string;
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

describe('a two-way sync worker killed with SIGKILL mid-pass', () => {
  it('resumes without duplicates, partial files or lost edits on either side', async () => {
    const scene = await crashScene(['Left', 'Right']);
    root = scene.root;
    const { env, owner, source: left, target: right } = scene;
    let { lexbridge } = scene;
    await writeTree(left.path, { 'edited-in-left.txt': 'v1', 'edited-in-right.txt': 'v1' });
    const { workflow } = await createAndRun(lexbridge, owner, {
      type: 'two_way_sync',
      source: { connectorId: left.id, id: '' },
      target: { connectorId: right.id, id: '' },
    });
    // Edits on both sides, and many new documents on both sides.
    await writeFile(join(left.path, 'edited-in-left.txt'), 'v2 from Left');
    await writeFile(join(right.path, 'edited-in-right.txt'), 'v2 from Right');
    const content: Record<string, Buffer> = {};
    for (let i = 0; i < files; i++) {
      content[`left-${i % 2}/doc-${i}.bin`] = randomBytes(fileSize);
      content[`right-${i % 2}/doc-${i}.bin`] = randomBytes(fileSize);
    }
    const only = (prefix: string) =>
      Object.fromEntries(Object.entries(content).filter(([p]) => p.startsWith(prefix)));
    await writeTree(left.path, only('left-'));
    await writeTree(right.path, only('right-'));
    const run = await requestRun(lexbridge, workflow, { trigger: 'manual' });
    await lexbridge.close();

    const landedFromLeft = async () =>
      (await listAll(right.path)).filter((f) => f.startsWith('left-') && f.endsWith('.bin')).length;
    expect(await killRunMidway(run.id, env, landedFromLeft, 3)).toBe('SIGKILL');
    const atKill = await listAll(right.path);
    expect(atKill.filter((f) => f.startsWith('left-') && f.endsWith('.bin')).length).toBeLessThan(files);

    lexbridge = await scene.open();
    try {
      const { statusAtKill, resumed } = await resumeKilledRun(lexbridge, run.id);
      expect(statusAtKill).toBe('running');
      expect(resumed!.status).toBe('succeeded');
      expect(resumed!.failed).toBe(0);

      // Both sides hold the same names (no partial files, no second copies) and every byte of every edit.
      expect(await listAll(left.path)).toEqual(await listAll(right.path));
      for (const base of [left.path, right.path]) {
        for (const [path, bytes] of Object.entries(content))
          expect((await readFile(join(base, path))).equals(bytes), path).toBe(true);
        const tree = await readTree(base);
        expect(tree['edited-in-left.txt']).toBe('v2 from Left');
        expect(tree['edited-in-right.txt']).toBe('v2 from Right');
        expect(Object.keys(tree).filter((p) => p.includes('conflict'))).toEqual([]);
      }
      const again = await runNow(lexbridge, { ...workflow, status: 'active' });
      expect(again.items).toEqual([]);
    } finally {
      await lexbridge.close();
    }
  }, 180_000);
});
