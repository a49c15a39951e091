/**
 * Run now → run started: how long a queued run waits for a worker to claim it. Opens Lexbridge with
 * its workers in this process (the embedded database in memory; and PostgreSQL, in a fresh database,
 * when TEST_DATABASE_URL is set, once with the workers in the same Lexbridge and once apart), then asks for 20 runs of a one-document Copy, one after another, as
 * the Run now button does, and prints p50/p95/max of the time from the request to the run's
 * started_at. Asserts nothing.
 *
 *   node --import tsx bench/run-now.ts [--runs 20]
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { loadConfig } from '../packages/server/src/config/index.ts';
import { createLogger } from '../packages/server/src/log.ts';
import { type Lexbridge, openLexbridge } from '../packages/server/src/runtime.ts';
import { connectors, users, workflowRuns } from '../packages/server/src/store/schema.ts';
import { requestRun } from '../packages/server/src/workflows/runs.ts';
import { createWorkflow } from '../packages/server/src/workflows/service.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '20' } } });
const RUNS = Number(values.runs);

async function localFolder(lexbridge: Lexbridge, root: string, name: string): Promise<string> {
  const path = join(root, name);
  await mkdir(path, { recursive: true });
  const id = randomUUID();
  await lexbridge.store.db.insert(connectors).values({ id, type: 'local-folder', name, config: { path } });
  return id;
}

/**
 * `apart`: the runs are asked for through one Lexbridge (as `serve --no-workers`) and taken by another
 * with its own pools and LISTEN connection (as a `lexbridge worker`), so the wake-up crosses
 * PostgreSQL's NOTIFY between connections as it does between processes.
 */
async function measure(label: string, databaseUrl?: string, apart = false): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'lexbridge-bench-runnow-'));
  const config = loadConfig({
    LEXBRIDGE_DATA_DIR: root,
    LEXBRIDGE_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    LEXBRIDGE_LOCAL_FOLDER_ROOTS: root,
    LOG_LEVEL: 'silent',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  const lexbridge = await openLexbridge({ config, log: createLogger({ level: 'silent' }), inMemory: true });
  const worker = apart ? await openLexbridge({ config, log: createLogger({ level: 'silent' }) }) : lexbridge;
  try {
    await worker.queue.startWorkers(worker);
    const userId = randomUUID();
    await lexbridge.store.db.insert(users).values({
      id: userId,
      issuer: 'https://bench',
      subject: userId,
      name: 'Bench',
      email: 'b@bench',
      roles: ['User'],
    });
    const source = await localFolder(lexbridge, root, 'source');
    const target = await localFolder(lexbridge, root, 'target');
    await writeFile(join(root, 'source', 'a.txt'), 'a');
    const { workflow } = await createWorkflow(
      lexbridge,
      { id: userId, roles: ['User'] },
      {
        name: 'bench',
        type: 'copy',
        source: { connectorId: source, id: '' },
        target: { connectorId: target, id: '' },
      },
      { startNow: false },
    );
    const waits: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const asked = Date.now();
      const run = await requestRun(lexbridge, workflow, { trigger: 'manual' });
      let row = run;
      while (row.status === 'queued' || row.status === 'running') {
        await sleep(5);
        [row = run] = await lexbridge.store.db.select().from(workflowRuns).where(eq(workflowRuns.id, run.id));
      }
      if (i > 0 && row.startedAt) waits.push(row.startedAt.getTime() - asked); // the first one warms up
      await sleep(Math.random() * 300); // Run now is pressed at any moment of a poll interval
    }
    waits.sort((a, b) => a - b);
    const at = (q: number) => waits[Math.min(waits.length - 1, Math.ceil(q * waits.length) - 1)];
    console.log(
      `${label.padEnd(26)} runs ${waits.length}  p50 ${at(0.5)} ms  p95 ${at(0.95)} ms  max ${waits.at(-1)} ms`,
    );
  } finally {
    if (worker !== lexbridge) await worker.close();
    await lexbridge.close();
    await rm(root, { recursive: true, force: true });
  }
}

await measure('embedded (PGlite)');
const server = process.env.TEST_DATABASE_URL;
if (server) {
  const name = `lexbridge_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  try {
    await measure('PostgreSQL', url.toString());
    await measure('PostgreSQL, worker apart', url.toString(), true);
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
} else {
  console.log('PostgreSQL                 skipped: set TEST_DATABASE_URL=postgres://… to measure it too');
}
