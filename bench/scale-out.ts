/**
 * Scale-out on PostgreSQL, measured from outside the processes: for each pass a fresh database,
 * `lexbridge serve --no-workers` and N `lexbridge worker` processes, and 20 Copy workflows started at
 * once (Run now) that copy documents of 2–32 KB from the iManage emulator (in a process of its own) to
 * local folders. Prints, per number of workers, the median documents/s, its ratio to 1 worker in the
 * same run, Lexbridge CPU seconds per 1,000 documents (utime + stime of serve and the workers, children
 * included, from /proc/<pid>/stat), the kernel's share of it, the peak number of database connections
 * (pg_stat_activity, sampled every 100 ms) and the runs each worker took. Every pass checks that each
 * document was copied exactly once. Asserts nothing else.
 *
 *   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres node --import tsx bench/scale-out.ts
 *     [--workers 1,2,3,3,2,1] [--sequences 1] [--baseline <another checkout>]
 *
 * LEXBRIDGE_BENCH_DOCUMENTS (default 10080) scales the document count for quick runs; other LEXBRIDGE_*
 * variables in the environment (e.g. LEXBRIDGE_WORKER_CONCURRENCY) reach the processes.
 * Each pass's copies stay until the end (LEXBRIDGE_BENCH_REMOVE_EACH_PASS=true removes them after each
 * pass, which on ext4 without a journal makes the next pass's file creation dearer: docs/operations.md).
 * LEXBRIDGE_BENCH_CPU_PROF=<dir> starts the workers with node --cpu-prof, profiles written to <dir>.
 * LEXBRIDGE_BENCH_WORKER_NODE_ARGS adds Node.js options to the workers (e.g. --perf-basic-prof);
 * LEXBRIDGE_BENCH_PERF=<dir> records the workers with `perf record -g` over the measured window only;
 * LEXBRIDGE_BENCH_WORKER_STDOUT=<dir> keeps each worker's standard output there (e.g. --trace-opt);
 * LEXBRIDGE_BENCH_TABLE_STATS=true prints the pass's commits and each table's scans and row writes.
 * LEXBRIDGE_BENCH_WARMUP_RUNS=<k> first has each worker copy k whole folders (not measured), so that the
 * window measures warmed-up workers (V8 has optimised the copy path) as a long-running deployment has.
 * Each pass also prints the updates of the runs' rows per run (claim, the recorder's flushes, finish).
 * --baseline measures another checkout of Lexbridge (its bin/lexbridge.js, e.g. a worktree of main before
 * a change) in the same run: each pass is run with both, alternating which goes first, and a table is
 * printed for each, ratios to 1 worker of the same code.
 * Databases are named lexbridge_bench_scale_* and dropped after each pass.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { EmulatorOptions } from '../packages/imanage-emulator/src/index.ts';
import { clientId, clientSecret, type PassResult, runPass } from './scale-out-pass.ts';

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: '1,2,3,3,2,1' },
    sequences: { type: 'string', default: '1' },
    baseline: { type: 'string' },
  },
});
const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const WORKFLOWS = 20;
const perFolder = Math.max(
  1,
  Math.round(Number(process.env.LEXBRIDGE_BENCH_DOCUMENTS ?? 10_080) / WORKFLOWS),
);
const profileDir = process.env.LEXBRIDGE_BENCH_CPU_PROF;

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The emulator in its own process, shared by every pass (the source is only read). */
async function startEmulatorProcess(
  serverPort: number,
): Promise<{ child: ChildProcess; url: string; customerId: number }> {
  const port = await freePort();
  const options: EmulatorOptions = {
    port,
    seed: 3,
    content: {
      workspaces: 1,
      folderDepth: 1,
      foldersPerContainer: WORKFLOWS,
      documentsPerFolder: perFolder,
      minSize: 2 * 1024,
      maxSize: 32 * 1024,
    },
    users: [{ id: 'jsmith', password: 'password', name: 'John Smith', access: { '*': 'full_access' } }],
    apps: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        name: 'Lexbridge',
        redirect_urls: [`http://127.0.0.1:${serverPort}/api/connectors/authorised`],
        allow_refresh_token: true,
      },
    ],
  };
  const script = fileURLToPath(new URL('./workflows-emulator-process.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(options)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const customerId = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const ready = /ready (\d+)/.exec(out);
      if (ready) resolve(Number(ready[1]));
    });
    child.on('exit', (code) => reject(new Error(`the emulator process exited (${code})`)));
  });
  return { child, url: `http://127.0.0.1:${port}`, customerId };
}

/** The workspace's folders, through the Work API with a password-grant token. */
async function listFolders(url: string, customerId: number): Promise<string[]> {
  const token = await fetch(`${url}/auth/oauth2/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'password',
      username: 'jsmith',
      password: 'password',
      client_id: clientId,
      client_secret: clientSecret,
    }),
  });
  const headers = { 'x-auth-token': ((await token.json()) as { access_token: string }).access_token };
  const base = `${url}/work/api/v2/customers/${customerId}/libraries/ACTIVE`;
  const workspaces = (await (await fetch(`${base}/workspaces`, { headers })).json()) as {
    data: { results?: { id: string }[] } | { id: string }[];
  };
  const workspaceId = (Array.isArray(workspaces.data) ? workspaces.data : (workspaces.data.results ?? []))[0]!
    .id;
  const children = (await (
    await fetch(`${base}/workspaces/${workspaceId}/children`, { headers })
  ).json()) as {
    data: { id: string }[];
  };
  return children.data.map((f) => f.id);
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function printTable(label: string, results: PassResult[]): void {
  const counts = [...new Set(results.map((r) => r.workers))].sort((a, b) => a - b);
  const rate = (r: PassResult) => r.documents / r.seconds;
  const cpu = (r: PassResult) => (r.cpuSeconds / r.documents) * 1000;
  const base = median(results.filter((r) => r.workers === counts[0]).map(rate));
  console.log(`\n${label}`);
  console.log(
    `| workers | documents/s (median of n) | ratio to ${counts[0]} | Lexbridge CPU s per 1,000 documents | kernel share | peak DB connections | runs per worker |`,
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const n of counts) {
    const mine = results.filter((r) => r.workers === n);
    const conns = mine.map((r) => r.peakConnections);
    console.log(
      `| ${n} | ${median(mine.map(rate)).toFixed(0)} (n=${mine.length}) | ${(median(mine.map(rate)) / base).toFixed(2)} | ` +
        `${median(mine.map(cpu)).toFixed(2)} | ${(median(mine.map((r) => r.kernelShare)) * 100).toFixed(0)} % | ` +
        `${Math.min(...conns)}–${Math.max(...conns)} | ${mine.map((r) => r.runsPerWorker.join('/')).join(', ')} |`,
    );
  }
}

const serverPort = await freePort();
const root = await mkdtemp(join(tmpdir(), 'lexbridge-bench-scale-'));
const emulator = await startEmulatorProcess(serverPort);
try {
  const folders = await listFolders(emulator.url, emulator.customerId);
  if (folders.length !== WORKFLOWS) throw new Error(`expected ${WORKFLOWS} folders, found ${folders.length}`);
  const sequence = values.workers.split(',').map(Number);
  console.log(
    `node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model}), ${WORKFLOWS} workflows × ${perFolder} documents, ` +
      `${process.env.LEXBRIDGE_BENCH_WARMUP_RUNS ? `warm-up ${process.env.LEXBRIDGE_BENCH_WARMUP_RUNS} runs per worker before each window, ` : ''}` +
      `load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  const variants = [
    { label: 'this checkout', bin: undefined as string | undefined, results: [] as PassResult[] },
  ];
  if (values.baseline)
    variants.unshift({
      label: `baseline ${values.baseline}`,
      bin: resolve(values.baseline, 'bin/lexbridge.js'),
      results: [],
    });
  let pass = 0;
  for (let s = 0; s < Number(values.sequences); s++) {
    for (const workers of sequence) {
      const order = pass++ % 2 ? [...variants].reverse() : variants;
      for (const variant of order) {
        const workerNodeArgs = [
          ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
          ...(process.env.LEXBRIDGE_BENCH_WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
          ...(process.env.LEXBRIDGE_BENCH_WORKER_IMPORT
            ? ['--import', process.env.LEXBRIDGE_BENCH_WORKER_IMPORT]
            : []),
        ];
        const result = await runPass(
          {
            adminUrl,
            root,
            serverPort,
            emulatorUrl: emulator.url,
            folders,
            perFolder,
            workerNodeArgs,
            bin: variant.bin,
          },
          workers,
        );
        variant.results.push(result);
        console.log(
          `${variant.label}, workers ${workers}: ${result.documents} documents in ${result.seconds.toFixed(1)} s ` +
            `(${(result.documents / result.seconds).toFixed(0)}/s), CPU ${result.cpuSeconds.toFixed(1)} s ` +
            `(${(result.kernelShare * 100).toFixed(0)} % kernel), peak connections ${result.peakConnections}, ` +
            `runs ${result.runsPerWorker.join('/')}${result.warmupRunsPerWorker.length ? ` (after warm-up runs ${result.warmupRunsPerWorker.join('/')})` : ''}, ${result.runRowUpdatesPerRun.toFixed(1)} run-row updates per run, exactly once; load ${loadavg()[0]!.toFixed(2)}`,
        );
        const threads = [...result.workerThreads].filter(([, s]) => s >= 0.05).sort((a, b) => b[1] - a[1]);
        const { voluntary, involuntary } = result.workerSwitches;
        console.log(
          `  workers' CPU by thread: ${threads.map(([n, s]) => `${n} ${s.toFixed(1)} s`).join(', ')}; ` +
            `context switches per document: ${(voluntary / result.documents).toFixed(1)} voluntary, ` +
            `${(involuntary / result.documents).toFixed(1)} involuntary`,
        );
      }
    }
  }
  for (const variant of variants) printTable(variant.label, variant.results);
  console.log(
    `load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  emulator.child.kill('SIGTERM');
  await rm(root, { recursive: true, force: true });
}
