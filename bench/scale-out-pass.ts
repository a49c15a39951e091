/**
 * One pass of bench/scale-out.ts: a fresh PostgreSQL database, `lexbridge serve --no-workers` and N
 * `lexbridge worker` processes, 20 Copy workflows (one iManage folder each, into a local folder each)
 * started at once through Run now; measured from outside the processes.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createSession, sessionCookieName } from '../packages/server/src/identity/sessions.ts';
import { openStore } from '../packages/server/src/store/db.ts';
import { connectors, users } from '../packages/server/src/store/schema.ts';
import { authoriseAtEmulator } from './emulator-sign-in.ts';

const thisBin = fileURLToPath(new URL('../bin/lexbridge.js', import.meta.url));
export const clientId = 'lexbridge-bench';
export const clientSecret = 'bench-secret-bench-secret';

export interface PassSetup {
  adminUrl: string;
  root: string;
  serverPort: number;
  emulatorUrl: string;
  /** The iManage folders, one per workflow, each with `perFolder` documents. */
  folders: string[];
  perFolder: number;
  /** Node options of each worker process (e.g. --cpu-prof). */
  workerNodeArgs?: string[];
  /** The `lexbridge` command to measure (default: this checkout's). */
  bin?: string;
}

export interface PassResult {
  workers: number;
  documents: number;
  seconds: number;
  cpuSeconds: number;
  kernelShare: number;
  peakConnections: number;
  runsPerWorker: number[];
  /** The workers' context switches over the measured window. */
  workerSwitches: { voluntary: number; involuntary: number };
  /** The workers' CPU seconds by thread name over the measured window. */
  workerThreads: Map<string, number>;
  /**
   * Updates of the runs' rows per run (claim, the recorder's flushes, finish; warm-up runs included),
   * from pg_stat_user_tables once the processes have stopped (their connections report statistics as
   * they close).
   */
  runRowUpdatesPerRun: number;
  /** The warm-up runs each worker took before the window (LEXBRIDGE_BENCH_WARMUP_RUNS); empty without. */
  warmupRunsPerWorker: number[];
}

interface Proc {
  child: ChildProcess;
  out(): string;
}

function start(bin: string, args: string[], env: Record<string, string>, nodeArgs: string[] = []): Proc {
  // LEXBRIDGE_BENCH_STRACE=<dir>: each worker under `strace -f -c` (system calls counted; its CPU figures then mean nothing).
  const strace = args[0] === 'worker' ? process.env.LEXBRIDGE_BENCH_STRACE : undefined;
  const command = strace ? 'strace' : process.execPath;
  const prefix = strace
    ? ['-f', '-c', '-o', join(strace, `worker-${Date.now()}-${Math.random()}.txt`), process.execPath]
    : [];
  const child = spawn(command, [...prefix, ...nodeArgs, bin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // LEXBRIDGE_BENCH_WORKER_STDOUT=<dir>: each worker's standard output also to a file there (e.g. V8's --trace-opt).
  const copyDir = args[0] === 'worker' ? process.env.LEXBRIDGE_BENCH_WORKER_STDOUT : undefined;
  const copy = copyDir ? createWriteStream(join(copyDir, `worker-${child.pid}.txt`)) : undefined;
  child.stdout!.on('data', (d: Buffer) => {
    copy?.write(d);
    out += d.toString();
    if (out.length > 1_000_000) out = out.slice(-100_000);
  });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(d));
  return { child, out: () => out };
}

async function waitForLine(proc: Proc, text: string, timeoutMs = 120_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!proc.out().includes(text)) {
    if (proc.child.exitCode !== null) throw new Error(`process exited before "${text}":\n${proc.out()}`);
    if (Date.now() > until) throw new Error(`no "${text}" within ${timeoutMs} ms:\n${proc.out()}`);
    await sleep(50);
  }
}

async function stop(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.child.once('exit', resolve));
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/** utime + stime (+ children's), in seconds, from /proc/<pid>/stat; and the kernel part of it. */
async function cpuOf(pid: number): Promise<{ total: number; kernel: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields after the command: state is [0], so utime (14th) is [11], stime [12], cutime [13], cstime [14].
  const [utime, stime, cutime, cstime] = [11, 12, 13, 14].map((i) => Number(fields[i]) / 100);
  return { total: utime! + stime! + cutime! + cstime!, kernel: stime! + cstime! };
}

/** CPU seconds of a process's threads by thread name (main "node", libuv's "libuv-worker", V8's…). */
async function threadsOf(pid: number): Promise<Map<string, number>> {
  const byName = new Map<string, number>();
  for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [])) {
    const stat = await readFile(`/proc/${pid}/task/${tid}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    const name = tid === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    byName.set(name, (byName.get(name) ?? 0) + (Number(fields[11]) + Number(fields[12])) / 100);
  }
  return byName;
}

/** Context switches of all of a process's threads (voluntary: it waited; involuntary: it was preempted). */
async function switchesOf(pids: number[]): Promise<{ voluntary: number; involuntary: number }> {
  const sum = { voluntary: 0, involuntary: 0 };
  for (const pid of pids) {
    for (const tid of await readdir(`/proc/${pid}/task`).catch(() => [])) {
      const status = await readFile(`/proc/${pid}/task/${tid}/status`, 'utf8').catch(() => '');
      sum.voluntary += Number(/^voluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      sum.involuntary += Number(/^nonvoluntary_ctxt_switches:\s+(\d+)/m.exec(status)?.[1] ?? 0);
    }
  }
  return sum;
}

async function threadsOfAll(pids: number[]): Promise<Map<string, number>> {
  const all = new Map<string, number>();
  for (const map of await Promise.all(pids.map(threadsOf)))
    for (const [name, s] of map) all.set(name, (all.get(name) ?? 0) + s);
  return all;
}

async function cpuOfAll(pids: number[]): Promise<{ total: number; kernel: number }> {
  const all = await Promise.all(pids.map(cpuOf));
  return all.reduce((a, b) => ({ total: a.total + b.total, kernel: a.kernel + b.kernel }));
}

async function api(url: string, cookie: Record<string, string>, method = 'GET', body?: unknown) {
  const res = await fetch(url, {
    method,
    headers: { ...cookie, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    redirect: 'manual',
  });
  return res;
}

/** Updates of workflow_runs per run (no run exists before the measured window, so none are earlier). */
async function runRowUpdates(monitor: pg.Client, runs: number): Promise<number> {
  // A closed connection's statistics reach the views shortly after it ends: wait until they stop growing.
  let last = -1;
  for (let i = 0; i < 20; i++) {
    await monitor.query('SELECT pg_stat_clear_snapshot()');
    const { rows } = await monitor.query(
      "SELECT n_tup_upd::int AS n FROM pg_stat_user_tables WHERE relname = 'workflow_runs'",
    );
    const n = Number(rows[0]?.n ?? 0);
    if (n === last) break;
    last = n;
    await sleep(200);
  }
  return last / runs;
}

/** Runs one pass with `workers` worker processes and checks that every document was copied once. */
export async function runPass(setup: PassSetup, workers: number): Promise<PassResult> {
  const name = `lexbridge_bench_scale_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: setup.adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(setup.adminUrl);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const root = join(setup.root, name);
  const procs: Proc[] = [];
  const monitor = new pg.Client({ connectionString: databaseUrl });
  try {
    // Schema, a signed-in user and the 20 target folders, written before any process starts.
    const store = await openStore({ databaseUrl, poolSize: 2 });
    const userId = randomUUID();
    await store.db.insert(users).values({
      id: userId,
      issuer: 'https://bench',
      subject: userId,
      name: 'Bench',
      email: 'bench@firm.test',
      roles: ['User', 'ConnectorAdmin'],
    });
    const session = await createSession(store.db, userId, { idleMinutes: 600, absoluteHours: 12 });
    const targets: { id: string; path: string }[] = [];
    for (let i = 0; i < setup.folders.length; i++) {
      const path = join(root, `target-${i}`);
      await mkdir(path, { recursive: true });
      targets.push({ id: randomUUID(), path });
    }
    // LEXBRIDGE_BENCH_WARMUP_RUNS=<k>: before the measured window, k runs per worker (each a whole source
    // folder into a folder of its own), so that the window measures workers past their warm-up (V8
    // optimising the copy path), as long-lived workers are; not counted.
    const warmupRuns = workers * Number(process.env.LEXBRIDGE_BENCH_WARMUP_RUNS ?? 0);
    const warmupTargets: { id: string; path: string }[] = [];
    for (let i = 0; i < warmupRuns; i++) {
      const path = join(root, `warmup-${i}`);
      await mkdir(path, { recursive: true });
      warmupTargets.push({ id: randomUUID(), path });
    }
    await store.db.insert(connectors).values(
      [...targets, ...warmupTargets].map((t, i) => ({
        id: t.id,
        type: 'local-folder',
        name: `t${i}`,
        config: { path: t.path },
      })),
    );
    await store.close();

    const serverUrl = `http://127.0.0.1:${setup.serverPort}`;
    const env = {
      DATABASE_URL: databaseUrl,
      LEXBRIDGE_ENCRYPTION_KEYS: `bench:${Buffer.alloc(32, 7).toString('base64')}`,
      LEXBRIDGE_LOCAL_FOLDER_ROOTS: root,
      LEXBRIDGE_DATA_DIR: join(root, 'data'),
      LOG_LEVEL: 'info',
    };
    const bin = setup.bin ?? thisBin;
    const server = start(bin, ['serve', '--no-workers'], {
      ...env,
      PORT: String(setup.serverPort),
      HOST: '127.0.0.1',
      LEXBRIDGE_PUBLIC_URL: serverUrl,
    });
    procs.push(server);
    await waitForLine(server, 'Lexbridge is listening');
    for (let i = 0; i < workers; i++) procs.push(start(bin, ['worker'], env, setup.workerNodeArgs));
    await Promise.all(procs.slice(1).map((p) => waitForLine(p, 'Lexbridge worker is processing jobs')));

    const cookie = `${sessionCookieName}=${session.token}`;
    const headers = { cookie, 'x-csrf-token': session.csrfToken };
    const created = await api(`${serverUrl}/api/connectors`, headers, 'POST', {
      type: 'imanage-onprem',
      name: 'iManage (emulator)',
      config: {
        clientId,
        secretKey: clientSecret,
        scope: 'User',
        refreshToken: true,
        serverAddress: `${setup.emulatorUrl}/`,
      },
    });
    if (created.status !== 201)
      throw new Error(`create connector: ${created.status} ${await created.text()}`);
    const imanageId = ((await created.json()) as { id: string }).id;
    await authoriseAtEmulator(serverUrl, cookie, imanageId);
    const createWorkflow = async (name: string, folderId: string, targetId: string) => {
      const res = await api(`${serverUrl}/api/workflows`, headers, 'POST', {
        name,
        type: 'copy',
        source: { connectorId: imanageId, id: folderId },
        target: { connectorId: targetId, id: '' },
        startNow: false,
      });
      if (res.status !== 201) throw new Error(`create workflow: ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    };
    const workflowIds: string[] = [];
    for (const [i, folderId] of setup.folders.entries())
      workflowIds.push(await createWorkflow(`scale ${i}`, folderId, targets[i]!.id));
    const warmupIds: string[] = [];
    for (const [i, target] of warmupTargets.entries())
      warmupIds.push(
        await createWorkflow(`warm-up ${i}`, setup.folders[i % setup.folders.length]!, target.id),
      );

    await monitor.connect();
    const pids = procs.map((p) => p.child.pid!);
    const workerPids = pids.slice(1);
    let warmupRunsPerWorker: number[] = [];
    if (warmupIds.length) {
      const warmup = await Promise.all(
        warmupIds.map(async (id) => {
          const res = await api(`${serverUrl}/api/workflows/${id}/run`, headers, 'POST');
          if (res.status !== 202) throw new Error(`run now: ${res.status} ${await res.text()}`);
          return ((await res.json()) as { id: string }).id;
        }),
      );
      const owners = new Map<string, number>();
      for (;;) {
        const { rows } = await monitor.query(
          'SELECT id, status, lease_owner, error FROM workflow_runs WHERE id = ANY($1::uuid[])',
          [warmup],
        );
        for (const row of rows as { id: string; lease_owner: string | null }[]) {
          const pid = Number(row.lease_owner?.split(':')[1]);
          if (pid) owners.set(row.id, pid);
        }
        if (rows.every((r: { status: string }) => !['queued', 'running'].includes(r.status))) {
          const failed = rows.find((r: { status: string }) => r.status !== 'succeeded');
          if (failed) throw new Error(`warm-up run ${failed.id} ended ${failed.status}: ${failed.error}`);
          break;
        }
        await sleep(100);
      }
      warmupRunsPerWorker = workerPids.map((pid) => [...owners.values()].filter((p) => p === pid).length);
    }
    // LEXBRIDGE_BENCH_IDLE_SECONDS: first what the processes cost while they wait for work.
    const idleSeconds = Number(process.env.LEXBRIDGE_BENCH_IDLE_SECONDS ?? 0);
    if (idleSeconds > 0) {
      const idleFrom = await cpuOfAll(pids);
      await sleep(idleSeconds * 1000);
      const idle = (await cpuOfAll(pids)).total - idleFrom.total;
      console.log(
        `  idle: ${((idle / idleSeconds) * 100).toFixed(1)} % of a core for ${pids.length} processes`,
      );
    }
    // LEXBRIDGE_BENCH_PERF=<dir>: `perf record -g` of the workers over the measured window only (start
    // the workers with --perf-basic-prof, LEXBRIDGE_BENCH_WORKER_NODE_ARGS, to name JavaScript frames).
    const perfDir = process.env.LEXBRIDGE_BENCH_PERF;
    const perf = perfDir
      ? spawn(
          'perf',
          [
            'record',
            '-e',
            'cpu-clock',
            '-F',
            '999',
            '-g',
            '-o',
            join(perfDir, `perf-${workers}w-${Date.now()}.data`),
            '-p',
            workerPids.join(','),
          ],
          { stdio: 'ignore' },
        )
      : undefined;
    if (perf) await sleep(500);
    const cpuBefore = await cpuOfAll(pids);
    const threadsBefore = await threadsOfAll(workerPids);
    const switchesBefore = await switchesOf(workerPids);
    const startedAt = Date.now();
    const runs = await Promise.all(
      workflowIds.map(async (id) => {
        const res = await api(`${serverUrl}/api/workflows/${id}/run`, headers, 'POST');
        if (res.status !== 202) throw new Error(`run now: ${res.status} ${await res.text()}`);
        return ((await res.json()) as { id: string }).id;
      }),
    );
    // Sample connections and who holds each run until every run has finished.
    const holders = new Map<string, Set<number>>();
    let peakConnections = 0;
    for (;;) {
      const [activity, rows] = await Promise.all([
        monitor.query(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
        ),
        monitor.query('SELECT id, status, lease_owner FROM workflow_runs WHERE id = ANY($1::uuid[])', [runs]),
      ]);
      peakConnections = Math.max(peakConnections, activity.rows[0].n);
      for (const row of rows.rows as { id: string; status: string; lease_owner: string | null }[]) {
        const pid = Number(row.lease_owner?.split(':')[1]);
        if (pid) holders.set(row.id, (holders.get(row.id) ?? new Set()).add(pid));
      }
      if (rows.rows.every((r: { status: string }) => !['queued', 'running'].includes(r.status))) break;
      await sleep(100);
    }
    const cpuAfter = await cpuOfAll(pids);
    if (perf) {
      const exited = new Promise((resolve) => perf.once('exit', resolve));
      perf.kill('SIGINT');
      await exited;
    }
    const workerThreads = await threadsOfAll(workerPids);
    const switchesAfter = await switchesOf(workerPids);
    for (const [name, s] of threadsBefore) workerThreads.set(name, (workerThreads.get(name) ?? 0) - s);
    const finished = await monitor.query(
      `SELECT id, status, created, error, extract(epoch FROM finished_at) * 1000 AS finished,
         (SELECT count(*)::int FROM run_items i WHERE i.run_id = r.id AND i.action = 'create' AND i.outcome = 'done') AS items
       FROM workflow_runs r WHERE id = ANY($1::uuid[])`,
      [runs],
    );
    let documents = 0;
    let lastFinished = 0;
    for (const row of finished.rows) {
      if (row.status !== 'succeeded') throw new Error(`run ${row.id} ended ${row.status}: ${row.error}`);
      if (row.created !== setup.perFolder || row.items !== setup.perFolder)
        throw new Error(
          `run ${row.id}: ${row.created} created, ${row.items} items, expected ${setup.perFolder}`,
        );
      documents += row.created;
      lastFinished = Math.max(lastFinished, Number(row.finished));
    }
    // Exactly once on disk: each folder holds exactly its folder's documents, no second copy of any.
    for (const target of targets) {
      const files = (await readdir(target.path, { recursive: true, withFileTypes: true })).filter((f) =>
        f.isFile(),
      );
      if (files.length !== setup.perFolder)
        throw new Error(`${target.path} holds ${files.length} files, expected ${setup.perFolder}`);
    }
    const cpu = cpuAfter.total - cpuBefore.total;
    for (const proc of procs.splice(0).reverse()) await stop(proc);
    const runRowUpdatesPerRun = await runRowUpdates(monitor, runs.length + warmupIds.length);
    // LEXBRIDGE_BENCH_TABLE_STATS=true: the scans and row writes of each table over the pass's whole life.
    if (process.env.LEXBRIDGE_BENCH_TABLE_STATS === 'true') {
      const { rows } = await monitor.query(
        `SELECT schemaname || '.' || relname AS t, coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS scans,
           n_tup_ins AS ins, n_tup_upd AS upd, n_tup_del AS del FROM pg_stat_user_tables
         ORDER BY 2 DESC LIMIT 12`,
      );
      const [db] = (await admin.query('SELECT xact_commit FROM pg_stat_database WHERE datname = $1', [name]))
        .rows;
      console.log(
        `  commits ${db?.xact_commit}; tables (scans/ins/upd/del): ${rows
          .map((r) => `${r.t} ${r.scans}/${r.ins}/${r.upd}/${r.del}`)
          .join(', ')}`,
      );
    }
    return {
      workers,
      documents,
      seconds: (lastFinished - startedAt) / 1000,
      cpuSeconds: cpu,
      kernelShare: cpu > 0 ? (cpuAfter.kernel - cpuBefore.kernel) / cpu : 0,
      peakConnections,
      workerThreads,
      workerSwitches: {
        voluntary: switchesAfter.voluntary - switchesBefore.voluntary,
        involuntary: switchesAfter.involuntary - switchesBefore.involuntary,
      },
      runRowUpdatesPerRun,
      warmupRunsPerWorker,
      runsPerWorker: workerPids.map((pid) => [...holders.values()].filter((s) => s.has(pid)).length),
    };
  } finally {
    await monitor.end().catch(() => undefined);
    for (const proc of procs.reverse()) await stop(proc);
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    // The copies stay until the whole benchmark ends: removing 10,000 files just before the next pass
    // makes that pass's file creation slower (ext4 without a journal skips recently deleted inodes when
    // it allocates one, scanning past each of them), which would charge one pass for another.
    if (process.env.LEXBRIDGE_BENCH_REMOVE_EACH_PASS === 'true')
      await rm(root, { recursive: true, force: true });
  }
}
