import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import type { RunningEmulator } from '@lexbridge/imanage-emulator';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { isPublicAddress } from '../../src/connectors/address-guard.ts';
import { dispatcherFor } from '../../src/connectors/http.ts';
import {
  authoriseThroughEmulator,
  startEmulatorFor,
  testClientId,
  testClientSecret,
  usePublicUrl,
} from '../connectors/support.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';

/**
 * A Connector Admin's Server Address must not make Lexbridge a probe of its own network: with
 * LEXBRIDGE_ALLOW_PRIVATE_ADDRESSES=false, loopback, private and link-local addresses (and names that
 * resolve to them) are refused at save, by Test without a connection, and at each connection, unless
 * LEXBRIDGE_ALLOWED_PRIVATE_HOSTS names them. Changing the allowed hosts on the running server stands
 * for an operator who changes the setting and restarts.
 */
let server: TestServer;
let admin: SignedIn;
let emulator: RunningEmulator;
let probe: Server;
let probePort: number;
let probed = 0;

function listen(s: Server | HttpServer): Promise<number> {
  return new Promise((done) => s.listen(0, '127.0.0.1', () => done((s.address() as { port: number }).port)));
}

function allowHosts(hosts: string[]): void {
  server.lexbridge.config.LEXBRIDGE_ALLOWED_PRIVATE_HOSTS = hosts;
}

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...admin.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const createImanage = (serverAddress: string) =>
  api('POST', '/api/connectors', {
    type: 'imanage-onprem',
    name: `iManage at ${serverAddress}`,
    config: { clientId: testClientId, secretKey: testClientSecret, scope: 'User', serverAddress },
  });

function expectRefused(answer: { status: number; body: Record<string, any> }) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(400);
  expect(answer.body.error.code).toBe('connector_address_not_allowed');
  expect(answer.body.error.message).toMatch(/LEXBRIDGE_ALLOWED_PRIVATE_HOSTS/);
}

beforeAll(async () => {
  probe = createServer((socket) => {
    probed++;
    socket.destroy();
  });
  probePort = await listen(probe);
  server = await startTestServer({ env: { LEXBRIDGE_ALLOW_PRIVATE_ADDRESSES: 'false' } });
  usePublicUrl(server);
  admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin', 'User'] });
  emulator = await startEmulatorFor(server);
});

afterAll(async () => {
  await emulator?.close();
  await server?.close();
  await new Promise((done) => probe?.close(done));
});

describe('non-public addresses, with LEXBRIDGE_ALLOW_PRIVATE_ADDRESSES=false', () => {
  it('counts loopback, private, CGNAT, link-local, unique-local, mapped and reserved addresses as non-public', () => {
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::',
      '::1',
      'fd00::1',
      'fe80::1%eth0',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a9fe:a9fe',
      'ff02::1',
    ])
      expect(isPublicAddress(address), address).toBe(false);
    for (const address of [
      '8.8.8.8',
      '20.190.160.1',
      '2606:4700::1111',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
    ])
      expect(isPublicAddress(address), address).toBe(true);
  });

  it('is off by default unless Lexbridge serves only this machine, and reads the allowed hosts', () => {
    expect(loadConfig({}).allowPrivateAddresses).toBe(true);
    expect(loadConfig({ LEXBRIDGE_PUBLIC_URL: 'https://lexbridge.firm.example' }).allowPrivateAddresses).toBe(
      false,
    );
    expect(loadConfig({ HOST: '0.0.0.0' }).allowPrivateAddresses).toBe(false);
    const config = loadConfig({
      HOST: '0.0.0.0',
      LEXBRIDGE_ALLOW_PRIVATE_ADDRESSES: 'true',
      LEXBRIDGE_ALLOWED_PRIVATE_HOSTS: 'iManage.firm.local, 10.20.0.0/16',
    });
    expect(config.allowPrivateAddresses).toBe(true);
    expect(config.LEXBRIDGE_ALLOWED_PRIVATE_HOSTS).toEqual(['imanage.firm.local', '10.20.0.0/16']);
    expect(() => loadConfig({ LEXBRIDGE_ALLOWED_PRIVATE_HOSTS: '10.0.0.0/33' })).toThrow(
      /LEXBRIDGE_ALLOWED_PRIVATE_HOSTS/,
    );
  });

  it('refuses to save a Server Address on loopback, a private network or link-local, or a name that resolves to loopback', async () => {
    for (const address of [
      `http://127.0.0.1:${probePort}`,
      `http://localhost:${probePort}`,
      'https://10.1.2.3',
      'https://169.254.169.254',
      'https://[::1]:8443',
      'https://[::ffff:127.0.0.1]',
      'https://0.0.0.0',
    ])
      expectRefused(await createImanage(address));
    const sharepoint = await api('POST', '/api/connectors', {
      type: 'sharepoint',
      name: 'SharePoint',
      config: {
        clientId: '11111111-2222-3333-4444-555555555555',
        secretKey: 'Xy8Q~not-a-real-secret-but-long-enough.1234',
        tenantId: 'contoso.onmicrosoft.com',
        signInHost: 'https://192.168.10.20',
        graphHost: 'https://graph.microsoft.com',
      },
    });
    expectRefused(sharepoint);
    expect(sharepoint.body.error.details.field).toBe('signInHost');
    expect(probed).toBe(0);
  });

  it('refuses an edit that moves a connector onto a private address', async () => {
    allowHosts(['127.0.0.1']);
    const created = await createImanage(`${emulator.url}/`);
    allowHosts([]);
    expect(created.status).toBe(201);
    const edit = await api('PATCH', `/api/connectors/${created.body.id}`, {
      config: { serverAddress: `http://127.0.0.1:${probePort}`, secretKey: testClientSecret },
    });
    expectRefused(edit);
    expect(edit.body.error.details.field).toBe('serverAddress');
  });

  it('lets an allowed host through; once it is no longer allowed, Test refuses without connecting', async () => {
    allowHosts(['127.0.0.1']);
    const toProbe = await createImanage(`http://127.0.0.1:${probePort}`);
    const toEmulator = await createImanage(`${emulator.url}/`);
    expect([toProbe.status, toEmulator.status]).toEqual([201, 201]);
    // While allowed, Test connects (the probe sees it) and reports the network steps.
    const connectedBefore = probed;
    const allowedTest = await api('POST', `/api/connectors/${toProbe.body.id}/test`);
    expect(allowedTest.status).toBe(200);
    expect(allowedTest.body.steps.find((s: { name: string }) => s.name === 'tcp').ok).toBe(true);
    expect(probed).toBeGreaterThan(connectedBefore);

    allowHosts([]);
    const before = probed;
    const answered = emulator.requests.length;
    const test = await api('POST', `/api/connectors/${toProbe.body.id}/test`);
    expectRefused(test);
    expect(JSON.stringify(test.body)).not.toMatch(/resolves to|port|certificate|refused \(/i);
    expectRefused(await api('POST', `/api/connectors/${toEmulator.body.id}/test`));
    // Authorise checks before sign-in the same way: the person stays in Lexbridge, where Test says why.
    const authorise = await fetch(`${server.url}/api/connectors/${toEmulator.body.id}/authorise`, {
      headers: { cookie: admin.cookie },
      redirect: 'manual',
    });
    expect(authorise.status).toBe(302);
    expect(authorise.headers.get('location')).toMatch(
      /^\/connectors\?error=server_unreachable&.*checked=before-sign-in/,
    );
    expect(probed).toBe(before);
    expect(emulator.requests.length).toBe(answered);
  });

  it('checks again when Lexbridge connects: a token request to an address no longer allowed is not made', async () => {
    allowHosts(['127.0.0.1']);
    const user = await signIn(server.lexbridge, { roles: ['User'] });
    const created = await createImanage(`${emulator.url}/`);
    const tokens = () => emulator.requests.filter((r) => r.path.endsWith('/token')).length;
    const statusOf = async (who: SignedIn) => {
      const res = await fetch(`${server.url}/api/connectors/${created.body.id}/connection`, {
        headers: { cookie: who.cookie },
      });
      return ((await res.json()) as { status?: string }).status;
    };
    // Allowed throughout: the code is exchanged for tokens.
    const other = await signIn(server.lexbridge, { roles: ['User'] });
    const exchanged = tokens();
    await authoriseThroughEmulator(server, other, created.body.id);
    expect(tokens()).toBeGreaterThan(exchanged);
    expect(await statusOf(other)).toBe('authorised');

    let tokenRequests = -1;
    const trip = await authoriseThroughEmulator(server, user, created.body.id, {
      async beforeCallback() {
        allowHosts([]);
        tokenRequests = tokens();
      },
    });
    expect(tokens()).toBe(tokenRequests);
    expect(trip.landing).toMatch(/error=/);
    expect(await statusOf(user)).not.toBe('authorised');
  });

  it('checks each host a redirect leads to, at connection', async () => {
    const redirecting = createHttpServer((_req, res) =>
      res.writeHead(302, { location: `http://127.0.0.1:${probePort}/download` }).end(),
    );
    const port = await listen(redirecting);
    try {
      allowHosts(['localhost']);
      const dispatcher = dispatcherFor(server.lexbridge.config, `http://localhost:${port}`);
      const first = await request(`http://localhost:${port}/content`, { dispatcher });
      await first.body.dump();
      expect(first.statusCode).toBe(302);
      await expect(request(String(first.headers.location), { dispatcher })).rejects.toMatchObject({
        code: 'connector_address_not_allowed',
      });
      const before = probed;
      await expect(request(`http://127.0.0.1:${probePort}/`, { dispatcher })).rejects.toMatchObject({
        code: 'connector_address_not_allowed',
      });
      expect(probed).toBe(before);
    } finally {
      allowHosts([]);
      await new Promise((done) => redirecting.close(done));
    }
  });
});
