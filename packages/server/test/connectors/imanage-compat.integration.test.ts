import { randomUUID } from 'node:crypto';
import type { RunningEmulator } from '@lexbridge/imanage-emulator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getAccessToken } from '../../src/authorisation/tokens.ts';
import { userAccess } from '../../src/authorisation/user-access.ts';
import { compatibilityCommand } from '../../src/cli/compatibility.ts';
import type { CompatibilityReport } from '../../src/connectors/compatibility.ts';
import { runCompatibilityCheck } from '../../src/diagnostics/compatibility.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import {
  authoriseThroughEmulator,
  createImanageConnector,
  startEmulatorFor,
  testClientId,
  testClientSecret,
  usePublicUrl,
} from './support.ts';

/**
 * `lexbridge doctor --imanage-compat` against the emulator over HTTP, in its strict (real-server)
 * and lenient modes: the report says what each mode does, and the check writes nothing.
 */
let server: TestServer;
let emulator: RunningEmulator;
let admin: SignedIn;
let user: SignedIn;
let connectorId: string;
const skewSeconds = 120;

beforeAll(async () => {
  server = await startTestServer();
  usePublicUrl(server);
  emulator = await startEmulatorFor(
    server,
    {},
    [{ id: 'jsmith', password: 'password', name: 'John Smith', access: { '*': 'full_access' } }],
    { clockSkewSeconds: skewSeconds },
  );
  admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  user = await signIn(server.lexbridge, { roles: ['User'], email: 'jsmith@firm.test' });
  connectorId = (await createImanageConnector(server, admin, emulator)).id;
  await authoriseThroughEmulator(server, user, connectorId);
});

afterAll(async () => {
  await emulator?.close();
  await server?.close();
});

const run = (userRef?: string) =>
  runCompatibilityCheck(server.lexbridge, 'imanage-compat', connectorId, userRef);

const observed = (report: CompatibilityReport) =>
  Object.fromEntries(report.checks.map((c) => [c.id, c.observed]));

/** Every document and version in the emulator, to show nothing was added, changed or removed. */
const library = () =>
  [...emulator.store.documents.values()].map((d) => `${d.number}:${d.name}:${d.versions.length}`).join(',');

describe('lexbridge doctor --imanage-compat', () => {
  it('reports a strict Work Server as it behaves, reading only', async () => {
    const before = library();
    const from = emulator.requests.length;
    const report = await run();
    expect(report).toMatchObject({
      format: 'lexbridge-compatibility-report',
      kind: 'imanage-compat',
      readOnly: true,
      connector: { id: connectorId, type: 'imanage-onprem' },
      server: {
        dmsVersion: '10.3.0.1500',
        apiPath: '/work/api/v2',
        libraries: 1,
        library: 'ACTIVE',
        sampledWorkspace: expect.stringMatching(/^ACTIVE!\d+$/),
      },
    });
    expect(observed(report)).toEqual({
      'api.host': 'other_host',
      'search.cursor': 'top',
      'search.total_count': 'top',
      'children.offset': 'ignored',
      'documents.versionless_id': 'refused_404',
      'documents.checksum': 'sha256_upper_hex',
      'documents.edit_profile_date': 'present',
      'clock.skew': 'server_ahead',
      'oauth.pkce': 'accepted',
      'oauth.refresh_rotation': 'not_observed',
      'search.index_lag': 'not_measurable',
    });
    const clock = report.checks.find((c) => c.id === 'clock.skew')!;
    expect(Math.abs(clock.counts!.dateHeaderSkewSeconds! - skewSeconds)).toBeLessThanOrEqual(3);
    expect(report.checks.find((c) => c.id === 'documents.checksum')!.counts).toEqual({
      sha256_upper_hex: 5,
    });
    // Read-only: every request answered was a GET, and the library is as it was.
    const requests = emulator.requests.slice(from);
    expect(requests.length).toBeGreaterThan(8);
    expect(requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(library()).toBe(before);
    // No token, secret or document name in what the firm sends back.
    const text = JSON.stringify(report);
    const { accessToken } = await getAccessToken(server.lexbridge, { connectorId, userId: user.userId });
    expect(text).not.toContain(accessToken);
    expect(text).not.toContain(testClientSecret);
    for (const document of emulator.store.documents.values()) expect(text).not.toContain(document.name);
    expect(text).not.toContain('firm.internal');
  });

  it('reports a lenient server as it behaves', async () => {
    emulator.strict = {
      cursorPlacement: 'data',
      childrenIgnoresOffset: false,
      versionedDocumentIds: false,
      internalApiHost: null,
      checksumFormat: 'base64',
    };
    try {
      expect(observed(await run('jsmith@firm.test'))).toMatchObject({
        'api.host': 'same_host',
        'search.cursor': 'data',
        'search.total_count': 'data',
        'children.offset': 'honoured',
        'documents.versionless_id': 'accepted',
        'documents.checksum': 'sha256_base64',
      });
      emulator.strict = { checksumFormat: 'none' };
      expect(observed(await run(user.userId))['documents.checksum']).toBe('absent');
    } finally {
      emulator.strict = 'real-server';
    }
  });

  it('reports what the last refresh did with the refresh token', async () => {
    const access = userAccess(server.lexbridge, { connectorId, userId: user.userId });
    await access.renew((await access.current()).accessToken);
    expect(observed(await run())['oauth.refresh_rotation']).toBe('unchanged');
    const app = emulator.store.applications.get(testClientId)!;
    app.rotate_refresh_token = true;
    await access.renew((await access.current()).accessToken);
    const report = await run();
    expect(observed(report)['oauth.refresh_rotation']).toBe('rotated');
    expect(report.checks.find((c) => c.id === 'oauth.refresh_rotation')!.source).toBe('recorded');
  });

  it('prints a short report, or the JSON to send with --json', async () => {
    const report = await run();
    const printed: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => void printed.push(line));
    try {
      const viaServer = async () => report;
      const config = server.lexbridge.config;
      expect(await compatibilityCommand(['--imanage-compat', connectorId], config, viaServer)).toBe(0);
      expect(await compatibilityCommand(['--imanage-compat', connectorId, '--json'], config, viaServer)).toBe(
        0,
      );
    } finally {
      log.mockRestore();
    }
    expect(printed[0]).toContain('Read-only');
    expect(printed[0]).toMatch(/Search cursor .*\s+top/);
    expect(printed[0]).toMatch(/\/children honours offset\s+ignored/);
    expect(JSON.parse(printed[1]!)).toEqual(report);
  });

  it('says clearly, with a stable code, why it cannot run', async () => {
    await expect(
      runCompatibilityCheck(server.lexbridge, 'imanage-compat', randomUUID()),
    ).rejects.toMatchObject({ code: 'connector_not_found' });
    await expect(run('nobody@firm.test')).rejects.toMatchObject({ code: 'compatibility_user_required' });
    const other = await createImanageConnector(server, admin, emulator);
    await expect(runCompatibilityCheck(server.lexbridge, 'imanage-compat', other.id)).rejects.toMatchObject({
      code: 'connection_not_authorised',
    });
    await expect(
      runCompatibilityCheck(server.lexbridge, 'sharepoint-compat', connectorId),
    ).rejects.toMatchObject({ code: 'compatibility_check_unavailable' });
    // Revoked in iManage: the renewal is refused, the connection expires, and the check says so.
    emulator.revokeUserTokens('jsmith');
    const access = userAccess(server.lexbridge, { connectorId, userId: user.userId });
    await access.renew((await access.current()).accessToken).catch(() => undefined);
    await expect(run()).rejects.toMatchObject({
      code: 'connection_expired',
      message: expect.stringContaining('Re-authorise'),
    });
  });
});
