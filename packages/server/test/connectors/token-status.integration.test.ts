import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Connector, DiagnosticsReport } from '@lexbridge/contracts';
import type { RunningEmulator } from '@lexbridge/imanage-emulator';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenSlot } from '../../src/authorisation/tokens.ts';
import { userAccess } from '../../src/authorisation/user-access.ts';
import { imanageServer } from '../../src/connectors/imanage/server.ts';
import { openWorkApiClient } from '../../src/connectors/imanage/work-api-client.ts';
import { loadConnector } from '../../src/connectors/repository.ts';
import { connections } from '../../src/store/schema.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import {
  authoriseThroughEmulator,
  createImanageConnector,
  startEmulatorFor,
  usePublicUrl,
} from './support.ts';

// A connection's status follows what Lexbridge last learnt from the system: a token the server
// refuses (revoked, or refused even right after a renewal) turns "Authorised" into "Expired" with
// the reason and the time, and the Test says the token is the cause, not the server.

let server: TestServer;
let emulator: RunningEmulator;
let admin: SignedIn;
let gateway: { url: string; refuseApi: boolean; close(): Promise<void> };

/** A loopback gateway before the emulator that, when told to, answers 401 to every API call but passes sign-in and tokens. */
async function startGateway(target: string): Promise<typeof gateway> {
  const state = { refuseApi: false };
  const http: Server = createServer((req, res) => {
    if (state.refuseApi && !req.url?.startsWith('/auth/')) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ error: { code: 'Unauthorized', message: 'X-Auth-Token is invalid or missing' } }),
      );
      return;
    }
    const upstream = httpRequest(
      new URL(req.url ?? '/', target),
      { method: req.method, headers: { ...req.headers, host: new URL(target).host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return Object.assign(state, {
    url,
    close: () => new Promise<void>((resolve) => http.close(() => resolve())),
  }) as typeof gateway;
}

beforeAll(async () => {
  server = await startTestServer();
  usePublicUrl(server);
  emulator = await startEmulatorFor(server);
  admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  gateway = await startGateway(emulator.url);
});

afterAll(async () => {
  await gateway?.close();
  await emulator?.close();
  await server?.close();
});

async function connection(user: SignedIn, connectorId: string) {
  const res = await fetch(`${server.url}/api/connectors`, { headers: { cookie: user.cookie } });
  const { connectors } = (await res.json()) as { connectors: Connector[] };
  return connectors.find((c) => c.id === connectorId)!.connection;
}

async function test(user: SignedIn, connectorId: string): Promise<DiagnosticsReport> {
  const res = await fetch(`${server.url}/api/connectors/${connectorId}/test`, {
    method: 'POST',
    headers: user.headers,
  });
  expect(res.status).toBe(200);
  return (await res.json()) as DiagnosticsReport;
}

const step = (report: DiagnosticsReport, name: string) => report.steps.find((s) => s.name === name)!;

async function storedAccessToken(user: SignedIn, connectorId: string): Promise<string> {
  const [row] = await server.lexbridge.store.db
    .select()
    .from(connections)
    .where(and(eq(connections.userId, user.userId), eq(connections.connectorId, connectorId)));
  return server.lexbridge.secrets.open(row!.accessToken!, tokenSlot(row!.id, 'access_token'));
}

describe('token status follows what Lexbridge last learnt', () => {
  it('revoked at iManage: Test names the authorisation as the cause, and the connection shows Expired after reload', async () => {
    const user = await signIn(server.lexbridge, { roles: ['User'] });
    const { id } = await createImanageConnector(server, admin, emulator, { name: 'Revoked' });
    await authoriseThroughEmulator(server, user, id);
    expect(await connection(user, id)).toMatchObject({ status: 'authorised', account: { id: 'jsmith' } });

    emulator.revokeUserTokens('jsmith');
    const before = Date.now();
    const report = await test(user, id);
    expect(report.ok).toBe(false);
    expect(step(report, 'discovery')).toMatchObject({ ok: false });
    expect(step(report, 'discovery').detail).toContain('no longer accepts your authorisation');
    expect(step(report, 'discovery').advice.join(' ')).toContain('Re-authorise');
    expect(step(report, 'libraries')).toMatchObject({ skipped: true });
    expect(JSON.stringify(report)).not.toContain('did not answer like iManage');

    const after = await connection(user, id);
    expect(after).toMatchObject({ status: 'expired', reasonCode: 'invalid_grant' });
    expect(after.reason).toContain('Re-authorise');
    expect(Date.parse(after.since!)).toBeGreaterThanOrEqual(before - 1000);
    expect(after).not.toHaveProperty('expiresAt');
  });

  it('only the access token revoked: Test renews it and the connection stays authorised', async () => {
    const user = await signIn(server.lexbridge, { roles: ['User'] });
    const { id } = await createImanageConnector(server, admin, emulator, { name: 'Renewable' });
    await authoriseThroughEmulator(server, user, id);
    emulator.tokens.revokeAccessToken(await storedAccessToken(user, id));
    const report = await test(user, id);
    expect(report.ok).toBe(true);
    expect(await connection(user, id)).toMatchObject({ status: 'authorised' });
  });

  it('refused even after a renewal: Test and a Work API call record the connection as expired', async () => {
    const { id } = await createImanageConnector(server, admin, { url: gateway.url }, { name: 'Gateway' });
    const tester = await signIn(server.lexbridge, { roles: ['User'] });
    const runner = await signIn(server.lexbridge, { roles: ['User'] });
    gateway.refuseApi = false;
    await authoriseThroughEmulator(server, tester, id);
    await authoriseThroughEmulator(server, runner, id);
    gateway.refuseApi = true;

    const report = await test(tester, id);
    expect(step(report, 'discovery').detail).toContain('even after renewing it');
    expect(step(report, 'libraries')).toMatchObject({ skipped: true });
    expect(JSON.stringify(report)).not.toContain('did not answer like iManage');
    expect(await connection(tester, id)).toMatchObject({
      status: 'expired',
      reasonCode: 'access_token_rejected',
    });

    // A run's call: 401, renewal (the token endpoint still works), 401 again.
    const { connector } = await loadConnector(server.lexbridge, id);
    const access = userAccess(server.lexbridge, { connectorId: id, userId: runner.userId });
    const client = await openWorkApiClient(imanageServer(server.lexbridge, connector as never), access);
    await expect(client.libraries()).rejects.toMatchObject({ code: 'connection_expired' });
    const expired = await connection(runner, id);
    expect(expired).toMatchObject({ status: 'expired', reasonCode: 'access_token_rejected' });
    expect(expired.reason).toMatch(/iManage did not accept your access to "iManage Sandbox".*Re-authorise/);
    gateway.refuseApi = false;
  });
});
