import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/index.ts';
import { createLogger } from '../log.ts';
import { openLexbridge } from '../runtime.ts';
import { openStore } from '../store/db.ts';
import { readTemplate, templatePath, writeTemplate } from '../store/template.ts';

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
