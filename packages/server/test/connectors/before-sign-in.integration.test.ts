import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DiagnosticsReport } from '@lexbridge/contracts';
import type { RunningEmulator } from '@lexbridge/imanage-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createImanageConnector, startEmulatorFor, testClientSecret, usePublicUrl } from './support.ts';

// Authorise checks before it sends anyone to the system's sign-in page: an unreachable Server
// Address, an unknown Client Id and a wrong Secret Key keep the person in Lexbridge with the result
// code the Connectors page explains, instead of a browser error or the system's error page; Test
// checks the Client Id and Secret Key the same way.

let server: TestServer;
let emulator: RunningEmulator;
let admin: SignedIn;
let user: SignedIn;

beforeAll(async () => {
  server = await startTestServer();
  usePublicUrl(server);
  emulator = await startEmulatorFor(server);
  admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  user = await signIn(server.lexbridge, { roles: ['User'] });
});

afterAll(async () => {
  await emulator?.close();
  await server?.close();
});

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

async function authorise(connectorId: string): Promise<string> {
  const res = await fetch(`${server.url}/api/connectors/${connectorId}/authorise`, {
    headers: { cookie: user.cookie },
    redirect: 'manual',
  });
  expect(res.status).toBe(302);
  return res.headers.get('location')!;
}

async function test(connectorId: string): Promise<DiagnosticsReport> {
  const res = await fetch(`${server.url}/api/connectors/${connectorId}/test`, {
    method: 'POST',
    headers: user.headers,
  });
  return (await res.json()) as DiagnosticsReport;
}

const step = (report: DiagnosticsReport, name: string) => report.steps.find((s) => s.name === name);

describe('before sending anyone to sign in', () => {
  it('sends the person to iManage when the server answers and accepts the Client Id and Secret Key', async () => {
    const { id } = await createImanageConnector(server, admin, emulator);
    expect(new URL(await authorise(id)).origin).toBe(emulator.url);
    const report = await test(id);
    expect(step(report, 'client')).toMatchObject({ ok: true, detail: expect.stringContaining('accepted') });
  });

  it('an unreachable Server Address: stays in Lexbridge with server_unreachable', async () => {
    const { id } = await createImanageConnector(server, admin, {
      url: `http://127.0.0.1:${await closedPort()}`,
    });
    expect(await authorise(id)).toBe(
      `/connectors?error=server_unreachable&connector=${id}&checked=before-sign-in`,
    );
  });

  it('an unknown Client Id: stays in Lexbridge with invalid_client; Test names the credentials', async () => {
    const { id } = await createImanageConnector(server, admin, emulator, { clientId: 'no-such-app' });
    expect(await authorise(id)).toBe(
      `/connectors?error=invalid_client&connector=${id}&checked=before-sign-in`,
    );
    const report = await test(id);
    expect(step(report, 'client')).toMatchObject({ ok: false });
    expect(step(report, 'client')?.advice.join(' ')).toContain('Control Center');
    expect(step(report, 'libraries')).toMatchObject({ skipped: true });
    expect(JSON.stringify(report)).not.toContain('You have not authorised this connector yet');
  });

  it('a wrong Secret Key: stays in Lexbridge with invalid_client, and keeps returnTo', async () => {
    const { id } = await createImanageConnector(server, admin, emulator, {
      secretKey: `${testClientSecret}-wrong`,
    });
    const res = await fetch(
      `${server.url}/api/connectors/${id}/authorise?returnTo=${encodeURIComponent('/publish?items=ACTIVE!1')}`,
      { headers: { cookie: user.cookie }, redirect: 'manual' },
    );
    expect(res.headers.get('location')).toBe(
      `/publish?items=ACTIVE%211&error=invalid_client&connector=${id}&checked=before-sign-in`,
    );
    const report = await test(id);
    expect(step(report, 'client')?.detail).toContain(
      "did not accept the connector's Client Id or Secret Key",
    );
  });

  it('HTTP Basic client authentication is checked the same way', async () => {
    const good = await createImanageConnector(server, admin, emulator, {
      clientAuthentication: 'client_secret_basic',
    });
    expect(new URL(await authorise(good.id)).origin).toBe(emulator.url);
    const bad = await createImanageConnector(server, admin, emulator, {
      clientAuthentication: 'client_secret_basic',
      secretKey: 'wrong',
    });
    expect(await authorise(bad.id)).toContain('error=invalid_client');
  });
});
