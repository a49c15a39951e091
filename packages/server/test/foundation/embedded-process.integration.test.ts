import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { keyFileName } from '../../src/crypto/keys.ts';
import { type Lexbridge, openLexbridge } from '../../src/runtime.ts';
import { captureLog } from './capture.ts';
import { killAll, type LexbridgeProcess, runLexbridge, spawnLexbridge } from './processes.ts';
import { allSealedValues, type SeededSecret, seedSecrets } from './secrets-fixture.ts';

// The embedded database on a real data directory, driven the way an operator does: `lexbridge serve`
// in one process, admin commands in others.
let dataDir: string;
let env: Record<string, string>;
let seeded: SeededSecret[];
let firstKeyId: string;
const marker = `restart-${randomUUID()}`;
const openInProcess = (log = captureLog('warn').log) =>
  openLexbridge({ config: loadConfig({ ...env, LOG_LEVEL: 'warn' }), log });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lexbridge-embedded-'));
  env = { LEXBRIDGE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' };
});

afterAll(async () => {
  await killAll();
  await rm(dataDir, { recursive: true, force: true });
});

describe('first start on an empty data directory (in process)', () => {
  it('creates the database, generates a key file (0600) and warns about it', async () => {
    const captured = captureLog('warn');
    const lexbridge = await openInProcess(captured.log);
    try {
      expect(lexbridge.keySource).toBe('key-file');
      const keyFile = join(dataDir, keyFileName);
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      const warning = captured
        .lines()
        .find((l) => l.level === 40 && String(l.msg).includes('LEXBRIDGE_ENCRYPTION_KEYS is not set'));
      expect(warning).toMatchObject({ file: keyFile });
      expect(captured.text()).not.toContain(JSON.parse(await readFile(keyFile, 'utf8')).keys[0].key);
      firstKeyId = lexbridge.secrets.primary.id;
      seeded = await seedSecrets(lexbridge.store.sql, lexbridge.secrets, 2);
      // Enqueued while no worker runs: it must survive the restart and run in the server started below.
      await lexbridge.queue.send('diagnostics.echo', { marker });
    } finally {
      await lexbridge.close();
    }
    expect(await readdir(dataDir)).not.toContain('lexbridge.lock');
  });
});

describe('lexbridge serve on the data directory', () => {
  let server: LexbridgeProcess;
  let url: string;

  beforeAll(async () => {
    server = spawnLexbridge(['serve'], env);
    url = String((await server.waitForLog('Lexbridge is listening')).url);
  });

  it('answers /readyz on the port it chose, with no migration left to apply', async () => {
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready' });
    expect(server.stdout()).not.toContain('database migrated');
    expect(server.stdout()).not.toContain('generated an encryption key file');
  });

  it('refuses a second process on the same data directory with a clear message', async () => {
    const second = await runLexbridge(['serve'], env);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`Another Lexbridge process (pid ${server.pid}`);
    expect(second.stderr).toContain(dataDir);
    expect(second.stderr).toContain('[data_dir_locked]');
    const res = await fetch(`${url}/readyz`);
    expect(res.status).toBe(200);
  });

  it('refuses `lexbridge worker` on the embedded database, pointing to DATABASE_URL', async () => {
    const worker = await runLexbridge(['worker'], env);
    expect(worker.code).toBe(1);
    expect(worker.stderr).toContain('DATABASE_URL');
    expect(worker.stderr).toContain('[worker_requires_postgres]');
  });

  it('leaves `lexbridge migrate` nothing to do while the server runs', async () => {
    const migrate = await runLexbridge(['migrate'], env);
    expect(migrate.code).toBe(0);
    expect(migrate.stdout).toContain(`The running server (pid ${server.pid})`);
  });

  it('`lexbridge keys rotate` re-encrypts every secret through the running server', async () => {
    const rotate = await runLexbridge(['keys', 'rotate'], env);
    expect(rotate.stderr).not.toContain('lexbridge:');
    expect(rotate.code).toBe(0);
    expect(rotate.stdout).toMatch(
      new RegExp(`re-encrypted under key k\\w+: ${seeded.length} rewritten, 0 already current\\.`),
    );
  });

  it('runs the job enqueued before the restart', async () => {
    // The job writes an audit event; the server's log says when it ran.
    const line = await server.waitForLog('diagnostics.echo ran', 30_000);
    expect(line.marker).toBe(marker);
  });

  it('stops gracefully on SIGTERM, releasing the data directory', async () => {
    expect(await server.stop()).toBe(0);
    expect(server.stderr()).toContain('SIGTERM received, shutting down');
    const left = await readdir(dataDir);
    expect(left).not.toContain('lexbridge.lock');
    expect(left).not.toContain('admin-api.json');
  });

  it('`lexbridge migrate` opens the data itself once the server has stopped', async () => {
    const migrate = await runLexbridge(['migrate'], env);
    expect({ code: migrate.code, stdout: migrate.stdout }).toEqual({
      code: 0,
      stdout: 'The database is up to date.\n',
    });
    expect(await readdir(dataDir)).not.toContain('lexbridge.lock');
  });
});

describe('after the server stopped (in process again)', () => {
  let lexbridge: Lexbridge;
  beforeAll(async () => {
    lexbridge = await openInProcess();
  });
  afterAll(async () => {
    await lexbridge?.close();
  });

  it('kept the data: the secrets seeded before the restarts are all there and read back', async () => {
    for (const { slot, plaintext } of seeded) {
      const rows = await lexbridge.store.sql.query<{ v: string }>(
        `SELECT ${slot.column} AS v FROM ${slot.table} WHERE ${slot.table === 'sessions' ? 'id_hash' : 'id'}::text = $1`,
        [slot.rowId],
      );
      expect(lexbridge.secrets.open(rows[0]!.v, slot)).toBe(plaintext);
    }
  });

  it('holds every secret under the new key from the key file, which keeps the old one', async () => {
    expect(lexbridge.secrets.keyIds).toHaveLength(2);
    expect(lexbridge.secrets.keyIds[1]).toBe(firstKeyId);
    const values = await allSealedValues(lexbridge.store.sql);
    expect(values.length).toBe(seeded.length);
    expect(new Set(values.map((v) => v.keyId))).toEqual(new Set([lexbridge.secrets.primary.id]));
    expect((await stat(join(dataDir, keyFileName))).mode & 0o777).toBe(0o600);
  });

  it('recorded the job that ran after the restart exactly once', async () => {
    const rows = await lexbridge.store.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events WHERE action = 'diagnostics.echo' AND target_id = $1`,
      [marker],
    );
    expect(rows[0]!.n).toBe(1);
  });
});

describe('a wrong setting', () => {
  it('stops `lexbridge serve` with a message naming the variable and what it expects', async () => {
    const r = await runLexbridge(['serve'], { ...env, PORT: 'http', LEXBRIDGE_WORKER_CONCURRENCY: '0' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Lexbridge cannot start: some settings are wrong.');
    expect(r.stderr).toContain('PORT: expected a whole number from 0 to 65535');
    expect(r.stderr).toContain('LEXBRIDGE_WORKER_CONCURRENCY: expected a whole number from 1 to 64');
    expect(r.stdout).toBe('');
  });
});
