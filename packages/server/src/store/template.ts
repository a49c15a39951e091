import { createHash, randomBytes } from 'node:crypto';
import { existsSync, openAsBlob, readFileSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readMigrations } from './migrate.ts';

/**
 * A ready-made embedded database — initialised, migrated and with the job queue's schema — that a new
 * data directory starts from instead of running PostgreSQL's initdb and every migration (about 1 s
 * instead of 5–10 s). It is made once, by `lexbridge prepare` (run after `npm install`) or by the test
 * setup, and kept under node_modules/.cache/lexbridge, named after everything that shapes it: the
 * PGlite and pg-boss versions and the migrations. A missing or stale template only costs time: the
 * database is then created from nothing, as before.
 */
const cacheDir = fileURLToPath(new URL('../../../../node_modules/.cache/lexbridge/', import.meta.url));

function packageVersion(name: string): string {
  const require = createRequire(import.meta.url);
  let dir = dirname(require.resolve(name));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Where the template for this code's schema lives (whether or not it exists yet). */
export async function templatePath(): Promise<string> {
  const hash = createHash('sha256');
  // `layout` counts changes to how the template is made (2: without PostgreSQL's template databases).
  hash.update(
    `layout 2\0pglite ${packageVersion('@electric-sql/pglite')}\0pg-boss ${packageVersion('pg-boss')}\0`,
  );
  for (const file of await readMigrations()) hash.update(`${file.name}\0${file.sql}\0`);
  return join(cacheDir, `pgdata-${hash.digest('hex').slice(0, 16)}.tar.gz`);
}

/** The template for this code's schema, if one has been made. */
export async function readTemplate(): Promise<Blob | undefined> {
  const path = await templatePath();
  return existsSync(path) ? openAsBlob(path) : undefined;
}

/** Stores a template (a `dumpDataDir('gzip')` of a prepared database); written whole or not at all. */
export async function writeTemplate(dump: Blob): Promise<string> {
  const path = await templatePath();
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.${randomBytes(4).toString('hex')}.partial`;
  try {
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
  }
  return path;
}
