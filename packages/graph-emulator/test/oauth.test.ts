import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALEX,
  authorizeParams,
  codeFor,
  graph,
  pkcePair,
  REDIRECT_URI,
  SCOPES,
  signIn,
  startTestEmulator,
  submitSignIn,
  type TestEmulator,
  tokenRequest,
} from './helpers.ts';

let emulator: TestEmulator;
beforeAll(async () => {
  emulator = await startTestEmulator();
});
afterAll(() => emulator.close());

const exchange = (code: string, verifier: string, extra: Record<string, string> = {}) =>
  tokenRequest(emulator, {
    grant_type: 'authorization_code',
    code,
    code_verifier: verifier,
    redirect_uri: REDIRECT_URI,
    client_id: emulator.app.clientId,
    client_secret: emulator.app.secret,
    ...extra,
  });

function expectAadsts(body: Record<string, any>, code: number, error: string) {
  expect(body.error).toBe(error);
  expect(body.error_description).toMatch(new RegExp(`^AADSTS${code}: `));
  expect(body.error_description).toMatch(
    /Trace ID: [0-9a-f-]{36}\r\nCorrelation ID: [0-9a-f-]{36}\r\nTimestamp: /,
  );
  expect(body.error_codes).toEqual([code]);
  expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(body.trace_id).toMatch(/^[0-9a-f-]{36}$/);
  expect(body.correlation_id).toMatch(/^[0-9a-f-]{36}$/);
}

describe('discovery', () => {
  it('serves the v2 OpenID configuration by tenant id or domain, naming the tenant id', async () => {
    for (const tenant of [emulator.tenantId, 'contoso.onmicrosoft.com']) {
      const response = await emulator.fetch(
        `${emulator.loginUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
      );
      const body = (await response.json()) as Record<string, any>;
      expect(response.status).toBe(200);
      expect(body.issuer).toBe(`${emulator.loginUrl}/${emulator.tenantId}/v2.0`);
      expect(body.token_endpoint).toBe(`${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/token`);
      expect(body.token_endpoint_auth_methods_supported).toContain('client_secret_basic');
    }
    const keys = (await (
      await emulator.fetch(`${emulator.loginUrl}/${emulator.tenantId}/discovery/v2.0/keys`)
    ).json()) as any;
    expect(keys.keys[0]).toMatchObject({ kty: 'RSA', use: 'sig' });
    const unknown = await emulator.fetch(
      `${emulator.loginUrl}/nowhere.example/v2.0/.well-known/openid-configuration`,
    );
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as any).error_description).toMatch(
      /^AADSTS90002: Tenant 'nowhere.example' not found/,
    );
  });
});

describe('authorize page', () => {
  it('shows a sign-in form, and errors about tenant, app and redirect URI on the page itself', async () => {
    const { challenge } = pkcePair();
    const query = (overrides: Record<string, string> = {}, tenant = emulator.tenantId) =>
      emulator.fetch(
        `${emulator.loginUrl}/${tenant}/oauth2/v2.0/authorize?${new URLSearchParams(authorizeParams(challenge, overrides))}`,
        { redirect: 'manual' },
      );
    const ok = await query();
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('name="passwd"');
    const cases: [Promise<Awaited<ReturnType<typeof query>>>, string][] = [
      [query({}, 'unknown-tenant.example'), 'AADSTS90002'],
      [query({ client_id: '00000000-0000-0000-0000-000000000000' }), 'AADSTS700016'],
      [query({ redirect_uri: 'https://evil.example/cb' }), 'AADSTS50011'],
    ];
    for (const [pending, code] of cases) {
      const response = await pending;
      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      expect(await response.text()).toContain(code);
    }
  });

  it('requires PKCE with S256 (error redirected to the client)', async () => {
    const { challenge } = pkcePair();
    const { status, location } = await submitSignIn(
      emulator,
      authorizeParams(challenge, { code_challenge_method: 'plain' }),
      ALEX,
    );
    expect(status).toBe(302);
    expect(location?.searchParams.get('error')).toBe('invalid_request');
    expect(location?.searchParams.get('state')).toBe('state-1');
  });

  it('rejects a wrong password on the page', async () => {
    const { challenge } = pkcePair();
    const { status, text } = await submitSignIn(emulator, authorizeParams(challenge), ALEX, 'wrong');
    expect(status).toBe(400);
    expect(text).toContain('Your account or password is incorrect');
  });

  it('shows AADSTS50105 when assignment is required and the user is not assigned, and AADSTS65001 without consent', async () => {
    const app = emulator.store.apps.get(emulator.app.clientId);
    if (!app) throw new Error('no demo app');
    const saved = structuredClone(app);
    try {
      app.assignmentRequired = true;
      app.assignedUserIds = [];
      const { challenge } = pkcePair();
      const blocked = await submitSignIn(emulator, authorizeParams(challenge), ALEX);
      expect(blocked.status).toBe(400);
      expect(blocked.text).toContain('AADSTS50105');
      app.assignmentRequired = false;
      app.grantedScopes = ['openid', 'offline_access', 'User.Read'];
      const noConsent = await submitSignIn(emulator, authorizeParams(challenge), ALEX);
      expect(noConsent.text).toContain('AADSTS65001');
    } finally {
      Object.assign(app, saved);
    }
  });
});

describe('token endpoint', () => {
  it('exchanges a code (client_secret_post) for access, refresh and ID tokens', async () => {
    const tokens = await signIn(emulator);
    expect(tokens.access_token.split('.')).toHaveLength(3);
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.id_token.split('.')).toHaveLength(3);
    expect(tokens.expires_in).toBeGreaterThan(3000);
    expect(tokens.scope).toContain('Files.ReadWrite.All');
    const idToken = JSON.parse(Buffer.from(tokens.id_token.split('.')[1] ?? '', 'base64url').toString());
    expect(idToken).toMatchObject({
      aud: emulator.app.clientId,
      iss: `${emulator.loginUrl}/${emulator.tenantId}/v2.0`,
      preferred_username: ALEX,
      tid: emulator.tenantId,
    });
  });

  it('accepts client_secret_basic', async () => {
    const { code, verifier } = await codeFor(emulator);
    const basic = Buffer.from(`${emulator.app.clientId}:${encodeURIComponent(emulator.app.secret)}`).toString(
      'base64',
    );
    const response = await emulator.fetch(`${emulator.loginUrl}/${emulator.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        code_verifier: verifier,
        redirect_uri: REDIRECT_URI,
      }).toString(),
    });
    expect(response.status).toBe(200);
  });

  it('rejects a replayed code, a wrong verifier, and codes after ten minutes', async () => {
    const first = await codeFor(emulator);
    expect((await exchange(first.code, first.verifier)).status).toBe(200);
    const replay = await exchange(first.code, first.verifier);
    expectAadsts(replay.body, 54005, 'invalid_grant');
    const second = await codeFor(emulator);
    expectAadsts((await exchange(second.code, 'not-the-verifier')).body, 50148, 'invalid_grant');
    const third = await codeFor(emulator);
    emulator.clock.advance(11 * 60_000);
    expectAadsts((await exchange(third.code, third.verifier)).body, 70008, 'invalid_grant');
  });

  it('answers AADSTS errors for unknown tenant, unknown app, secret ID instead of value, and expired secret', async () => {
    const { code, verifier } = await codeFor(emulator);
    const unknownTenant = await tokenRequest(
      emulator,
      { grant_type: 'authorization_code', code },
      'nowhere.example',
    );
    expect(unknownTenant.status).toBe(400);
    expectAadsts(unknownTenant.body, 90002, 'invalid_request');
    const unknownApp = await exchange(code, verifier, { client_id: '11111111-2222-4333-8444-555555555555' });
    expectAadsts(unknownApp.body, 700016, 'unauthorized_client');
    const secretId = await exchange(code, verifier, { client_secret: emulator.app.secretId });
    expect(secretId.status).toBe(401);
    expectAadsts(secretId.body, 7000215, 'invalid_client');
    const expired = await exchange(code, verifier, { client_secret: emulator.app.expiredSecret });
    expect(expired.status).toBe(401);
    expectAadsts(expired.body, 7000222, 'invalid_client');
  });

  it('rotates refresh tokens: the new one works once, the old one never again', async () => {
    const tokens = await signIn(emulator);
    const refresh = (token: string) =>
      tokenRequest(emulator, {
        grant_type: 'refresh_token',
        refresh_token: token,
        client_id: emulator.app.clientId,
        client_secret: emulator.app.secret,
        scope: SCOPES,
      });
    const first = await refresh(tokens.refresh_token);
    expect(first.status).toBe(200);
    expect(first.body.refresh_token).not.toBe(tokens.refresh_token);
    expectAadsts((await refresh(tokens.refresh_token)).body, 70000, 'invalid_grant');
    const second = await refresh(first.body.refresh_token);
    expect(second.status).toBe(200);
    expect((await graph(emulator, second.body.access_token, '/me')).status).toBe(200);
  });

  it('revokes: refresh fails with AADSTS50173 and Graph answers 401 InvalidAuthenticationToken', async () => {
    const tokens = await signIn(emulator);
    emulator.clock.advance(1);
    emulator.revokeUser(ALEX);
    const me = await graph(emulator, tokens.access_token, '/me');
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('InvalidAuthenticationToken');
    const refreshed = await tokenRequest(emulator, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: emulator.app.clientId,
      client_secret: emulator.app.secret,
    });
    expectAadsts(refreshed.body, 50173, 'invalid_grant');
  });

  it('injects any AADSTS error on demand through the admin API', async () => {
    const tokens = await signIn(emulator);
    const injected = await emulator.fetch(`${emulator.loginUrl}/__emulator/faults/next`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'aadsts', code: 65001, grantType: 'refresh_token' }),
    });
    expect(injected.status).toBe(200);
    const form = {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
      client_id: emulator.app.clientId,
      client_secret: emulator.app.secret,
    };
    expectAadsts((await tokenRequest(emulator, form)).body, 65001, 'invalid_grant');
    expect((await tokenRequest(emulator, form)).status).toBe(200);
  });

  it('expires access tokens after their lifetime', async () => {
    const tokens = await signIn(emulator);
    expect((await graph(emulator, tokens.access_token, '/me')).status).toBe(200);
    emulator.clock.advance(3600_000);
    const expired = await graph(emulator, tokens.access_token, '/me');
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toContain('expired');
    const missing = await emulator.fetch(`${emulator.graphUrl}/me`);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as any).error.message).toBe('Access token is empty.');
  });

  it('client_credentials for an app with delegated permissions only: a token without roles, which Graph refuses', async () => {
    const credentials = { client_id: emulator.app.clientId, client_secret: emulator.app.secret };
    const { status, body } = await tokenRequest(emulator, {
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
      ...credentials,
    });
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'ext_expires_in', 'token_type']);
    expect(body.token_type).toBe('Bearer');
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ appid: emulator.app.clientId, idtyp: 'app', tid: emulator.tenantId });
    expect(claims).not.toHaveProperty('scp');
    expect(claims).not.toHaveProperty('roles');
    expect(claims).not.toHaveProperty('upn');

    for (const path of ['/me', '/me/drive', '/sites?search=Matter']) {
      const answer = await graph(emulator, body.access_token, path);
      expect(answer.status, path).toBe(401);
      expect(answer.body.error).toMatchObject({
        code: 'AccessDenied',
        message: 'Either scp or roles claim need to be present in the token.',
      });
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer /);
    }

    // Entra's own refusals of the grant: a delegated scope, a resource that is not Graph, a wrong secret.
    const delegated = await tokenRequest(emulator, {
      grant_type: 'client_credentials',
      scope: 'User.Read offline_access',
      ...credentials,
    });
    expect(delegated.status).toBe(400);
    expectAadsts(delegated.body, 1002012, 'invalid_scope');
    const elsewhere = await tokenRequest(emulator, {
      grant_type: 'client_credentials',
      scope: 'https://example.invalid/.default',
      ...credentials,
    });
    expect(elsewhere.status).toBe(400);
    expectAadsts(elsewhere.body, 500011, 'invalid_resource');
    const wrong = await tokenRequest(emulator, {
      grant_type: 'client_credentials',
      scope: 'https://graph.microsoft.com/.default',
      client_id: emulator.app.clientId,
      client_secret: 'not-the-secret',
    });
    expect(wrong.status).toBe(401);
    expectAadsts(wrong.body, 7000215, 'invalid_client');
  });
});
