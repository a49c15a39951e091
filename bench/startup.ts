// Start-up time and memory of `lexbridge serve` on the embedded database, next to a baseline measured
// in the same run on the same machine: a bare Node.js HTTP server (`node -e`). Prints figures; asserts
// nothing. Run with `npm run bench`.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnLexbridge } from '../packages/server/test/foundation/processes.ts';

const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const requests = Number(process.env.BENCH_REQUESTS ?? 500);

async function rssMiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024;
}

async function untilAnswers(url: string, deadline = Date.now() + 120_000): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer 200 in time`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function load(base: string): Promise<void> {
  const paths = ['/healthz', '/readyz', '/api/openapi.json', '/api/no-such-thing'];
  for (let i = 0; i < requests; i += 10) {
    await Promise.all(
      paths.concat(paths, paths.slice(0, 2)).map((p) => fetch(`${base}${p}`).then((r) => r.arrayBuffer())),
    );
  }
}

/** A bare node:http server: the least any Node.js service costs on this machine. */
async function baseline(): Promise<{ startMs: number; rss: number; rssAfter: number }> {
  const script =
    "const s=require('http').createServer((q,r)=>{r.setHeader('content-type','application/json');r.end('{\"status\":\"ok\"}')});" +
    "s.listen(0,'127.0.0.1',()=>console.log(s.address().port))";
  const t0 = performance.now();
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  const base = `http://127.0.0.1:${port}`;
  await untilAnswers(`${base}/readyz`);
  const startMs = performance.now() - t0;
  const rss = await rssMiB(child.pid!);
  await load(base);
  const rssAfter = await rssMiB(child.pid!);
  child.kill('SIGTERM');
  return { startMs, rss, rssAfter };
}

async function lexbridgeStart(dataDir: string): Promise<{ startMs: number; rss: number; rssAfter: number }> {
  const t0 = performance.now();
  const server = spawnLexbridge(['serve'], { LEXBRIDGE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' });
  // The listening line is logged at info; with LOG_LEVEL=warn read the port from the admin API file.
  const base = await (async () => {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const info = await readFile(join(dataDir, 'admin-api.json'), 'utf8').catch(() => undefined);
      if (info) return (JSON.parse(info) as { url: string }).url;
      if (Date.now() > deadline || server.child.exitCode !== null)
        throw new Error(`serve did not start:\n${server.stderr()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await untilAnswers(`${base}/readyz`);
  const startMs = performance.now() - t0;
  const rss = await rssMiB(server.pid);
  await load(base);
  const rssAfter = await rssMiB(server.pid);
  const code = await server.stop();
  if (code !== 0) throw new Error(`serve exited with ${code}:\n${server.stderr()}`);
  return { startMs, rss, rssAfter };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const runs = {
  baseline: [] as Awaited<ReturnType<typeof baseline>>[],
  first: [] as Awaited<ReturnType<typeof baseline>>[],
  restart: [] as Awaited<ReturnType<typeof baseline>>[],
};
for (let round = 0; round < rounds; round++) {
  runs.baseline.push(await baseline());
  const dataDir = await mkdtemp(join(tmpdir(), 'lexbridge-bench-'));
  try {
    runs.first.push(await lexbridgeStart(dataDir));
    runs.restart.push(await lexbridgeStart(dataDir));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

const base = {
  startMs: median(runs.baseline.map((r) => r.startMs)),
  rss: median(runs.baseline.map((r) => r.rss)),
  rssAfter: median(runs.baseline.map((r) => r.rssAfter)),
};
const row = (name: string, value: number, unit: string, reference: number) =>
  `${name.padEnd(46)} ${value.toFixed(unit === 'ms' ? 0 : 1).padStart(8)} ${unit.padEnd(4)} ${(value / reference).toFixed(1).padStart(6)}×`;
console.log(
  `node ${process.version}, ${rounds} rounds, medians; ratio against the bare node:http server of the same round set`,
);
console.log(row('baseline: bare node:http server, start → 200', base.startMs, 'ms', base.startMs));
console.log(
  row(
    'lexbridge serve, first start (fresh dir) → /readyz',
    median(runs.first.map((r) => r.startMs)),
    'ms',
    base.startMs,
  ),
);
console.log(
  row('lexbridge serve, restart → /readyz', median(runs.restart.map((r) => r.startMs)), 'ms', base.startMs),
);
console.log(row('baseline RSS after start', base.rss, 'MiB', base.rss));
console.log(
  row('lexbridge RSS after start (restart)', median(runs.restart.map((r) => r.rss)), 'MiB', base.rss),
);
console.log(row(`baseline RSS after ${requests} requests`, base.rssAfter, 'MiB', base.rssAfter));
console.log(
  row(
    `lexbridge RSS after ${requests} requests`,
    median(runs.restart.map((r) => r.rssAfter)),
    'MiB',
    base.rssAfter,
  ),
);
