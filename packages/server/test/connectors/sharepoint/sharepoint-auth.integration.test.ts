import { createCertificateAuthority } from '@lexbridge/graph-emulator/tls/certificates.ts';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAccessToken } from '../../../src/authorisation/tokens.ts';
import { connections, notifications } from '../../../src/store/schema.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../../support/lexbridge.ts';
import { usePublicUrl } from '../support.ts';
import {
  alex,
  authoriseAt,
  connectorConfig,
  createSharepointConnector,
  debra,
  startGraphFor,
  type TestGraph,
} from './graph.ts';

/**
 * The SharePoint connector's sign-in over real HTTP against the Graph emulator (Entra ID v2): the
 * connector form's checks, authorise → callback → refresh, the connection test, and the bad inputs
 * an IT admin meets (unknown tenant, Secret ID pasted, missing consent, user not assigned, revoked).
 */
let server: TestServer;
let graph: TestGraph;
let admin: SignedIn;
let user: SignedIn;
let connectorId: string;

async function api(path: string, who: SignedIn, init: RequestInit = {}) {
  const res = await fetch(`${server.url}${path}`, {
    ...init,
    headers: { ...who.headers, 'content-type': 'application/json' },
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const test = (id: string, who: SignedIn) =>
  api(`/api/connectors/${id}/test`, who, { method: 'POST', body: '{}' });
const step = (body: Record<string, any>, name: string) =>
  (body.steps as { name: string }[]).find((s) => s.name === name) as Record<string, any>;

beforeAll(async () => {
  server = await startTestServer();
  usePublicUrl(server);
  graph = await startGraphFor(server);
  admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  user = await signIn(server.lexbridge, { roles: ['User'] });
});

afterAll(async () => {
  await graph?.stop();
  await server?.close();
});

describe('SharePoint sign-in (Entra ID v2 at the Graph emulator)', () => {
  it('refuses a pasted Secret ID with a stable reason, naming the field', async () => {
    const { status, body } = await createSharepointConnector(
      server,
      admin,
      connectorConfig(graph, { secretKey: graph.app.secretId }),
    );
    expect(status).toBe(400);
    expect(body.error).toMatchObject({
      code: 'connector_config_invalid',
      details: { field: 'secretKey', reason: 'secret_id_pasted' },
    });
  });

  it('adds the connector and tests it without a user: network, tenant, Graph', async () => {
    const created = await createSharepointConnector(server, admin, connectorConfig(graph));
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    connectorId = created.body.id as string;
    const { body } = await test(connectorId, admin);
    expect(step(body, 'signin-tls')).toMatchObject({ ok: true });
    expect(step(body, 'tenant')).toMatchObject({ ok: true });
    // The client-credentials request is answered as Entra does for a delegated-only app: a token.
    expect(step(body, 'app')).toMatchObject({
      ok: true,
      detail: 'Microsoft Entra ID accepted the Client Id and Secret Key.',
    });
    expect(step(body, 'graph')).toMatchObject({ ok: true });
    expect(step(body, 'me')).toMatchObject({
      ok: false,
      advice: [expect.stringMatching(/Choose Authorise/)],
    });
  });

  it('authorises a person through the sign-in page with PKCE and learns the account from /me', async () => {
    const trip = await authoriseAt(server, graph, user, connectorId);
    expect(trip.authorizeUrl.pathname).toBe(`/${graph.tenantId}/oauth2/v2.0/authorize`);
    expect(trip.authorizeUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(trip.authorizeUrl.searchParams.get('scope')).toBe(
      'https://graph.microsoft.com/.default offline_access',
    );
    expect(trip.landing).toBe(`/connectors?authorised=${connectorId}`);
    const mine = await api(`/api/connectors/${connectorId}`, user);
    expect(mine.body.connection).toMatchObject({
      status: 'authorised',
      account: { email: alex, name: 'Alex Wilber' },
    });
  });

  it('renews the token through the refresh grant (rotated) and the test passes as the person', async () => {
    const before = await getAccessToken(server.lexbridge, { connectorId, userId: user.userId });
    await server.lexbridge.store.db
      .update(connections)
      .set({ accessTokenExpiresAt: new Date() })
      .where(eq(connections.userId, user.userId));
    const after = await getAccessToken(server.lexbridge, { connectorId, userId: user.userId });
    expect(after.accessToken).not.toBe(before.accessToken);
    const { body } = await test(connectorId, user);
    expect(step(body, 'me')).toMatchObject({ ok: true, detail: expect.stringContaining(alex) });
  });

  it('expires the connection when Entra revokes the grant (AADSTS50173), with the reason', async () => {
    graph.revokeUser(alex);
    await server.lexbridge.store.db
      .update(connections)
      .set({ accessTokenExpiresAt: new Date() })
      .where(eq(connections.userId, user.userId));
    await expect(
      getAccessToken(server.lexbridge, { connectorId, userId: user.userId }),
    ).rejects.toMatchObject({ code: 'connection_expired' });
    const mine = await api(`/api/connectors/${connectorId}`, user);
    expect(mine.body.connection.status).toBe('expired');
    expect(await authoriseAt(server, graph, user, connectorId)).toMatchObject({
      landing: `/connectors?authorised=${connectorId}`,
    });
  });

  it('an unknown tenant: Test names it with a stable reason; Entra shows AADSTS90002 on its own page', async () => {
    const created = await createSharepointConnector(
      server,
      admin,
      connectorConfig(graph, { tenantId: 'nowhere.onmicrosoft.com' }),
    );
    const id = created.body.id as string;
    const { body } = await test(id, admin);
    expect(step(body, 'tenant')).toMatchObject({
      ok: false,
      detail: expect.stringContaining('[tenant_not_found]'),
    });
    // Authorise stops before Microsoft's page (which would show AADSTS90002), with Test's diagnosis.
    const start = await fetch(`${server.url}/api/connectors/${id}/authorise`, {
      headers: { cookie: user.cookie },
      redirect: 'manual',
    });
    expect(start.headers.get('location')).toBe(
      `/connectors?error=invalid_request&connector=${id}&checked=before-sign-in`,
    );
  });

  it('an expired secret stops Authorise before sign-in as invalid_client, in SharePoint’s words', async () => {
    const created = await createSharepointConnector(
      server,
      admin,
      connectorConfig(graph, { secretKey: graph.app.expiredSecret }),
    );
    const id = created.body.id as string;
    const start = await fetch(`${server.url}/api/connectors/${id}/authorise`, {
      headers: { cookie: user.cookie },
      redirect: 'manual',
    });
    expect(start.headers.get('location')).toBe(
      `/connectors?error=invalid_client&connector=${id}&checked=before-sign-in`,
    );
    // Test finds the expired secret and tells the connector's Connector Admins (secret.expiring).
    expect(step((await test(id, admin)).body, 'app').detail).toContain('[secret_expired]');
    const told = await server.lexbridge.store.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.type, 'secret.expiring'), eq(notifications.userId, admin.userId)));
    expect(told.map((n) => n.facts.connectorId)).toEqual([id]);
    const types = await api('/api/connector-types', user);
    const sharepoint = (
      types.body.types as { type: string; authorisationMessages: Record<string, { message: string }> }[]
    ).find((t) => t.type === 'sharepoint');
    expect(sharepoint?.authorisationMessages.invalid_client.message).toMatch(/AADSTS7000222/);
  });

  it('missing consent and a user not assigned are shown on Entra’s page (AADSTS65001, AADSTS50105)', async () => {
    const other = await signIn(server.lexbridge, { roles: ['User'] });
    const app = graph.store.apps.get(graph.app.clientId)!;
    app.assignmentRequired = true;
    app.assignedUserIds = [graph.userId(alex)];
    expect((await authoriseAt(server, graph, other, connectorId, debra)).page).toContain('AADSTS50105');
    app.assignmentRequired = false;
    const granted = app.grantedScopes;
    // With /.default Entra grants what was consented; consent for offline_access is what is missing here.
    app.grantedScopes = granted.filter((s) => s !== 'offline_access');
    expect((await authoriseAt(server, graph, other, connectorId, debra)).page).toContain('AADSTS65001');
    app.grantedScopes = granted;
  });

  const authoriseLanding = async (id: string) =>
    (
      await fetch(`${server.url}/api/connectors/${id}/authorise`, {
        headers: { cookie: user.cookie },
        redirect: 'manual',
      })
    ).headers.get('location');

  it('a sign-in or Graph host that does not resolve: Test says so (DNS), and Authorise stays in Lexbridge', async () => {
    const signIn = await createSharepointConnector(
      server,
      admin,
      connectorConfig(graph, { signInHost: 'https://login.lexbridge-test.invalid' }),
    );
    const id = signIn.body.id as string;
    const { body } = await test(id, admin);
    expect(step(body, 'signin-dns')).toMatchObject({
      ok: false,
      label: 'Sign-in service: Find the server (DNS)',
      detail: expect.stringMatching(/^login\.lexbridge-test\.invalid does not resolve from this server \(E/),
      advice: expect.arrayContaining([
        expect.stringMatching(
          /Sign-in host is given there, check its spelling \("login\.lexbridge-test\.invalid"\)/,
        ),
        expect.stringMatching(/must reach login\.lexbridge-test\.invalid \(port 443\)/),
      ]),
    });
    expect(step(body, 'signin-dns').advice.join(' ')).not.toMatch(/Server Address/);
    expect(step(body, 'tenant')).toBeUndefined(); // nothing after an unreachable host is tried
    expect(await authoriseLanding(id)).toBe(
      `/connectors?error=server_unreachable&connector=${id}&checked=before-sign-in`,
    );

    const graphHost = await createSharepointConnector(
      server,
      admin,
      connectorConfig(graph, { graphHost: 'https://graph.lexbridge-test.invalid' }),
    );
    const report = (await test(graphHost.body.id as string, admin)).body;
    expect(step(report, 'signin-dns')).toMatchObject({ ok: true });
    expect(step(report, 'app')).toMatchObject({ ok: true });
    expect(step(report, 'graph-dns')).toMatchObject({
      ok: false,
      label: 'Microsoft Graph: Find the server (DNS)',
      detail: expect.stringMatching(/^graph\.lexbridge-test\.invalid does not resolve/),
      advice: expect.arrayContaining([expect.stringMatching(/Graph host is given there/)]),
    });
    expect(step(report, 'graph')).toBeUndefined();
  });

  it('a certificate the CA bundle does not trust: Test names the TLS step, and Authorise stays in Lexbridge', async () => {
    const stranger = createCertificateAuthority('Some other CA');
    const created = await createSharepointConnector(
      server,
      admin,
      connectorConfig(graph, { caBundle: stranger.certPem }),
    );
    const id = created.body.id as string;
    const { body } = await test(id, admin);
    expect(step(body, 'signin-dns')).toMatchObject({ ok: true });
    expect(step(body, 'signin-tcp')).toMatchObject({ ok: true });
    expect(step(body, 'signin-tls')).toMatchObject({
      ok: false,
      label: 'Sign-in service: Secure connection (certificate)',
      detail: expect.stringMatching(/^The TLS handshake with 127\.0\.0\.1 failed: .*certificate/),
      advice: [
        expect.stringMatching(/Lexbridge does not trust the server's certificate.*Trusted certificates/),
      ],
    });
    expect(step(body, 'tenant')).toBeUndefined();
    expect(await authoriseLanding(id)).toBe(
      `/connectors?error=server_unreachable&connector=${id}&checked=before-sign-in`,
    );
  });
});
