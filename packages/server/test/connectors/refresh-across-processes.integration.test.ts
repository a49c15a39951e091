import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunningEmulator } from '@lexbridge/imanage-emulator';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { getAccessToken } from '../../src/authorisation/tokens.ts';
import { connections } from '../../src/store/schema.ts';
import {
  createPostgresDatabase,
  createTestLexbridge,
  describeWithPostgres,
  signIn,
  startTestServer,
  type TestLexbridge,
  type TestServer,
  testEncryptionKeys,
} from '../support/lexbridge.ts';
import {
  authoriseThroughEmulator,
  createImanageConnector,
  startEmulatorFor,
  usePublicUrl,
} from './support.ts';

/**
 * Two Lexbridge processes (two instances, each with its own pool and in-process single flight) on one
 * PostgreSQL database use one connection hard while the emulator rotates refresh tokens: a refresh
 * token presented twice would get invalid_grant and expire the connection.
 */
describeWithPostgres('token refresh across processes on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let server: TestServer;
  let second: TestLexbridge;
  let emulator: RunningEmulator;
  let connectorId: string;
  let userId: string;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const env = { LEXBRIDGE_ENCRYPTION_KEYS: testEncryptionKeys() };
    server = await startTestServer({ databaseUrl: database.url, env });
    second = await createTestLexbridge({ databaseUrl: database.url, env });
    usePublicUrl(server);
    emulator = await startEmulatorFor(server, { rotate_refresh_token: true });
    const admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
    const user = await signIn(server.lexbridge, { roles: ['User'] });
    userId = user.userId;
    connectorId = (await createImanageConnector(server, admin, emulator)).id;
    expect((await authoriseThroughEmulator(server, user, connectorId)).landing).toBe(
      `/connectors?authorised=${connectorId}`,
    );
  });

  afterAll(async () => {
    await emulator?.close();
    await second?.dispose();
    await server?.close();
    await database?.drop();
  });

  it('refreshes exactly once per expiry however many callers in two processes ask', async () => {
    const key = { connectorId, userId };
    const where = and(eq(connections.connectorId, connectorId), eq(connections.userId, userId));
    const rounds = 15;
    const refreshTokensSeen = new Set<string>();
    for (let round = 0; round < rounds; round++) {
      const [before] = await server.lexbridge.store.db.select().from(connections).where(where);
      await server.lexbridge.store.db
        .update(connections)
        .set({ accessTokenExpiresAt: new Date() })
        .where(where);
      const grants = await Promise.all([
        ...Array.from({ length: 4 }, () => getAccessToken(server.lexbridge, key)),
        ...Array.from({ length: 4 }, () => getAccessToken(second, key)),
      ]);
      expect(new Set(grants.map((g) => g.accessToken)).size).toBe(1);
      const [after] = await server.lexbridge.store.db.select().from(connections).where(where);
      expect(after!.status).toBe('authorised');
      expect(after!.tokenVersion).toBe(before!.tokenVersion + 1);
      const refresh = server.lexbridge.secrets.open(after!.refreshToken!, {
        table: 'connections',
        rowId: after!.id,
        column: 'refresh_token',
      });
      expect(refreshTokensSeen.has(refresh)).toBe(false);
      refreshTokensSeen.add(refresh);
      expect(emulator.tokens.refreshTokens.has(refresh)).toBe(true);
    }
    expect(refreshTokensSeen.size).toBe(rounds);
  });
});

describeWithPostgres('lexbridge doctor on PostgreSQL', () => {
  let database: { url: string; drop(): Promise<void> };
  let server: TestServer;
  let emulator: RunningEmulator;
  let keys: string;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    keys = testEncryptionKeys();
    server = await startTestServer({ databaseUrl: database.url, env: { LEXBRIDGE_ENCRYPTION_KEYS: keys } });
    usePublicUrl(server);
    emulator = await startEmulatorFor(server);
  });

  afterAll(async () => {
    await emulator?.close();
    await server?.close();
    await database?.drop();
  });

  it("runs the connector checks from the command line, with a user's authorisation", async () => {
    const admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
    const user = await signIn(server.lexbridge, { roles: ['User'] });
    const { id } = await createImanageConnector(server, admin, emulator);
    await authoriseThroughEmulator(server, user, id);
    // Asynchronously: the emulator answering the command runs in this process.
    const run = (args: string[]) =>
      new Promise<{ status: number | null; stdout: string }>((resolve) => {
        execFile(
          process.execPath,
          [fileURLToPath(new URL('../../../../bin/lexbridge.js', import.meta.url)), 'doctor', ...args],
          {
            env: {
              ...process.env,
              DATABASE_URL: database.url,
              LEXBRIDGE_ENCRYPTION_KEYS: keys,
              LOG_LEVEL: 'silent',
            },
            encoding: 'utf8',
            timeout: 60_000,
          },
          (err, stdout) => resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stdout }),
        );
      });
    const good = await run([id, '--user', user.userId]);
    expect(good.stdout).toMatch(/✓ discovery\s+iManage Work Server 10\./);
    expect(good.stdout).toMatch(/✓ libraries\s+Your account sees 1 library: ACTIVE/);
    expect(good.stdout).toContain('All checks passed.');
    expect(good.status).toBe(0);
    expect((await run(['not-an-id'])).status).toBe(2);
  });
});
