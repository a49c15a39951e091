import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWatcher } from '../../src/workflows/run-watch.ts';
import { requestRun } from '../../src/workflows/runs.ts';
import { createWorkflow } from '../../src/workflows/service.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createLocalConnector, createRoot } from '../workflows/helpers.ts';

/**
 * Live-progress streams are bounded per session and served from one database poll per run, however
 * many pages follow it (the review opened 400 streams from one person and slowed every request).
 */
let server: TestServer;
let root: string;
let owner: SignedIn;
let runId: string;
const open: AbortController[] = [];

beforeAll(async () => {
  root = await createRoot();
  server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root } }); // no workers: the run stays queued
  owner = await signIn(server.lexbridge, { roles: ['User'] });
  const source = await createLocalConnector(server.lexbridge, root, 'src');
  const target = await createLocalConnector(server.lexbridge, root, 'dst');
  const { workflow } = await createWorkflow(
    server.lexbridge,
    { id: owner.userId, roles: ['User'] },
    {
      name: 'watched',
      type: 'copy',
      source: { connectorId: source.id, id: '' },
      target: { connectorId: target.id, id: '' },
    },
    { startNow: false },
  );
  runId = (await requestRun(server.lexbridge, workflow, { trigger: 'manual' })).id;
});
afterAll(async () => {
  for (const controller of open) controller.abort();
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

async function openStream(who: SignedIn): Promise<number> {
  const controller = new AbortController();
  open.push(controller);
  const res = await fetch(`${server.url}/api/workflow-runs/${runId}/events`, {
    headers: who.headers,
    signal: controller.signal,
  });
  if (res.status !== 200) await res.arrayBuffer();
  return res.status;
}

describe('live-progress streams', () => {
  it('allows 8 streams per session, then answers 429 rate_limited; another session is not affected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push(await openStream(owner));
    expect(statuses).toEqual([...Array(8).fill(200), 429]);
    const other = await signIn(server.lexbridge, { roles: ['Admin'] });
    expect(await openStream(other)).toBe(200);
  });

  it('40 streams on one run share one database poll', async () => {
    const sessions = await Promise.all(
      Array.from({ length: 4 }, () => signIn(server.lexbridge, { roles: ['Admin'] })),
    );
    for (const session of sessions) for (let i = 0; i < 8; i++) expect(await openStream(session)).toBe(200);
    const watcher = runWatcher(server.lexbridge.store.db);
    expect(watcher.stats()).toEqual({ runs: 1, subscribers: 41 });
    const before = watcher.polls;
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    const polls = watcher.polls - before;
    expect(polls).toBeGreaterThanOrEqual(1);
    expect(polls).toBeLessThanOrEqual(5); // one poll every 500 ms, not one per stream
  });

  it('a closed page gives its slot back and stops following the run', async () => {
    const watcher = runWatcher(server.lexbridge.store.db);
    for (const controller of open.splice(0)) controller.abort();
    for (let i = 0; i < 100 && watcher.stats().subscribers > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(watcher.stats()).toEqual({ runs: 0, subscribers: 0 });
    expect(await openStream(owner)).toBe(200);
  });
});
