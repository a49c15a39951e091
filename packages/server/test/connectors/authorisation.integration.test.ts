import { randomUUID } from 'node:crypto';
import type { RunningEmulator } from '@lexbridge/imanage-emulator';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepConnectionsAlive } from '../../src/authorisation/keep-alive.ts';
import { getAccessToken } from '../../src/authorisation/tokens.ts';
import { auditEvents, connections, connectors, oauthAttempts, workflows } from '../../src/store/schema.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import {
  authoriseThroughEmulator,
  createImanageConnector,
  startEmulatorFor,
  testClientSecret,
  usePublicUrl,
} from './support.ts';

let server: TestServer;
let emulator: RunningEmulator;
let admin: SignedIn;
let user: SignedIn;
let connectorId: string;

beforeAll(async () => {
  server = await startTestServer();
  usePublicUrl(server);
  emulator = await startEmulatorFor(server, { rotate_refresh_token: true });
  admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  user = await signIn(server.lexbridge, { roles: ['User'] });
  connectorId = (await createImanageConnector(server, admin, emulator)).id;
});

afterAll(async () => {
  await emulator?.close();
  await server?.close();
});

const db = () => server.lexbridge.store.db;

async function connectionOf(userId: string) {
  const rows = await db()
    .select()
    .from(connections)
    .where(and(eq(connections.connectorId, connectorId), eq(connections.userId, userId)));
  return rows[0];
}

async function status(who: SignedIn): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}/api/connectors/${connectorId}/connection`, {
    headers: { cookie: who.cookie },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as Record<string, unknown>;
}

async function addWorkflow(ownerId: string): Promise<string> {
  const id = randomUUID();
  await db()
    .insert(workflows)
    .values({
      id,
      ownerId,
      name: `Sync ${id.slice(0, 4)}`,
      type: 'one_way_sync',
      sourceConnectorId: connectorId,
      sourceLocation: { id: 'ACTIVE!1' },
      targetLocation: { path: '/' },
    });
  return id;
}

describe('authorising an iManage connector (the seed flow, against the emulator over HTTP)', () => {
  it('stores only the sealed secret and never returns it', async () => {
    const [row] = await db().select().from(connectors).where(eq(connectors.id, connectorId));
    expect(row!.secretConfig).toMatch(/^lb1\./);
    expect(row!.secretConfig).not.toContain(testClientSecret);
    expect(row!.config).toMatchObject({
      scope: 'user',
      serverAddress: emulator.url,
      clientId: 'lexbridge-test',
    });
    const res = await fetch(`${server.url}/api/connectors/${connectorId}`, {
      headers: { cookie: user.cookie },
    });
    const text = await res.text();
    expect(text).not.toContain(testClientSecret);
    expect(JSON.parse(text)).toMatchObject({
      secretsSet: ['secretKey'],
      connection: { status: 'unauthorised' },
    });
  });

  it('redirects to the iManage authorize endpoint with state, PKCE S256 and the registered redirect URL', async () => {
    const res = await fetch(`${server.url}/api/connectors/${connectorId}/authorise`, {
      headers: { cookie: user.cookie },
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    const url = new URL(res.headers.get('location')!);
    expect(`${url.origin}${url.pathname}`).toBe(`${emulator.url}/auth/oauth2/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'lexbridge-test',
      redirect_uri: `${server.url}/api/connectors/authorised`,
      scope: 'user',
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('state')!.length).toBeGreaterThanOrEqual(32);
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('authorises a user through the sign-in page, stores ciphertext, records the account and resumes paused workflows', async () => {
    const workflowId = await addWorkflow(user.userId);
    await db()
      .update(workflows)
      .set({ status: 'paused', pauseReason: 'reauthorise' })
      .where(eq(workflows.id, workflowId));
    const trip = await authoriseThroughEmulator(server, user, connectorId);
    expect(trip.landing).toBe(`/connectors?authorised=${connectorId}`);
    const row = await connectionOf(user.userId);
    expect(row!.status).toBe('authorised');
    const opened = server.lexbridge.secrets.open(row!.accessToken!, {
      table: 'connections',
      rowId: row!.id,
      column: 'access_token',
    });
    expect(emulator.tokens.accessTokens.has(opened)).toBe(true);
    expect(row!.accessToken).toMatch(/^lb1\./);
    expect(row!.accessToken).not.toContain(opened);
    const refresh = server.lexbridge.secrets.open(row!.refreshToken!, {
      table: 'connections',
      rowId: row!.id,
      column: 'refresh_token',
    });
    expect(emulator.tokens.refreshTokens.has(refresh)).toBe(true);
    expect(row!.refreshToken).not.toContain(refresh);
    expect(await status(user)).toMatchObject({
      status: 'authorised',
      account: {
        id: 'jsmith',
        name: 'John Smith',
        facts: expect.arrayContaining([{ label: 'Customer id', value: String(emulator.customerId) }]),
      },
    });
    expect(row!.externalAccount).toMatchObject({
      details: { apiBaseUrl: `${emulator.url}/work/api/v2`, dmsVersion: expect.stringMatching(/^10\./) },
    });
    const [wf] = await db().select().from(workflows).where(eq(workflows.id, workflowId));
    expect(wf).toMatchObject({ status: 'active', pauseReason: null });
    const audit = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'connection.authorise'), eq(auditEvents.outcome, 'success')));
    expect(audit.length).toBe(1);
    expect(JSON.stringify(audit)).not.toContain(opened);
  });

  it('refreshes a token near expiry and presents the rotated refresh token next time', async () => {
    const before = await getAccessToken(server.lexbridge, { connectorId, userId: user.userId });
    expect(before.account.details.apiBaseUrl).toBe(`${emulator.url}/work/api/v2`);
    expect(before.account.details.customerId).toBe(emulator.customerId);
    for (let round = 0; round < 3; round++) {
      await db()
        .update(connections)
        .set({ accessTokenExpiresAt: new Date() })
        .where(eq(connections.userId, user.userId));
      const after = await getAccessToken(server.lexbridge, { connectorId, userId: user.userId });
      expect(after.accessToken).not.toBe(before.accessToken);
      expect(emulator.tokens.accessTokens.has(after.accessToken)).toBe(true);
    }
    expect((await connectionOf(user.userId))!.status).toBe('authorised');
  });

  it('refreshes once for many concurrent callers in one process', async () => {
    await db()
      .update(connections)
      .set({ accessTokenExpiresAt: new Date() })
      .where(eq(connections.userId, user.userId));
    const version = (await connectionOf(user.userId))!.tokenVersion;
    const grants = await Promise.all(
      Array.from({ length: 8 }, () => getAccessToken(server.lexbridge, { connectorId, userId: user.userId })),
    );
    expect(new Set(grants.map((g) => g.accessToken)).size).toBe(1);
    expect((await connectionOf(user.userId))!.tokenVersion).toBe(version + 1);
  });

  it('keeps connections alive: renews tokens that end within the window, leaves fresh ones alone', async () => {
    const before = await getAccessToken(server.lexbridge, { connectorId, userId: user.userId });
    expect(await keepConnectionsAlive(server.lexbridge)).toEqual({ renewed: 0, expired: 0, failed: 0 });
    await db()
      .update(connections)
      .set({ accessTokenExpiresAt: new Date(Date.now() + 60_000) })
      .where(eq(connections.userId, user.userId));
    expect(await keepConnectionsAlive(server.lexbridge)).toEqual({ renewed: 1, expired: 0, failed: 0 });
    const after = await getAccessToken(server.lexbridge, { connectorId, userId: user.userId });
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(emulator.tokens.accessTokens.has(after.accessToken)).toBe(true);
  });

  it("marks the connection expired and pauses the owner's workflows when iManage revokes the tokens", async () => {
    const workflowId = await addWorkflow(user.userId);
    expect(emulator.revokeUserTokens('jsmith')).toBeGreaterThan(0);
    await db()
      .update(connections)
      .set({ accessTokenExpiresAt: new Date() })
      .where(eq(connections.userId, user.userId));
    await expect(
      getAccessToken(server.lexbridge, { connectorId, userId: user.userId }),
    ).rejects.toMatchObject({ code: 'connection_expired' });
    const view = await status(user);
    expect(view).toMatchObject({ status: 'expired', reasonCode: 'invalid_grant' });
    expect(String(view.reason)).toContain('Re-authorise');
    const row = await connectionOf(user.userId);
    expect(row!.accessToken).toBeNull();
    expect(row!.refreshToken).toBeNull();
    const [wf] = await db().select().from(workflows).where(eq(workflows.id, workflowId));
    expect(wf).toMatchObject({ status: 'paused', pauseReason: 'reauthorise' });
    await expect(
      getAccessToken(server.lexbridge, { connectorId, userId: user.userId }),
    ).rejects.toMatchObject({ code: 'connection_expired' });

    const again = await authoriseThroughEmulator(server, user, connectorId);
    expect(again.landing).toBe(`/connectors?authorised=${connectorId}`);
    const [resumed] = await db().select().from(workflows).where(eq(workflows.id, workflowId));
    expect(resumed!.status).toBe('active');
  });

  it('disconnects and forgets the tokens', async () => {
    const other = await signIn(server.lexbridge, { roles: ['User'] });
    await authoriseThroughEmulator(server, other, connectorId);
    expect((await connectionOf(other.userId))?.status).toBe('authorised');
    const res = await fetch(`${server.url}/api/connectors/${connectorId}/connection`, {
      method: 'DELETE',
      headers: other.headers,
    });
    expect(await res.json()).toEqual({ disconnected: true });
    expect(await connectionOf(other.userId)).toBeUndefined();
    expect(await status(other)).toEqual({ status: 'unauthorised' });
  });
});

describe('authorisation failures leave nothing half-made', () => {
  async function expectNothingStored(who: SignedIn) {
    expect(await connectionOf(who.userId)).toBeUndefined();
    const attempts = await db().select().from(oauthAttempts).where(eq(oauthAttempts.userId, who.userId));
    expect(attempts.length).toBeGreaterThan(0);
    for (const attempt of attempts) expect(attempt.usedAt).not.toBeNull();
  }

  it('cancel at the sign-in page → access_denied', async () => {
    const who = await signIn(server.lexbridge, { roles: ['User'] });
    const trip = await authoriseThroughEmulator(server, who, connectorId, { action: 'cancel' });
    expect(trip.landing).toBe(`/connectors?error=access_denied&connector=${connectorId}`);
    await expectNothingStored(who);
  });

  it('a Secret Key changed to a wrong one during sign-in → invalid_client at the code exchange', async () => {
    const who = await signIn(server.lexbridge, { roles: ['User'] });
    const patch = (secretKey: string) =>
      fetch(`${server.url}/api/connectors/${connectorId}`, {
        method: 'PATCH',
        headers: { ...admin.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ config: { secretKey } }),
      });
    try {
      // The check before sign-in passed with the right secret; the exchange uses the wrong one.
      const trip = await authoriseThroughEmulator(server, who, connectorId, {
        beforeCallback: async () => expect((await patch('not-the-secret')).status).toBe(200),
      });
      expect(trip.landing).toBe(`/connectors?error=invalid_client&connector=${connectorId}`);
      await expectNothingStored(who);
    } finally {
      expect((await patch(testClientSecret)).status).toBe(200);
    }
  });

  it('a replayed callback → state_invalid, and the first result stands', async () => {
    const who = await signIn(server.lexbridge, { roles: ['User'] });
    const trip = await authoriseThroughEmulator(server, who, connectorId);
    expect(trip.landing).toBe(`/connectors?authorised=${connectorId}`);
    const before = await connectionOf(who.userId);
    const replay = await fetch(trip.callbackUrl, { headers: { cookie: who.cookie }, redirect: 'manual' });
    expect(replay.headers.get('location')).toBe('/connectors?error=state_invalid');
    const after = await connectionOf(who.userId);
    expect(after!.tokenVersion).toBe(before!.tokenVersion);
  });

  it('an attempt older than 10 minutes → attempt_expired', async () => {
    const who = await signIn(server.lexbridge, { roles: ['User'] });
    const trip = await authoriseThroughEmulator(server, who, connectorId, {
      beforeCallback: async () => {
        await db()
          .update(oauthAttempts)
          .set({ expiresAt: new Date(Date.now() - 1000) })
          .where(eq(oauthAttempts.userId, who.userId));
      },
    });
    expect(trip.landing).toBe(`/connectors?error=attempt_expired&connector=${connectorId}`);
    await expectNothingStored(who);
  });

  it('a callback in another session, or signed out → session_mismatch', async () => {
    const who = await signIn(server.lexbridge, { roles: ['User'] });
    const intruder = await signIn(server.lexbridge, { roles: ['User'] });
    const trip = await authoriseThroughEmulator(server, who, connectorId, {
      callbackCookie: intruder.cookie,
    });
    expect(trip.landing).toBe(`/connectors?error=session_mismatch&connector=${connectorId}`);
    const signedOut = await authoriseThroughEmulator(server, who, connectorId, { callbackCookie: null });
    expect(signedOut.landing).toBe(`/connectors?error=session_mismatch&connector=${connectorId}`);
    await expectNothingStored(who);
    expect(await connectionOf(intruder.userId)).toBeUndefined();
  });

  it('a callback with an unknown state → state_invalid', async () => {
    const res = await fetch(`${server.url}/api/connectors/authorised?code=abc&state=made-up`, {
      headers: { cookie: user.cookie },
      redirect: 'manual',
    });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/connectors?error=state_invalid');
  });
});

describe('an application with "Allow refresh token" off', () => {
  it('authorises with a warning, then expires naming the Control Center setting', async () => {
    const noRefresh = await startEmulatorFor(server, { allow_refresh_token: false });
    try {
      const id = (await createImanageConnector(server, admin, noRefresh)).id;
      const who = await signIn(server.lexbridge, { roles: ['User'] });
      const trip = await authoriseThroughEmulator(server, who, id);
      expect(trip.landing).toBe(`/connectors?authorised=${id}&warning=refresh_token_not_issued`);
      const res = await fetch(`${server.url}/api/connectors/${id}/connection`, {
        headers: { cookie: who.cookie },
      });
      expect(await res.json()).toMatchObject({
        status: 'authorised',
        reasonCode: 'refresh_token_not_issued',
        reason: expect.stringContaining('Allow refresh token'),
      });
      const [row] = await db().select().from(connections).where(eq(connections.userId, who.userId));
      expect(row!.refreshToken).toBeNull();
      expect(
        (await getAccessToken(server.lexbridge, { connectorId: id, userId: who.userId })).accessToken,
      ).toBeTruthy();
      await db()
        .update(connections)
        .set({ accessTokenExpiresAt: new Date() })
        .where(eq(connections.id, row!.id));
      const failure = await getAccessToken(server.lexbridge, { connectorId: id, userId: who.userId }).catch(
        (err: unknown) => err,
      );
      expect(failure).toMatchObject({
        code: 'refresh_token_not_issued',
        message: expect.stringContaining('"Allow refresh token"'),
      });
      const [after] = await db().select().from(connections).where(eq(connections.id, row!.id));
      expect(after).toMatchObject({ status: 'expired', lastErrorCode: 'refresh_token_not_issued' });
    } finally {
      await noRefresh.close();
    }
  });
});
