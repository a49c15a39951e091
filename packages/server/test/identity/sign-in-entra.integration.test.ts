import { createHash } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEvents, sessions, signInAttempts, users } from '../../src/store/schema.ts';
import { followFlow, freePort, TestBrowser } from './support/browser.ts';
import { type IdentityTestServer, startIdentityServer } from './support/servers.ts';
import { startTestIdp, type TestIdp } from './support/test-idp.ts';

/**
 * Sign-in against a real oidc-provider acting as the firm's provider, Entra style: app roles arrive
 * in the `roles` claim as "Connector.Admin", "Admin", "User".
 */
let idp: TestIdp;
let lex: IdentityTestServer;

beforeAll(async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  idp = await startTestIdp({
    redirectUri: `${url}/signin-oidc`,
    postLogoutRedirectUri: `${url}/`,
    accounts: {
      alice: { email: 'alice@firm.test', name: 'Alice Admin', roles: ['Connector.Admin', 'Admin'] },
      nora: { email: 'nora@firm.test', name: 'Nora Norole', roles: [] },
      nomail: { name: 'No Mail', roles: ['User'] },
    },
  });
  lex = await startIdentityServer(
    {
      LEXBRIDGE_OIDC_ISSUER: idp.issuer,
      LEXBRIDGE_OIDC_CLIENT_ID: idp.clientId,
      LEXBRIDGE_OIDC_CLIENT_SECRET: idp.clientSecret,
    },
    port,
  );
});

afterAll(async () => {
  await lex?.close();
  await idp?.close();
});

const db = () => lex.lexbridge.store.db;
const rowCount = async (table: typeof users | typeof sessions | typeof signInAttempts) =>
  (await db().select({ n: count() }).from(table))[0]!.n;

/** Signs `account` in from a fresh browser; stops when Lexbridge sends the browser back into the app. */
async function signInAs(account: string, returnTo = '/workflows') {
  idp.nextAccount = account;
  const browser = new TestBrowser();
  const flow = await followFlow(
    browser,
    `${lex.url}/api/auth/login?returnTo=${encodeURIComponent(returnTo)}`,
    {
      stopAt: (u) => u.startsWith(lex.url) && !/\/(signin-oidc|api\/auth\/login)/.test(u),
    },
  );
  const callbackUrl = flow.visited.find((u) => u.startsWith(`${lex.url}/signin-oidc`));
  return { browser, flow, callbackUrl };
}

async function me(browser: TestBrowser) {
  const res = await fetch(`${lex.url}/api/me`, { headers: { cookie: browser.cookieHeader(lex.url) } });
  return {
    status: res.status,
    body: (await res.json()) as {
      user: { id: string; name: string; email: string; roles: string[] };
      csrfToken: string;
    },
  };
}

describe('sign-in with an Entra-like provider (roles claim)', () => {
  it('login redirects to the provider with code, PKCE S256, state and nonce, and keeps the attempt server-side', async () => {
    const res = await fetch(`${lex.url}/api/auth/login?returnTo=/workflows`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin).toBe(idp.issuer);
    expect(location.searchParams.get('response_type')).toBe('code');
    expect(location.searchParams.get('code_challenge_method')).toBe('S256');
    expect(location.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(location.searchParams.get('redirect_uri')).toBe(`${lex.url}/signin-oidc`);
    expect(location.searchParams.get('client_id')).toBe(idp.clientId);
    expect(location.searchParams.get('scope')).toBe('openid profile email');
    const state = location.searchParams.get('state')!;
    expect(state.length).toBeGreaterThanOrEqual(32);
    expect(location.searchParams.get('nonce')!.length).toBeGreaterThanOrEqual(32);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('lexbridge_signin='))!;
    expect(cookie).toContain(`lexbridge_signin=${state}`);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Path=\/signin-oidc/);
    expect(cookie).toMatch(/Max-Age=600/);
    expect(cookie).not.toMatch(/Secure/i);
    const [attempt] = await db().select().from(signInAttempts).orderBy(signInAttempts.createdAt);
    expect(attempt?.codeVerifier.startsWith('lb1.')).toBe(true);
    expect(attempt?.stateHash).not.toBe(state);
  });

  it.each([
    '//evil.example/x',
    '/.//evil.example/phish',
    '/%2e//evil.example/phish',
    '/a/..//evil.example/phish',
  ])('ignores a returnTo that leaves the site (%s)', async (returnTo) => {
    idp.nextAccount = 'alice';
    const browser = new TestBrowser();
    const flow = await followFlow(
      browser,
      `${lex.url}/api/auth/login?returnTo=${encodeURIComponent(returnTo)}`,
      {
        stopAt: (u) =>
          !u.startsWith(idp.issuer) && !u.includes('/signin-oidc') && !u.includes('/api/auth/login'),
      },
    );
    expect(flow.finalUrl).toBe(`${lex.url}/`);
  });

  it('signs a person in: user from issuer+sub, roles from the roles claim, session cookie, audit event', async () => {
    const { browser, flow } = await signInAs('alice');
    expect(flow.final.status).toBe(302);
    expect(flow.finalUrl).toBe(`${lex.url}/workflows`);
    const sessionCookie = flow.final.headers.getSetCookie().find((c) => c.startsWith('lexbridge_session='))!;
    expect(sessionCookie).toMatch(/HttpOnly/i);
    expect(sessionCookie).toMatch(/SameSite=Lax/i);
    expect(sessionCookie).toMatch(/Path=\//);
    expect(sessionCookie).not.toMatch(/Secure/i);

    const { status, body } = await me(browser);
    expect(status).toBe(200);
    expect(body.user).toMatchObject({
      name: 'Alice Admin',
      email: 'alice@firm.test',
      roles: ['ConnectorAdmin', 'Admin'],
    });
    expect(body.csrfToken.length).toBeGreaterThan(20);

    const [row] = await db().select().from(users).where(eq(users.id, body.user.id));
    expect(row).toMatchObject({ issuer: idp.issuer, subject: 'alice' });
    const events = await db().select().from(auditEvents).where(eq(auditEvents.actorUserId, body.user.id));
    expect(events.map((e) => [e.action, e.outcome])).toContainEqual(['auth.sign_in', 'success']);
    const [session] = await db().select().from(sessions).where(eq(sessions.userId, body.user.id));
    expect(session?.idToken?.startsWith('lb1.')).toBe(true);
  });

  it('recomputes roles at every sign-in and keeps the same user', async () => {
    const first = await me((await signInAs('alice')).browser);
    idp.accounts.get('alice')!.roles = ['user'];
    const second = await me((await signInAs('alice')).browser);
    idp.accounts.get('alice')!.roles = ['Connector.Admin', 'Admin'];
    expect(second.body.user.id).toBe(first.body.user.id);
    expect(second.body.user.roles).toEqual(['User']);
  });

  it('sends a person with no role on to returnTo; /api/me shows roles [] and other routes answer 403 with access.denied audited', async () => {
    const { browser, flow } = await signInAs('nora', '/connectors');
    expect(flow.finalUrl).toBe(`${lex.url}/connectors`);
    const { status, body } = await me(browser);
    expect(status).toBe(200);
    expect(body.user.roles).toEqual([]);
    const denied = await fetch(`${lex.url}/api/admin/audit`, {
      headers: { cookie: browser.cookieHeader(lex.url) },
    });
    expect(denied.status).toBe(403);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    const events = await db().select().from(auditEvents).where(eq(auditEvents.actorUserId, body.user.id));
    expect(events.find((e) => e.action === 'access.denied')).toMatchObject({
      outcome: 'denied',
      targetId: 'GET /api/admin/audit',
    });
  });

  it('refuses a replayed callback (state already used) with oidc_state_invalid, as JSON or as a page', async () => {
    const { callbackUrl } = await signInAs('alice');
    const state = new URL(callbackUrl!).searchParams.get('state')!;
    const before = await rowCount(sessions);
    const json = await fetch(callbackUrl!, {
      headers: { accept: 'application/json', cookie: `lexbridge_signin=${state}` },
      redirect: 'manual',
    });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: { code: 'oidc_state_invalid' } });
    const page = await fetch(callbackUrl!, {
      headers: { accept: 'text/html', cookie: `lexbridge_signin=${state}` },
      redirect: 'manual',
    });
    expect(page.status).toBe(400);
    const html = await page.text();
    expect(html).toContain('oidc_state_invalid');
    expect(html).toContain('We could not sign you in');
    expect(await rowCount(sessions)).toBe(before);
  });

  it('refuses a tampered state, and a callback without the sign-in cookie, creating nothing', async () => {
    idp.nextAccount = 'alice';
    const browser = new TestBrowser();
    const flow = await followFlow(browser, `${lex.url}/api/auth/login`, {
      stopAt: (u) => u.startsWith(`${lex.url}/signin-oidc`),
    });
    const callback = new URL(flow.finalUrl);
    const sessionsBefore = await rowCount(sessions);

    const noCookie = await fetch(callback.href, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
    });
    expect(((await noCookie.json()) as { error: { code: string } }).error.code).toBe('oidc_state_invalid');

    callback.searchParams.set('state', 'tampered-state-value');
    const res = await browser.request(callback.href, { headers: { accept: 'application/json' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('oidc_state_invalid');
    expect(await rowCount(sessions)).toBe(sessionsBefore);
    expect(browser.cookie(lex.url, 'lexbridge_signin')).toBeUndefined();
  });

  it('refuses a reused authorization code with oidc_callback_failed and leaves no attempt behind', async () => {
    const { callbackUrl } = await signInAs('alice');
    const usedCode = new URL(callbackUrl!).searchParams.get('code')!;
    const browser = new TestBrowser();
    const start = await browser.request(`${lex.url}/api/auth/login`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const sessionsBefore = await rowCount(sessions);
    const replay = new URL(`${lex.url}/signin-oidc`);
    replay.search = new URLSearchParams({ code: usedCode, state, iss: idp.issuer }).toString();
    const res = await browser.request(replay.href, { headers: { accept: 'application/json' } });
    const body = (await res.json()) as { error: { code: string; details?: { providerError?: string } } };
    expect(res.status).toBe(400);
    expect(body.error.code).toBe('oidc_callback_failed');
    expect(body.error.details?.providerError).toBe('invalid_grant');
    expect(await rowCount(sessions)).toBe(sessionsBefore);
    const stateHash = createHash('sha256').update(state).digest('base64url');
    expect(await db().select().from(signInAttempts).where(eq(signInAttempts.stateHash, stateHash))).toEqual(
      [],
    );
    const failures = await db().select().from(auditEvents).where(eq(auditEvents.action, 'auth.sign_in'));
    expect(
      failures.some(
        (e) => e.outcome === 'failure' && (e.details as { code?: string })?.code === 'oidc_callback_failed',
      ),
    ).toBe(true);
  });

  it('reports an error the provider sent back (the person refused) with oidc_callback_failed', async () => {
    const browser = new TestBrowser();
    const start = await browser.request(`${lex.url}/api/auth/login`);
    const state = new URL(start.headers.get('location')!).searchParams.get('state')!;
    const res = await browser.request(
      `${lex.url}/signin-oidc?error=access_denied&state=${state}&iss=${encodeURIComponent(idp.issuer)}`,
      {
        headers: { accept: 'application/json' },
      },
    );
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('oidc_callback_failed');
    expect(body.error.message).toMatch(/administrator/);
  });

  it('refuses a person without an e-mail claim with oidc_claims_missing and creates no user', async () => {
    idp.nextAccount = 'nomail';
    const browser = new TestBrowser();
    const flow = await followFlow(browser, `${lex.url}/api/auth/login`);
    expect(flow.final.status).toBe(502);
    expect(await flow.final.text()).toContain('oidc_claims_missing');
    expect(await db().select().from(users).where(eq(users.subject, 'nomail'))).toEqual([]);
  });

  it('signs out: CSRF required, session deleted, cookie cleared, end-session URL returned, audit event', async () => {
    const { browser } = await signInAs('alice');
    const { body } = await me(browser);
    const cookie = browser.cookieHeader(lex.url);

    const noToken = await fetch(`${lex.url}/api/auth/logout`, { method: 'POST', headers: { cookie } });
    expect(noToken.status).toBe(403);
    expect(((await noToken.json()) as { error: { code: string } }).error.code).toBe('csrf_token_invalid');
    expect((await me(browser)).status).toBe(200);

    const res = await fetch(`${lex.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': body.csrfToken },
    });
    expect(res.status).toBe(200);
    const { redirectTo } = (await res.json()) as { redirectTo: string };
    const endSession = new URL(redirectTo);
    expect(endSession.origin).toBe(idp.issuer);
    expect(endSession.pathname).toBe('/session/end');
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${lex.url}/`);
    expect(endSession.searchParams.get('id_token_hint')?.split('.')).toHaveLength(3);
    expect(res.headers.getSetCookie().some((c) => /^lexbridge_session=;/.test(c))).toBe(true);
    const after = await fetch(`${lex.url}/api/me`, { headers: { cookie } });
    expect(after.status).toBe(401);
    const events = await db().select().from(auditEvents).where(eq(auditEvents.actorUserId, body.user.id));
    expect(events.map((e) => e.action)).toContain('auth.sign_out');
  });

  it("replaces the browser's previous session at a new sign-in", async () => {
    const { browser } = await signInAs('alice');
    const before = browser.cookie(lex.url, 'lexbridge_session')!;
    idp.nextAccount = 'alice';
    await followFlow(browser, `${lex.url}/api/auth/login`, { stopAt: (u) => u === `${lex.url}/` });
    expect(browser.cookie(lex.url, 'lexbridge_session')).not.toBe(before);
    expect(
      (await fetch(`${lex.url}/api/me`, { headers: { cookie: `lexbridge_session=${before}` } })).status,
    ).toBe(401);
    expect((await me(browser)).status).toBe(200);
  });

  it('GET /api/me without a session answers 401 unauthenticated', async () => {
    const res = await fetch(`${lex.url}/api/me`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthenticated' } });
  });
});
