import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { waitFor } from './capture.ts';
import { killAll, runLexbridge, spawnLexbridge } from './processes.ts';

// `lexbridge emulator imanage|graph [flags]`: the standalone emulators, as docs/imanage-emulator.md and
// docs/graph-emulator.md describe them.
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lexbridge-emulator-'));
});

afterAll(async () => {
  await killAll();
  await rm(dir, { recursive: true, force: true });
});

it('`lexbridge emulator graph` serves sign-in and Graph, and keeps its state file', {
  timeout: 60_000,
}, async () => {
  const state = join(dir, 'graph.json');
  const graph = spawnLexbridge(['emulator', 'graph', '--port', '0', '--http', '--state', state], {});
  const url = await waitFor(
    'the Graph emulator banner',
    async () => {
      if (graph.child.exitCode !== null) throw new Error(`exited:\n${graph.stdout()}\n${graph.stderr()}`);
      return /Graph \(graph\.microsoft\.com\):\s+(http:\/\/\S+)\/v1\.0/.exec(graph.stdout())?.[1];
    },
    30_000,
  );
  const tenant = '5f1c8a9e-3b7d-4c2a-9e6f-1a2b3c4d5e6f';
  const discovery = await fetch(`${url}/${tenant}/v2.0/.well-known/openid-configuration`);
  expect(discovery.status).toBe(200);
  expect(((await discovery.json()) as { token_endpoint: string }).token_endpoint).toBe(
    `${url}/${tenant}/oauth2/v2.0/token`,
  );
  expect(await graph.stop()).toBe(0);
  expect((await stat(state)).isFile()).toBe(true);
});

it('`lexbridge emulator` without a kind names both', async () => {
  const { code, stderr } = await runLexbridge(['emulator'], {});
  expect(code).toBe(2);
  expect(stderr).toContain('lexbridge emulator imanage [flags]');
  expect(stderr).toContain('lexbridge emulator graph [flags]');
});
