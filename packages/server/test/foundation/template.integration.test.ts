import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/db.ts';
import { readMigrations } from '../../src/store/migrate.ts';
import { readTemplate } from '../../src/store/template.ts';

const dirs: string[] = [];
async function newDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lexbridge-template-test-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function tableExists(store: Awaited<ReturnType<typeof openStore>>, name: string): Promise<boolean> {
  const rows = await store.sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = $1`,
    [name],
  );
  return rows[0]?.n === 1;
}

/** Every entry under `dir`, relative to it, with its permission bits. */
async function modes(dir: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  for (const name of await readdir(dir, { recursive: true })) {
    found.set(name, (await stat(join(dir, name))).mode & 0o777);
  }
  return found;
}

describe('the embedded database template', () => {
  it('a new data directory starts from the prepared template: migrated, with the queue schema, nothing to apply', async () => {
    expect(await readTemplate()).toBeDefined(); // made by the test setup, as `lexbridge prepare` does
    const store = await openStore({ dataDir: await newDataDir() });
    try {
      expect(store.applied).toEqual([]);
      const migrated = await store.sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM lexbridge_migrations',
      );
      expect(migrated[0]?.n).toBe((await readMigrations()).length);
      expect(await tableExists(store, 'job')).toBe(true); // pg-boss's table
      // Only Lexbridge's database: PostgreSQL's template databases are left out (half the files).
      const databases = await store.sql.query<{ datname: string }>('SELECT datname FROM pg_database');
      expect(databases.map((d) => d.datname)).toEqual(['postgres']);
    } finally {
      await store.close();
    }
  });

  it('is unpacked private, without the optional maps, and PostgreSQL makes a map again when it needs one', async () => {
    const dataDir = await newDataDir();
    const store = await openStore({ dataDir });
    try {
      const pgdata = join(dataDir, 'pgdata');
      const entries = await modes(pgdata);
      expect(entries.size).toBeGreaterThan(300);
      expect([...entries.keys()].filter((name) => /_(fsm|vm)$/.test(name))).toEqual([]);
      for (const [name, mode] of entries) {
        const isDir = (await stat(join(pgdata, name))).isDirectory();
        expect([name, mode.toString(8)]).toEqual([name, isDir ? '700' : '600']);
      }
      expect((await readdir(dataDir)).filter((name) => name.includes('unpacking'))).toEqual([]);
      await store.sql.exec(
        'CREATE TABLE map_probe (x int); INSERT INTO map_probe SELECT generate_series(1, 5000)',
      );
      await store.sql.exec('DELETE FROM map_probe WHERE x % 2 = 0');
      await store.sql.exec('VACUUM map_probe');
      const [{ path }] = await store.sql.query<{ path: string }>(
        "SELECT pg_relation_filepath('map_probe') AS path",
      );
      expect((await stat(join(pgdata, `${path}_fsm`))).size).toBeGreaterThan(0);
      // A system catalog whose map the template left out takes new rows as before.
      await store.sql.exec('CREATE TABLE map_probe_2 (y text)');
      expect(await tableExists(store, 'map_probe_2')).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('an unpacking cut short is cleared away and done again on the next start', async () => {
    const dataDir = await newDataDir();
    // What a first start killed while unpacking leaves: an empty pgdata and a half-written sibling.
    await mkdir(join(dataDir, 'pgdata'), { recursive: true });
    await mkdir(join(dataDir, 'pgdata.unpacking-0badf00d', 'base'), { recursive: true });
    await writeFile(join(dataDir, 'pgdata.unpacking-0badf00d', 'PG_VERSION'), '17\n');
    const store = await openStore({ dataDir });
    try {
      expect(store.applied).toEqual([]);
      expect(await tableExists(store, 'job')).toBe(true);
      expect((await readdir(dataDir)).filter((name) => name.includes('unpacking'))).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('a given template is loaded into a new data directory and kept on reopening', async () => {
    const source = await openStore({ template: false });
    await source.sql.exec('CREATE TABLE template_marker (x int)');
    const dump = await (source.pglite as NonNullable<typeof source.pglite>).dumpDataDir('gzip');
    await source.close();

    const dataDir = await newDataDir();
    const first = await openStore({ dataDir, template: dump });
    expect(await tableExists(first, 'template_marker')).toBe(true);
    await first.sql.exec('INSERT INTO template_marker VALUES (7)');
    await first.close();
    // An existing database is opened as it is, never replaced by a template.
    const again = await openStore({ dataDir, template: false });
    try {
      expect(await again.sql.query('SELECT x FROM template_marker')).toEqual([{ x: 7 }]);
    } finally {
      await again.close();
    }
  });

  it('without a template a new data directory is created from nothing and migrated', async () => {
    const store = await openStore({ dataDir: await newDataDir(), template: false });
    try {
      expect(store.applied).toEqual((await readMigrations()).map((m) => m.name));
      expect(await tableExists(store, 'job')).toBe(false);
    } finally {
      await store.close();
    }
  });
});
