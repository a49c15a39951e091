import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiagnosticsReport } from '@lexbridge/contracts';
import type { RunningEmulator } from '@lexbridge/imanage-emulator';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReport } from '../../src/diagnostics/doctor.ts';
import { runDiagnostics } from '../../src/diagnostics/run.ts';
import { connections } from '../../src/store/schema.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import {
  authoriseThroughEmulator,
  createImanageConnector,
  startEmulatorFor,
  usePublicUrl,
} from './support.ts';

let server: TestServer;
let emulator: RunningEmulator;
let admin: SignedIn;
let user: SignedIn;
let connectorId: string;
const closers: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  server = await startTestServer({ env: { LEXBRIDGE_EGRESS_IPS: '203.0.113.7,203.0.113.8' } });
  usePublicUrl(server);
  emulator = await startEmulatorFor(server);
  admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  user = await signIn(server.lexbridge, { roles: ['User'] });
  connectorId = (await createImanageConnector(server, admin, emulator)).id;
  await authoriseThroughEmulator(server, user, connectorId);
});

afterAll(async () => {
  for (const close of closers) await close();
  await emulator?.close();
  await server?.close();
});

const step = (report: DiagnosticsReport, name: string) => report.steps.find((s) => s.name === name)!;

async function listen(s: Server): Promise<number> {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => s.close(resolve)));
  return (s.address() as AddressInfo).port;
}

describe('connector diagnostics', () => {
  it("passes every step against the emulator, over HTTP with the caller's tokens", async () => {
    const res = await fetch(`${server.url}/api/connectors/${connectorId}/test`, {
      method: 'POST',
      headers: user.headers,
    });
    expect(res.status).toBe(200);
    const report = (await res.json()) as DiagnosticsReport;
    expect(report.ok).toBe(true);
    expect(report.steps.map((s) => s.name)).toEqual([
      'dns',
      'tcp',
      'tls',
      'discovery',
      'client',
      'libraries',
    ]);
    expect(step(report, 'discovery').detail).toMatch(/iManage Work Server 10\.\d.*customer 1001.*jsmith/);
    expect(step(report, 'libraries').detail).toContain('ACTIVE');
    expect(formatReport(report)).toContain('All checks passed.');
  });

  it('without a user, checks the server and skips the libraries', async () => {
    const report = await runDiagnostics(server.lexbridge, connectorId);
    expect(report.ok).toBe(true);
    expect(step(report, 'discovery').detail).toContain('answers like iManage');
    expect(step(report, 'libraries')).toMatchObject({ skipped: true });
  });

  it('an unreachable port → tcp fails with public URL, Application Proxy and egress IP advice', async () => {
    const closed = createHttpServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const { id } = await createImanageConnector(server, admin, { url: `http://127.0.0.1:${port}` });
    const report = await runDiagnostics(server.lexbridge, id, user.userId);
    expect(report.ok).toBe(false);
    const tcp = step(report, 'tcp');
    expect(tcp.ok).toBe(false);
    expect(tcp.detail).toContain('refused');
    const advice = tcp.advice.join('\n');
    expect(advice).toContain('public address');
    expect(advice).toMatch(/Application Proxy.*passthrough authentication/);
    expect(advice).toContain('203.0.113.7, 203.0.113.8');
    expect(report.steps.map((s) => s.name)).toEqual(['dns', 'tcp']);
  });

  it('a server that is not iManage → discovery fails and says what the Server Address must be', async () => {
    const web = createHttpServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<html><body>Welcome to the intranet</body></html>');
    });
    const port = await listen(web);
    const { id } = await createImanageConnector(server, admin, { url: `http://127.0.0.1:${port}` });
    const report = await runDiagnostics(server.lexbridge, id);
    const discovery = step(report, 'discovery');
    expect(discovery.ok).toBe(false);
    expect(discovery.detail).toContain('text/html');
    expect(discovery.advice.join('\n')).toContain('root of the Work Server');
  });

  it('an expired authorisation → the libraries step fails with re-authorise advice', async () => {
    const other = await signIn(server.lexbridge, { roles: ['User'] });
    await authoriseThroughEmulator(server, other, connectorId);
    emulator.revokeUserTokens('jsmith');
    await server.lexbridge.store.db
      .update(connections)
      .set({ accessTokenExpiresAt: new Date() })
      .where(eq(connections.userId, other.userId));
    const report = await runDiagnostics(server.lexbridge, connectorId, other.userId);
    const libraries = step(report, 'libraries');
    expect(libraries.ok).toBe(false);
    expect(libraries.advice.join('\n')).toContain('Re-authorise');
    expect(step(report, 'tcp').ok).toBe(true);
  });

  it("an untrusted certificate → tls fails with certificate advice; the connector's CA bundle makes it pass", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lexbridge-tls-'));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '30',
        '-subj',
        '/O=Firm Internal CA/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
      ],
      { stdio: 'ignore' },
    );
    const cert = await readFile(join(dir, 'cert.pem'), 'utf8');
    const tls = createHttpsServer({ key: await readFile(join(dir, 'key.pem')), cert }, (_req, res) => {
      res.statusCode = 401;
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({ error: { code: 'Unauthorized', message: 'X-Auth-Token is invalid or missing' } }),
      );
    });
    const port = await listen(tls as unknown as Server);
    const { id } = await createImanageConnector(server, admin, { url: `https://localhost:${port}` });
    const untrusted = await runDiagnostics(server.lexbridge, id);
    expect(step(untrusted, 'tls')).toMatchObject({ ok: false });
    expect(step(untrusted, 'tls').advice.join('\n')).toContain('Trusted certificates');

    const patched = await fetch(`${server.url}/api/connectors/${id}`, {
      method: 'PATCH',
      headers: { ...admin.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ config: { caBundle: cert } }),
    });
    expect(patched.status).toBe(200);
    const trusted = await runDiagnostics(server.lexbridge, id);
    expect(step(trusted, 'tls').ok).toBe(true);
    expect(step(trusted, 'tls').detail).toContain('Firm Internal CA');
    expect(step(trusted, 'discovery').ok).toBe(true);
  });
});
