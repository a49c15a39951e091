import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WorkflowRun } from '@lexbridge/contracts';
import { REAL_SERVER, type RunningEmulator, startEmulator } from '@lexbridge/imanage-emulator';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifications, runItems, workflowRuns } from '../../src/store/schema.ts';
import type { RunRow } from '../../src/workflows/model.ts';
import { cancelRun, performRun } from '../../src/workflows/runs.ts';
import { createWorkflow } from '../../src/workflows/service.ts';
import {
  authoriseThroughEmulator,
  createImanageConnector,
  testClientId,
  testClientSecret,
  usePublicUrl,
} from '../connectors/support.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createLocalConnector, createRoot } from './helpers.ts';

/**
 * iManage stops answering in the middle of a Copy into a local folder: the emulator (its state in a
 * file, so a restart on the same port changes nothing) is closed once a few documents landed, and
 * started again later. The run must wait for iManage instead of failing every remaining document.
 */
let server: TestServer;
let emulator: RunningEmulator;
let user: SignedIn;
let imanageId: string;
let root: string;
let stateDir: string;
let port = 0;
let workspaceId: string;

async function startIManage(): Promise<RunningEmulator> {
  const started = await startEmulator({
    port,
    seed: 5,
    stateFile: join(stateDir, 'emulator.json'),
    strict: REAL_SERVER,
    // Slow enough that the outage begins while most documents are still to copy.
    faults: { latencyMs: 40 },
    users: [{ id: 'jsmith', password: 'password', name: 'John Smith', access: { '*': 'full_access' } }],
    apps: [
      {
        client_id: testClientId,
        client_secret: testClientSecret,
        name: 'Lexbridge',
        redirect_urls: [`${server.lexbridge.config.publicUrl}/api/connectors/authorised`],
        allow_refresh_token: true,
      },
    ],
  });
  port = Number(new URL(started.url).port);
  return started;
}

beforeAll(async () => {
  root = await createRoot();
  stateDir = await mkdtemp(join(tmpdir(), 'lexbridge-outage-'));
  server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root } });
  usePublicUrl(server);
  emulator = await startIManage();
  const admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  user = await signIn(server.lexbridge, { roles: ['User'] });
  imanageId = (await createImanageConnector(server, admin, emulator)).id;
  await authoriseThroughEmulator(server, user, imanageId);
  workspaceId = emulator.store.workspacesIn('ACTIVE')[0]!.id;
});
afterAll(async () => {
  await emulator?.close();
  await server?.close();
  await rm(root, { recursive: true, force: true });
  await rm(stateDir, { recursive: true, force: true });
});

async function filesUnder(base: string): Promise<number> {
  const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && !e.name.startsWith('.')).length;
}

async function foldersUnder(base: string): Promise<number> {
  const entries = await readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory()).length;
}

async function runRow(runId: string): Promise<RunRow> {
  const [row] = await server.lexbridge.store.db.select().from(workflowRuns).where(eq(workflowRuns.id, runId));
  return row!;
}

/** Polls `check` every 20 ms, at most `limit` times; returns its last answer. */
async function until<T>(check: () => Promise<T>, ok: (value: T) => boolean, limit = 1500): Promise<T> {
  let value = await check();
  for (let polls = 0; polls < limit && !ok(value); polls++) {
    await new Promise((r) => setTimeout(r, 20));
    value = await check();
  }
  return value;
}

async function startCopy(name: string) {
  const target = await createLocalConnector(server.lexbridge, root, name);
  const { run } = await createWorkflow(
    server.lexbridge,
    { id: user.userId, roles: ['User'] },
    {
      name,
      type: 'copy',
      source: { connectorId: imanageId, id: workspaceId },
      target: { connectorId: target.id, id: '' },
    },
  );
  return { target, runId: run!.id };
}

/** Short waits so the test is quick; the notice is due at once. */
const outage = {
  threshold: 3,
  probeDelayMs: 100,
  maxProbeDelayMs: 400,
  maxWaitMs: 120_000,
  noticeAfterMs: 0,
};

async function runFromApi(runId: string): Promise<WorkflowRun> {
  const res = await fetch(`${server.url}/api/workflow-runs/${runId}`, { headers: { cookie: user.cookie } });
  return (await res.json()) as WorkflowRun;
}

describe('an iManage outage in the middle of a run', () => {
  it('waits for iManage instead of failing the rest, says so, and finishes every item once it answers', async () => {
    const { target, runId } = await startCopy('outage');
    const finished = performRun(server.lexbridge, runId, { log: server.lexbridge.log, outage });
    await until(
      () => filesUnder(target.path),
      (n) => n >= 3,
    );
    await emulator.close();

    const waiting = await until(
      () => runFromApi(runId),
      (r) => r.waiting !== null || r.status !== 'running',
    );
    expect(waiting.status).toBe('running');
    expect(waiting.counts.failed).toBe(0);
    expect(waiting.waiting).toMatchObject({ side: 'source', system: 'iManage' });
    expect(waiting.waiting!.reason).toMatch(/^iManage is not answering/);
    expect(waiting.waiting!.detail).toMatch(/ECONNREFUSED/);
    expect(Date.parse(waiting.waiting!.nextAttemptAt)).toBeGreaterThanOrEqual(
      Date.parse(waiting.waiting!.since),
    );
    const notices = await until(
      () =>
        server.lexbridge.store.db.select().from(notifications).where(eq(notifications.type, 'run.waiting')),
      (rows) => rows.length > 0,
    );
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({ userId: user.userId, facts: { system: 'iManage', runId } });

    emulator = await startIManage();
    const final = await finished;
    expect(final).toMatchObject({ status: 'succeeded', failed: 0, waiting: null });
    expect(final!.done).toBe(final!.planned);
    const documents = (await runFromApi(runId)).counts.created;
    expect(await filesUnder(target.path)).toBeGreaterThan(3);
    expect(await filesUnder(target.path)).toBe(
      (await server.lexbridge.store.db.select().from(runItems).where(eq(runItems.runId, runId))).filter(
        (i) => i.kind === 'document' && i.outcome === 'done',
      ).length,
    );
    expect(documents).toBe(final!.planned);
  }, 120_000);

  it('a run waiting for iManage is cancelled at once, and one that waits too long is interrupted to resume later', async () => {
    const first = await startCopy('cancel');
    const cancelled = performRun(server.lexbridge, first.runId, { log: server.lexbridge.log, outage });
    await until(
      () => filesUnder(first.target.path),
      (n) => n >= 2,
    );
    await emulator.close();
    await until(
      () => runRow(first.runId),
      (r) => r.waiting !== null || r.status !== 'running',
    );
    await cancelRun(server.lexbridge, await runRow(first.runId));
    expect(await cancelled).toMatchObject({ status: 'cancelled', failed: 0, waiting: null });

    emulator = await startIManage();
    const second = await startCopy('interrupted');
    const interrupted = performRun(server.lexbridge, second.runId, {
      log: server.lexbridge.log,
      outage: { ...outage, maxWaitMs: 500 },
    });
    await until(
      () => filesUnder(second.target.path),
      (n) => n >= 2,
    );
    await emulator.close();
    await expect(interrupted).rejects.toThrow(/iManage did not answer/);
    // Put back in the queue, saying why: the queue's next attempt carries on.
    expect(await runRow(second.runId)).toMatchObject({
      status: 'queued',
      errorCode: 'workflow_run_interrupted',
      failed: 0,
      waiting: null,
    });
    emulator = await startIManage();
  }, 120_000);
});

describe('an iManage outage while a run lists the source', () => {
  it('waits for iManage, says so, and lists again once it answers, instead of failing the run', async () => {
    emulator.faults = { latencyMs: 250 }; // listing the workspace takes seconds
    const { target, runId } = await startCopy('outage-listing');
    const listed = () => emulator.requests.filter((r) => r.path.endsWith('/children')).length;
    const before = listed();
    const finished = performRun(server.lexbridge, runId, { log: server.lexbridge.log, outage });
    await until(
      async () => listed(),
      (n) => n > before,
    );
    await emulator.close();
    const waiting = await until(
      () => runFromApi(runId),
      (r) => r.waiting !== null || r.status !== 'running',
    );
    expect(waiting).toMatchObject({ status: 'running', waiting: { side: 'source', system: 'iManage' } });
    expect(waiting.planned).toBe(0);
    emulator = await startIManage();
    const final = await finished;
    expect(final).toMatchObject({ status: 'succeeded', failed: 0, waiting: null, errorCode: null });
    expect(await filesUnder(target.path)).toBe(final!.created - (await foldersUnder(target.path)));
  }, 120_000);
});

describe('cancelling a run', () => {
  it('while it is still listing the source ends it cancelled, not failed', async () => {
    emulator.faults = { latencyMs: 300 }; // listing takes seconds
    try {
      const { runId } = await startCopy('cancel-listing');
      const done = performRun(server.lexbridge, runId, { log: server.lexbridge.log });
      const listing = await until(
        () => runRow(runId),
        (r) => r.status === 'running',
      );
      expect(listing.planned).toBe(0);
      await cancelRun(server.lexbridge, listing);
      const final = await done;
      expect(final).toMatchObject({ status: 'cancelled', planned: 0, errorCode: null, error: null });
    } finally {
      emulator.faults = { latencyMs: 40 };
    }
  }, 120_000);
});
