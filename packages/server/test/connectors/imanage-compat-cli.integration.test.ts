import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningEmulator } from '@lexbridge/imanage-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/log.ts';
import { openLexbridge } from '../../src/runtime.ts';
import { type RunningServer, serve } from '../../src/server.ts';
import { killAll, runLexbridge } from '../foundation/processes.ts';
import { signIn, type TestServer, testEncryptionKeys } from '../support/lexbridge.ts';
import { authoriseThroughEmulator, createImanageConnector, startEmulatorFor } from './support.ts';

/**
 * The command itself: `lexbridge doctor --imanage-compat` run as a process beside a Lexbridge server
 * that holds its embedded data directory, so the command asks that server (its local admin API) to
 * run the check, and prints the report or a stable error code.
 */
let dataDir: string;
let running: RunningServer;
let server: TestServer;
let emulator: RunningEmulator;
let connectorId: string;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lexbridge-compat-cli-'));
  env = {
    LEXBRIDGE_DATA_DIR: dataDir,
    LEXBRIDGE_ENCRYPTION_KEYS: testEncryptionKeys(),
    LOG_LEVEL: 'silent',
    // The emulator listens on loopback, as in the other suites (test support allows it too).
    LEXBRIDGE_ALLOW_PRIVATE_ADDRESSES: 'true',
  };
  const config = loadConfig({ ...env, PORT: '0' });
  const lexbridge = await openLexbridge({ config, log: createLogger({ level: 'silent' }) });
  running = await serve(lexbridge, { port: 0, host: '127.0.0.1', workers: false });
  const url = `http://127.0.0.1:${(running.app.server.address() as { port: number }).port}`;
  lexbridge.config.publicUrl = url;
  server = {
    lexbridge: Object.assign(lexbridge, { dataDir, dispose: async () => {} }),
    url,
    close: async () => {},
  };
  emulator = await startEmulatorFor(server);
  const admin = await signIn(lexbridge, { roles: ['ConnectorAdmin'] });
  const user = await signIn(lexbridge, { roles: ['User'], email: 'jsmith@firm.test' });
  connectorId = (await createImanageConnector(server, admin, emulator)).id;
  await authoriseThroughEmulator(server, user, connectorId);
}, 120_000);

afterAll(async () => {
  await killAll();
  await emulator?.close();
  await running?.close();
  await server?.lexbridge.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('lexbridge doctor --imanage-compat (the command)', () => {
  it('prints the JSON report, asked of the running server', async () => {
    const before = emulator.requests.length;
    const { code, stdout, stderr } = await runLexbridge(
      ['doctor', '--imanage-compat', connectorId, '--user', 'jsmith@firm.test', '--json'],
      env,
      90_000,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { readOnly: boolean; checks: { id: string; observed: string }[] };
    expect(report.readOnly).toBe(true);
    expect(report.checks.find((c) => c.id === 'search.cursor')?.observed).toBe('top');
    expect(emulator.requests.slice(before).every((r) => r.method === 'GET')).toBe(true);
  }, 120_000);

  it('fails with a stable code for a connector that does not exist, and shows its usage', async () => {
    const missing = await runLexbridge(
      ['doctor', '--imanage-compat', '00000000-0000-4000-8000-000000000000'],
      env,
      90_000,
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('[connector_not_found]');
    const usage = await runLexbridge(['doctor', '--imanage-compat'], env, 90_000);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: lexbridge doctor --imanage-compat <connector-id>');
  }, 200_000);
});
