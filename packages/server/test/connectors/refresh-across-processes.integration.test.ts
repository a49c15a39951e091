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
  testEncryptionKeys,
  type TestLexbridge,
  type TestServer,
} from '../support/lexbridge.ts';
import { authoriseThroughEmulator, createImanageConnector, startEmulatorFor, usePublicUrl } from './support.ts';

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
    expect((await authoriseThroughEmulator(server, user, connectorId)).landing).toBe(`/connectors?authorised=${connectorId}`);
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
      await server.lexbridge.store.db.update(connections).set({ accessTokenExpiresAt: new Date() }).where(where);
      const grants = await Promise.all([
        ...Array.from({ length: 4 }, () => getAccessToken(server.lexbridge, key)),
        ...Array.from({ length: 4 }, () => getAccessToken(second, key)),
      ]);
      expect(new Set(grants.map((g) => g.accessToken)).size).toBe(1);
      const [after] = await server.lexbridge.store.db.select().from(connections).where(where);
      expect(after!.status).toBe('authorised');
      expect(after!.tokenVersion).toBe(before!.tokenVersion + 1);
      const refresh = server.lexbridge.secrets.open(after!.refreshToken!, { table: 'connections', rowId: after!.id, column: 'refresh_token' });
      expect(refreshTokensSeen.has(refresh)).toBe(false);
      refreshTokensSeen.add(refresh);
      expect(emulator.tokens.refreshTokens.has(refresh)).toBe(true);
    }
    expect(refreshTokensSeen.size).toBe(rounds);
  });
});
