// Start-up time and memory of `lexbridge serve` on the embedded database, next to two floors measured
// in the same run on the same machine: a bare Node.js HTTP server (`node -e`), and PGlite with its
// default settings plus a fastify server answering /readyz from it (the least an embedded-PostgreSQL
// web service costs; the goals are stated against it). Prints figures; asserts nothing.
// Run with `npm run bench`.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** PGlite (defaults) on a data directory and fastify answering /readyz with a query: the floor. */
async function pgliteFloor(dataDir: string): Promise<{ startMs: number; rss: number; rssAfter: number }> {
  const script = [
    "import { PGlite } from '@electric-sql/pglite';",
    "import Fastify from 'fastify';",
    'const db = new PGlite(process.argv[1]); await db.waitReady;',
    'const app = Fastify();',
    "app.get('/readyz', async () => ({ status: 'ready', now: (await db.query('SELECT now()')).rows[0] }));",
    "app.get('/healthz', async () => ({ status: 'ok' }));",
    "await app.listen({ port: 0, host: '127.0.0.1' });",
    'console.log(app.server.address().port);',
  ].join('\n');
  const t0 = performance.now();
  const child = spawn(process.execPath, ['--input-type=module', '-e', script, dataDir], {
    cwd: fileURLToPath(new URL('../packages/server/', import.meta.url)),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  const base = `http://127.0.0.1:${port}`;
  await untilAnswers(`${base}/readyz`);
  const startMs = performance.now() - t0;
  const rss = await rssMiB(child.pid!);
  await load(base);
  const rssAfter = await rssMiB(child.pid!);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
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

type Figures = Awaited<ReturnType<typeof baseline>>;
const runs = {
  baseline: [] as Figures[],
  floorFirst: [] as Figures[],
  floorRestart: [] as Figures[],
  first: [] as Figures[],
  restart: [] as Figures[],
};
for (let round = 0; round < rounds; round++) {
  runs.baseline.push(await baseline());
  const floorDir = await mkdtemp(join(tmpdir(), 'lexbridge-bench-floor-'));
  const dataDir = await mkdtemp(join(tmpdir(), 'lexbridge-bench-'));
  try {
    runs.floorFirst.push(await pgliteFloor(floorDir));
    runs.floorRestart.push(await pgliteFloor(floorDir));
    runs.first.push(await lexbridgeStart(dataDir));
    runs.restart.push(await lexbridgeStart(dataDir));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
    await rm(floorDir, { recursive: true, force: true });
  }
}

const m = (list: Figures[], key: keyof Figures) => median(list.map((r) => r[key]));
const row = (name: string, value: number, unit: string, floor: number, bare: number) =>
  `${name.padEnd(44)} ${value.toFixed(unit === 'ms' ? 0 : 1).padStart(8)} ${unit.padEnd(4)} ${(value / floor).toFixed(2).padStart(6)}× ${(value / bare).toFixed(1).padStart(6)}×`;
console.log(
  `node ${process.version}, ${rounds} rounds, medians; ratios against the PGlite + fastify floor and the bare node:http server measured in the same rounds`,
);
console.log(`${''.padEnd(44)} ${'value'.padStart(13)} ${'floor'.padStart(7)} ${'bare'.padStart(7)}`);
const bare = runs.baseline;
const floorRestart = m(runs.floorRestart, 'startMs');
console.log(
  row('bare node:http server, start → 200', m(bare, 'startMs'), 'ms', floorRestart, m(bare, 'startMs')),
);
console.log(
  row(
    'floor, first start (empty dir) → /readyz',
    m(runs.floorFirst, 'startMs'),
    'ms',
    floorRestart,
    m(bare, 'startMs'),
  ),
);
console.log(row('floor, restart → /readyz', floorRestart, 'ms', floorRestart, m(bare, 'startMs')));
console.log(
  row(
    'lexbridge serve, first start → /readyz',
    m(runs.first, 'startMs'),
    'ms',
    floorRestart,
    m(bare, 'startMs'),
  ),
);
console.log(
  row(
    'lexbridge serve, restart → /readyz',
    m(runs.restart, 'startMs'),
    'ms',
    floorRestart,
    m(bare, 'startMs'),
  ),
);
const floorRss = m(runs.floorRestart, 'rss');
console.log(row('floor RSS after start (restart)', floorRss, 'MiB', floorRss, m(bare, 'rss')));
console.log(
  row('lexbridge RSS after start (restart)', m(runs.restart, 'rss'), 'MiB', floorRss, m(bare, 'rss')),
);
const floorAfter = m(runs.floorRestart, 'rssAfter');
console.log(row(`floor RSS after ${requests} requests`, floorAfter, 'MiB', floorAfter, m(bare, 'rssAfter')));
console.log(
  row(
    `lexbridge RSS after ${requests} requests`,
    m(runs.restart, 'rssAfter'),
    'MiB',
    floorAfter,
    m(bare, 'rssAfter'),
  ),
);
