import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.ts';
import {
  authorizeParams,
  authorizeWithPassword,
  getJson,
  passwordToken,
  pkcePair,
  REDIRECT_URI,
  startTestEmulator,
  TEST_APP,
  tokenRequest,
} from './helpers.ts';

let emulator: RunningEmulator;

const ROTATING_APP = {
  client_id: 'rotating',
  client_secret: 'rotating-secret',
  redirect_urls: [REDIRECT_URI],
  allow_refresh_token: true,
  rotate_refresh_token: true,
  access_token_minutes: 5,
  refresh_token_days: 2,
};
const NO_REFRESH_APP = { client_id: 'no-refresh', client_secret: 'nr-secret', redirect_urls: [REDIRECT_URI] };
const DISABLED_APP = {
  client_id: 'disabled',
  client_secret: 'd-secret',
  redirect_urls: [REDIRECT_URI],
  enabled: false,
};
const ADMIN_ONLY_APP = {
  client_id: 'admins-only',
  client_secret: 'a-secret',
  redirect_urls: [REDIRECT_URI],
  users: ['admin'],
};

beforeAll(async () => {
  emulator = await startTestEmulator({
    apps: [
      { ...TEST_APP, access_token_minutes: 30 },
      ROTATING_APP,
      NO_REFRESH_APP,
      DISABLED_APP,
      ADMIN_ONLY_APP,
    ],
  });
});
afterAll(() => emulator.close());

async function codeFor(
  params: Record<string, string> = {},
  user = { username: 'jsmith', password: 'password' },
) {
  const { status, location } = await authorizeWithPassword(emulator, authorizeParams(params), user);
  expect(status).toBe(302);
  expect(location?.searchParams.get('state')).toBe(params.state ?? 'state-123');
  const code = location?.searchParams.get('code');
  expect(code).toBeTruthy();
  return code as string;
}

const exchange = (code: string, extra: Record<string, string> = {}, app = TEST_APP) =>
  tokenRequest(emulator, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    client_id: app.client_id,
    client_secret: app.client_secret ?? '',
    ...extra,
  });

describe('authorize page', () => {
  it('shows a sign-in form with the application name and a Cancel button', async () => {
    const response = await fetch(
      `${emulator.url}/auth/oauth2/authorize?${new URLSearchParams(authorizeParams())}`,
    );
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('Lexbridge Test');
    expect(page).toContain('<label for="username">Username</label>');
    expect(page).toContain('value="cancel"');
  });

  it('redirects Cancel back to the client as access_denied with the state', async () => {
    const { status, location } = await authorizeWithPassword(emulator, authorizeParams(), {
      username: '',
      password: '',
      action: 'cancel',
    });
    expect(status).toBe(302);
    expect(location?.origin + (location?.pathname ?? '')).toBe(REDIRECT_URI);
    expect(location?.searchParams.get('error')).toBe('access_denied');
    expect(location?.searchParams.get('state')).toBe('state-123');
  });

  it('re-shows the form with an error for a wrong password', async () => {
    const { status, text } = await authorizeWithPassword(emulator, authorizeParams(), {
      username: 'jsmith',
      password: 'nope',
    });
    expect(status).toBe(401);
    expect(text).toContain('User ID or Password is incorrect');
  });

  it('never redirects to an unregistered redirect_uri or for an unknown client', async () => {
    const bad = await fetch(
      `${emulator.url}/auth/oauth2/authorize?${new URLSearchParams(authorizeParams({ redirect_uri: 'https://evil.example/cb' }))}`,
      { redirect: 'manual' },
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Invalid redirect URL');
    const unknown = await fetch(
      `${emulator.url}/auth/oauth2/authorize?${new URLSearchParams(authorizeParams({ client_id: 'nobody' }))}`,
    );
    expect(unknown.status).toBe(400);
  });

  it('refuses a disabled application with an error page', async () => {
    const response = await fetch(
      `${emulator.url}/auth/oauth2/authorize?${new URLSearchParams(authorizeParams({ client_id: 'disabled' }))}`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(403);
    expect(await response.text()).toContain('disabled');
  });

  it('answers access_denied for a user without access to the application', async () => {
    const { location } = await authorizeWithPassword(emulator, authorizeParams({ client_id: 'admins-only' }));
    expect(location?.searchParams.get('error')).toBe('access_denied');
    const admin = await authorizeWithPassword(emulator, authorizeParams({ client_id: 'admins-only' }), {
      username: 'admin',
      password: 'admin',
    });
    expect(admin.location?.searchParams.get('code')).toBeTruthy();
  });

  it('redirects protocol errors to the client (unsupported_response_type, invalid_scope)', async () => {
    const wrongType = await authorizeWithPassword(emulator, authorizeParams({ response_type: 'token' }));
    expect(wrongType.location?.searchParams.get('error')).toBe('unsupported_response_type');
    const wrongScope = await authorizeWithPassword(emulator, authorizeParams({ scope: 'everything' }));
    expect(wrongScope.location?.searchParams.get('error')).toBe('invalid_scope');
  });

  it('lets a user with an emulator session pass straight through (single sign-on)', async () => {
    const first = await authorizeWithPassword(emulator, authorizeParams());
    expect(first.cookie).toMatch(/^imanage_emulator_session=/);
    const second = await fetch(
      `${emulator.url}/auth/oauth2/authorize?${new URLSearchParams(authorizeParams({ state: 'again' }))}`,
      {
        redirect: 'manual',
        headers: { cookie: first.cookie as string },
      },
    );
    expect(second.status).toBe(302);
    const location = new URL(second.headers.get('location') as string);
    expect(location.searchParams.get('code')).toBeTruthy();
    expect(location.searchParams.get('state')).toBe('again');
  });
});

describe('authorization_code grant', () => {
  it('exchanges a code for tokens once, and rejects the replay', async () => {
    const code = await codeFor();
    const first = await exchange(code);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ token_type: 'Bearer', expires_in: 1800, scope: 'user' });
    expect(typeof first.body.access_token).toBe('string');
    expect(typeof first.body.refresh_token).toBe('string');
    expect(first.headers.get('cache-control')).toBe('no-store');

    const replay = await exchange(code);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    // The replay also revokes what the first exchange issued.
    const api = await getJson(`${emulator.url}/api`, first.body.access_token as string);
    expect(api.status).toBe(401);
  });

  it('binds the code to the client and the redirect_uri, and expires it after 60 s', async () => {
    const otherClient = await exchange(await codeFor(), {}, ROTATING_APP);
    expect(otherClient.body.error).toBe('invalid_grant');
    const otherRedirect = await exchange(await codeFor(), { redirect_uri: 'http://127.0.0.1:9/other' });
    expect(otherRedirect.body.error).toBe('invalid_grant');
    const code = await codeFor();
    emulator.clock.advance(61_000);
    const late = await exchange(code);
    expect(late.body).toMatchObject({
      error: 'invalid_grant',
      error_description: 'authorization code has expired',
    });
  });

  it('verifies PKCE S256 and plain when a challenge was sent', async () => {
    const { verifier, challenge } = pkcePair();
    const wrong = await exchange(
      await codeFor({ code_challenge: challenge, code_challenge_method: 'S256' }),
      {
        code_verifier: pkcePair().verifier,
      },
    );
    expect(wrong.body.error).toBe('invalid_grant');
    const missing = await exchange(
      await codeFor({ code_challenge: challenge, code_challenge_method: 'S256' }),
    );
    expect(missing.body.error).toBe('invalid_request');
    const right = await exchange(
      await codeFor({ code_challenge: challenge, code_challenge_method: 'S256' }),
      {
        code_verifier: verifier,
      },
    );
    expect(right.status).toBe(200);
    const plain = await exchange(
      await codeFor({ code_challenge: verifier, code_challenge_method: 'plain' }),
      {
        code_verifier: verifier,
      },
    );
    expect(plain.status).toBe(200);
  });

  it('accepts client authentication by HTTP Basic, and rejects mixing it with a body secret', async () => {
    const basic = `Basic ${Buffer.from(`${TEST_APP.client_id}:${TEST_APP.client_secret}`).toString('base64')}`;
    const code = await codeFor();
    const ok = await tokenRequest(
      emulator,
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      { authorization: basic },
    );
    expect(ok.status).toBe(200);
    const both = await tokenRequest(
      emulator,
      {
        grant_type: 'authorization_code',
        code: await codeFor(),
        redirect_uri: REDIRECT_URI,
        client_secret: 'x',
      },
      { authorization: basic },
    );
    expect(both.body.error).toBe('invalid_request');
    const wrongBasic = await tokenRequest(
      emulator,
      { grant_type: 'authorization_code', code: await codeFor(), redirect_uri: REDIRECT_URI },
      { authorization: `Basic ${Buffer.from(`${TEST_APP.client_id}:wrong`).toString('base64')}` },
    );
    expect(wrongBasic.status).toBe(401);
    expect(wrongBasic.body.error).toBe('invalid_client');
    expect(wrongBasic.headers.get('www-authenticate')).toContain('Basic');
  });
});

describe('token endpoint errors', () => {
  it('answers RFC 6749 errors', async () => {
    const noGrant = await tokenRequest(emulator, { client_id: TEST_APP.client_id });
    expect(noGrant).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const badGrant = await tokenRequest(emulator, {
      grant_type: 'client_credentials',
      client_id: TEST_APP.client_id,
    });
    expect(badGrant).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    const badSecret = await tokenRequest(emulator, {
      grant_type: 'password',
      username: 'jsmith',
      password: 'password',
      client_id: TEST_APP.client_id,
      client_secret: 'wrong',
    });
    expect(badSecret).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const disabled = await tokenRequest(emulator, {
      grant_type: 'password',
      username: 'jsmith',
      password: 'password',
      client_id: 'disabled',
      client_secret: 'd-secret',
    });
    expect(disabled).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
    const badPassword = await tokenRequest(emulator, {
      grant_type: 'password',
      username: 'jsmith',
      password: 'wrong',
      client_id: TEST_APP.client_id,
      client_secret: TEST_APP.client_secret as string,
    });
    expect(badPassword).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    expect(typeof badPassword.body.error_description).toBe('string');
  });
});

describe('password grant and token lifetimes', () => {
  it('issues no refresh token when the application does not allow them', async () => {
    const { body } = await tokenRequest(emulator, {
      grant_type: 'password',
      username: 'jsmith',
      password: 'password',
      client_id: NO_REFRESH_APP.client_id,
      client_secret: NO_REFRESH_APP.client_secret,
    });
    expect(body.access_token).toBeTruthy();
    expect(body).not.toHaveProperty('refresh_token');
  });

  it('slides the access token expiry on each use (idle timeout)', async () => {
    const token = await passwordToken(emulator);
    emulator.clock.advance(29 * 60_000);
    expect((await getJson(`${emulator.url}/api`, token)).status).toBe(200);
    emulator.clock.advance(29 * 60_000);
    expect((await getJson(`${emulator.url}/api`, token)).status).toBe(200);
    emulator.clock.advance(31 * 60_000);
    const expired = await getJson(`${emulator.url}/api`, token);
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({
      error: { code: 'Unauthorized', message: 'X-Auth-Token is invalid or missing' },
    });
  });

  it('accepts the token as Authorization: Bearer too', async () => {
    const token = await passwordToken(emulator);
    const response = await fetch(`${emulator.url}/api`, { headers: { authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
  });

  it('keeps the same refresh token without rotation, and refresh works without client credentials', async () => {
    const first = await tokenRequest(emulator, {
      grant_type: 'password',
      username: 'jsmith',
      password: 'password',
      client_id: TEST_APP.client_id,
      client_secret: TEST_APP.client_secret as string,
    });
    const refreshToken = first.body.refresh_token as string;
    const refreshed = await tokenRequest(emulator, {
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toBe(refreshToken);
    expect(refreshed.body.access_token).not.toBe(first.body.access_token);
  });

  it('rotates refresh tokens when the application says so, rejecting the old one', async () => {
    const first = await tokenRequest(emulator, {
      grant_type: 'password',
      username: 'jsmith',
      password: 'password',
      client_id: ROTATING_APP.client_id,
      client_secret: ROTATING_APP.client_secret,
    });
    expect(first.body.expires_in).toBe(300);
    const old = first.body.refresh_token as string;
    const form = {
      grant_type: 'refresh_token',
      client_id: ROTATING_APP.client_id,
      client_secret: ROTATING_APP.client_secret,
    };
    const rotated = await tokenRequest(emulator, { ...form, refresh_token: old });
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(old);
    const reused = await tokenRequest(emulator, { ...form, refresh_token: old });
    expect(reused.body.error).toBe('invalid_grant');
    // Refresh tokens expire after the application's days.
    emulator.clock.advance(2 * 86_400_000 + 1000);
    const expired = await tokenRequest(emulator, {
      ...form,
      refresh_token: rotated.body.refresh_token as string,
    });
    expect(expired.body.error).toBe('invalid_grant');
  });

  it('rejects a refresh token presented by another client', async () => {
    const first = await tokenRequest(emulator, {
      grant_type: 'password',
      username: 'jsmith',
      password: 'password',
      client_id: TEST_APP.client_id,
      client_secret: TEST_APP.client_secret as string,
    });
    const stolen = await tokenRequest(emulator, {
      grant_type: 'refresh_token',
      refresh_token: first.body.refresh_token as string,
      client_id: ROTATING_APP.client_id,
      client_secret: ROTATING_APP.client_secret,
    });
    expect(stolen.body.error).toBe('invalid_grant');
  });
});
