import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getAccessToken } from '../../src/authorisation/tokens.ts';
import { connections } from '../../src/store/schema.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { usePublicUrl } from './support.ts';

/**
 * The same authorisation against a standards OAuth 2.0 server that is not iManage: oidc-provider
 * with the iManage endpoint paths, clients using client_secret_post and client_secret_basic, and a
 * tiny GET /api beside it (checking the token with the provider) for the account lookup.
 */
let server: TestServer;
let admin: SignedIn;
let issuer: string;
let http: Server;
let provider: Provider;

beforeAll(async () => {
  server = await startTestServer();
  usePublicUrl(server);
  admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  http = createServer();
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const redirect = `${server.url}/api/connectors/authorised`;
  provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'post-client',
        client_secret: 'post-secret',
        redirect_uris: [redirect],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
      {
        client_id: 'basic-client',
        client_secret: 'basic-secret',
        redirect_uris: [redirect],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    routes: { authorization: '/auth/oauth2/authorize', token: '/auth/oauth2/token' },
    scopes: ['user'],
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
    features: { devInteractions: { enabled: true } },
  });
  const callback = provider.callback();
  http.on('request', (req, res) => {
    if (req.url === '/api') {
      void (async () => {
        const token = req.headers['x-auth-token'];
        const found = typeof token === 'string' ? await provider.AccessToken.find(token) : undefined;
        res.setHeader('content-type', 'application/json');
        if (!found) {
          res.statusCode = 401;
          res.end(
            JSON.stringify({
              error: { code: 'Unauthorized', message: 'X-Auth-Token is invalid or missing' },
            }),
          );
          return;
        }
        res.end(
          JSON.stringify({
            data: {
              dms_version: '10.4.0',
              user: { id: found.accountId, name: found.accountId, customer_id: 42 },
              versions: [{ name: 'v2', url: `${issuer}/work/api/v2` }],
            },
          }),
        );
      })();
      return;
    }
    callback(req, res);
  });
});

afterAll(async () => {
  await new Promise((resolve) => http?.close(resolve));
  await server?.close();
});

/** Follows the provider's redirects and dev sign-in and consent forms until it sends the browser back to Lexbridge. */
async function signInAtProvider(startUrl: string, login: string): Promise<string> {
  const jar = new Map<string, string>();
  let url = startUrl;
  let form: URLSearchParams | undefined;
  for (let step = 0; step < 20; step++) {
    const res = await fetch(url, {
      method: form ? 'POST' : 'GET',
      headers: {
        cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(form ? { body: form } : {}),
      redirect: 'manual',
    });
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    form = undefined;
    if (res.status >= 300 && res.status < 400) {
      const next = new URL(res.headers.get('location')!, url).href;
      if (next.startsWith(server.url)) return next;
      url = next;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1];
    if (res.status !== 200 || !action || !prompt)
      throw new Error(`unexpected page ${res.status}: ${html.slice(0, 300)}`);
    url = new URL(action.replace(/&amp;/g, '&'), url).href;
    form = new URLSearchParams({ prompt, login, password: 'any' });
  }
  throw new Error('too many steps at the provider');
}

async function authorise(clientId: string, secret: string, clientAuthentication: string) {
  const res = await fetch(`${server.url}/api/connectors`, {
    method: 'POST',
    headers: { ...admin.headers, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'imanage-onprem',
      name: clientId,
      config: { clientId, secretKey: secret, serverAddress: issuer, clientAuthentication },
    }),
  });
  expect(res.status).toBe(201);
  const connectorId = ((await res.json()) as { id: string }).id;
  const user = await signIn(server.lexbridge, { roles: ['User'] });
  const start = await fetch(`${server.url}/api/connectors/${connectorId}/authorise`, {
    headers: { cookie: user.cookie },
    redirect: 'manual',
  });
  expect(start.status).toBe(302);
  const location = start.headers.get('location')!;
  // Refused before sign-in: Lexbridge kept the person on its own page.
  if (location.startsWith('/')) return { connectorId, user, landing: location };
  const callbackUrl = await signInAtProvider(location, `person-${clientId}`);
  const landing = await fetch(callbackUrl, { headers: { cookie: user.cookie }, redirect: 'manual' });
  return { connectorId, user, landing: landing.headers.get('location') };
}

describe('authorisation against a standards OAuth 2.0 server (oidc-provider)', () => {
  for (const [clientId, secret, method] of [
    ['post-client', 'post-secret', 'client_secret_post'],
    ['basic-client', 'basic-secret', 'client_secret_basic'],
  ] as const) {
    it(`authorises, records the account and refreshes with ${method}`, async () => {
      const { connectorId, user, landing } = await authorise(clientId, secret, method);
      expect(landing).toBe(`/connectors?authorised=${connectorId}`);
      const [row] = await server.lexbridge.store.db
        .select()
        .from(connections)
        .where(eq(connections.userId, user.userId));
      expect(row!.externalAccount).toMatchObject({
        id: `person-${clientId}`,
        details: { customerId: 42, dmsVersion: '10.4.0', apiBaseUrl: `${issuer}/work/api/v2` },
      });
      expect(row!.refreshToken).toMatch(/^lb1\./);
      const first = await getAccessToken(server.lexbridge, { connectorId, userId: user.userId });
      expect(await provider.AccessToken.find(first.accessToken)).toBeTruthy();
      await server.lexbridge.store.db
        .update(connections)
        .set({ accessTokenExpiresAt: new Date() })
        .where(eq(connections.id, row!.id));
      const second = await getAccessToken(server.lexbridge, { connectorId, userId: user.userId });
      expect(second.accessToken).not.toBe(first.accessToken);
      expect(await provider.AccessToken.find(second.accessToken)).toBeTruthy();
    });
  }

  it('reports a wrong client secret as invalid_client before anyone signs in', async () => {
    const { connectorId, landing } = await authorise('basic-client', 'not-the-secret', 'client_secret_basic');
    expect(landing).toBe(`/connectors?error=invalid_client&connector=${connectorId}&checked=before-sign-in`);
  });
});
