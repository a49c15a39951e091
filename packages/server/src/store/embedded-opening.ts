import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { AppError } from '../errors.ts';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.ts';
import { PGlite } from './pglite.ts';
import { readTemplate } from './template.ts';
import { unpackTemplate } from './template-unpack.ts';

/**
 * Opening the embedded database: the data directory's lock, then PGlite, from the prepared template
 * when the directory is new. Kept apart from the rest of the store, with few imports, so that
 * `lexbridge serve` can begin it before it loads the server's code (cli/main.ts): V8 compiles PGlite's
 * WebAssembly in background threads while the main thread loads the rest.
 */

/**
 * PostgreSQL settings of the embedded database, sized for one process serving one firm's connector
 * traffic rather than PostgreSQL's defaults for a dedicated server (docs/operations.md, "Memory"):
 * PGlite keeps shared_buffers inside the process's WebAssembly memory, so the default 128 MB costs
 * 128 MB of resident memory once touched. 16 MB holds Lexbridge's working set (its tables and the job
 * queue's) many times over; wal_buffers follows it (1/32). A smaller WAL keeps the data directory
 * small: the checkpoint it forces every 64 MB of writes costs nothing noticeable on this workload.
 */
export const embeddedSettings: Readonly<Record<string, string>> = {
  shared_buffers: '16MB',
  work_mem: '4MB',
  maintenance_work_mem: '16MB',
  temp_buffers: '2MB',
  max_wal_size: '64MB',
  min_wal_size: '32MB',
};

export interface EmbeddedOpenOptions {
  /** The data directory (the database lives in its pgdata folder); absent means in memory. */
  dataDir?: string;
  /** Written into the lock file so admin commands can find the running server. */
  port?: number;
  /** A dumped data directory to start a new one from; by default the prepared template; `false`: none. */
  template?: Blob | false;
}

export interface OpenedEmbedded {
  pglite: PGlite;
  /** The data directory's lock (absent in memory); the store releases it when it closes. */
  lock?: DataDirLock;
}

async function templateFor(template: Blob | false | undefined): Promise<Blob | undefined> {
  if (template === false) return undefined;
  return template ?? (await readTemplate().catch(() => undefined));
}

function startParams(): string[] {
  return [
    ...PGlite.defaultStartParams,
    ...Object.entries(embeddedSettings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
  ];
}

/** PGlite's WebAssembly, compiled by V8 in background threads (PGlite would read and compile it itself). */
async function compilePglite(): Promise<WebAssembly.Module> {
  const path = createRequire(import.meta.url).resolve('@electric-sql/pglite/pglite.wasm');
  return WebAssembly.compile(await readFile(path));
}

/**
 * A new data directory's pgdata, from the template when there is one: unpacked by the thread pool
 * while PGlite's WebAssembly compiles (store/template-unpack.ts). Returns the compiled module, for
 * PGlite to use. An existing database is left as it is.
 */
async function preparePgdata(
  pgdata: string,
  given: Blob | false | undefined,
): Promise<WebAssembly.Module | undefined> {
  const template = existsSync(join(pgdata, 'PG_VERSION')) ? undefined : await templateFor(given);
  if (!template) {
    await mkdir(pgdata, { recursive: true, mode: 0o700 });
    return undefined;
  }
  const compiling = compilePglite();
  compiling.catch(() => undefined); // awaited below, once the files are written
  await unpackTemplate(template, pgdata);
  return compiling;
}

/** Takes the lock and opens the database; on failure nothing is left held. */
export async function openEmbeddedDatabase(options: EmbeddedOpenOptions): Promise<OpenedEmbedded> {
  if (!options.dataDir) {
    const template = await templateFor(options.template);
    const pglite = new PGlite({ startParams: startParams(), ...(template ? { loadDataDir: template } : {}) });
    await pglite.waitReady;
    return { pglite };
  }
  const lock = await acquireDataDirLock(options.dataDir, { port: options.port });
  const pgdata = join(options.dataDir, 'pgdata');
  try {
    const compiled = await preparePgdata(pgdata, options.template);
    const pglite = new PGlite({
      dataDir: pgdata,
      startParams: startParams(),
      ...(compiled ? { pgliteWasmModule: compiled } : {}),
    });
    await pglite.waitReady;
    return { pglite, lock };
  } catch (err) {
    await lock.release();
    throw new AppError(
      'database_unavailable',
      `The embedded database in ${pgdata} could not be opened.`,
      undefined,
      {
        cause: err,
      },
    );
  }
}

let early: { dataDir: string; opening: Promise<OpenedEmbedded> } | undefined;

/**
 * Begins opening a data directory's database ahead of the store asking for it (`serve` does this
 * first thing); `openStore` on the same directory then takes it over. A failure (the directory held
 * by another process, say) is reported there, as it would have been without the head start.
 */
export function openEmbeddedEarly(dataDir: string, port?: number): void {
  const opening = openEmbeddedDatabase({ dataDir, port });
  opening.catch(() => undefined);
  early = { dataDir, opening };
}

/** The opening begun early for this data directory, once; undefined when none was. */
export function takeEarlyOpening(dataDir: string | undefined): Promise<OpenedEmbedded> | undefined {
  if (!early || !dataDir || early.dataDir !== dataDir) return undefined;
  const { opening } = early;
  early = undefined;
  return opening;
}
