import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.ts';
import { createLogger } from '../log.ts';
import { openLexbridge } from '../runtime.ts';
import { openStore } from '../store/db.ts';
import { readTemplate, templatePath, writeTemplate } from '../store/template.ts';

const unusedDatabases = [
  'ALTER DATABASE template1 IS_TEMPLATE false',
  'DROP DATABASE template1',
  'ALTER DATABASE template0 IS_TEMPLATE false',
  'DROP DATABASE template0',
  'CHECKPOINT',
];

/**
 * Makes the embedded-database template (store/template.ts) unless this code's one exists: an
 * in-memory database, migrated, with the job queue's schema, dumped. Returns its path.
 */
export async function prepareEmbeddedTemplate(): Promise<{ path: string; made: boolean }> {
  if (await readTemplate()) return { path: await templatePath(), made: false };
  const dir = await mkdtemp(join(tmpdir(), 'lexbridge-prepare-'));
  const store = await openStore({ template: false });
  try {
    const config = loadConfig({
      LEXBRIDGE_DATA_DIR: dir,
      LEXBRIDGE_ENCRYPTION_KEYS: `prepare:${randomBytes(32).toString('base64')}`,
      LOG_LEVEL: 'silent',
    });
    const lexbridge = await openLexbridge({ config, log: createLogger({ level: 'silent' }), store });
    await lexbridge.close();
    // PostgreSQL's two template databases serve CREATE DATABASE, which Lexbridge never runs (it has the
    // one database, postgres). Without them a new data directory has 557 files instead of 1,159: on a
    // disk where creating a file is slow, the larger part of a first start.
    for (const statement of unusedDatabases) await store.sql.exec(statement);
    const dump = await (store.pglite as NonNullable<typeof store.pglite>).dumpDataDir('gzip');
    return { path: await writeTemplate(dump), made: true };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** `lexbridge prepare`: the one-off work after an install, so that the first start is quick. */
export async function prepareCommand(): Promise<number> {
  const started = performance.now();
  try {
    const { path, made } = await prepareEmbeddedTemplate();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      made
        ? `lexbridge: embedded database template made in ${seconds} s (${path})`
        : `lexbridge: embedded database template up to date (${path})`,
    );
    return 0;
  } catch (err) {
    // Only a speed-up: without it a new data directory is created from nothing.
    console.warn(
      `lexbridge: could not make the embedded database template (${(err as Error).message}); first starts will be slower`,
    );
    return 0;
  }
}
