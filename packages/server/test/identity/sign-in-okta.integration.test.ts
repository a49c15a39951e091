import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAttempts } from '../../src/store/schema.ts';
import { followFlow, freePort, TestBrowser } from './support/browser.ts';
import { type IdentityTestServer, startIdentityServer, startVariant } from './support/servers.ts';
import { startTestIdp, type TestIdp } from './support/test-idp.ts';

/**
 * Okta style: Lexbridge roles are groups named with a prefix ("Lexbridge.ConnectorAdmin"), sent in a
 * `groups` claim that the `groups` scope asks for, among the person's other groups. Also: a provider
 * that is down or misconfigured.
 */
let idp: TestIdp;
let lex: IdentityTestServer;
let notOidc: Server;

beforeAll(async () => {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  idp = await startTestIdp({
    redirectUri: `${url}/signin-oidc`,
    postLogoutRedirectUri: `${url}/`,
    accounts: {
      carol: {
        email: 'carol@firm.test',
        name: 'Carol',
        groups: ['Everyone', 'Admin', 'Lexbridge.ConnectorAdmin', 'lexbridge-plugin_user'],
      },
      dave: { email: 'dave@firm.test', name: 'Dave', groups: ['Everyone', 'Lexbridge.User'] },
      erin: { email: 'erin@firm.test', name: 'Erin', groups: ['Everyone', 'Admin', 'Finance'] },
    },
  });
  lex = await startIdentityServer(
    {
      LEXBRIDGE_OIDC_ISSUER: idp.issuer,
      LEXBRIDGE_OIDC_CLIENT_ID: idp.clientId,
      LEXBRIDGE_OIDC_CLIENT_SECRET: idp.clientSecret,
      LEXBRIDGE_OIDC_ROLE_CLAIMS: 'groups',
      LEXBRIDGE_OIDC_ROLE_PREFIX: 'Lexbridge.',
      LEXBRIDGE_OIDC_SCOPES: 'openid profile email groups',
    },
    port,
  );
  notOidc = createServer((_req, res) => {
    res.statusCode = 404;
    res.end('no such page');
  });
  await new Promise<void>((resolve) => notOidc.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await lex?.close();
  await idp?.close();
  await new Promise((resolve) => notOidc?.close(resolve));
});

async function rolesAfterSignIn(account: string): Promise<string[]> {
  idp.nextAccount = account;
  const browser = new TestBrowser();
  await followFlow(browser, `${lex.url}/api/auth/login`, { stopAt: (u) => u === `${lex.url}/` });
  const res = await fetch(`${lex.url}/api/me`, { headers: { cookie: browser.cookieHeader(lex.url) } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { user: { roles: string[] } }).user.roles;
}

describe('sign-in with an Okta-like provider (groups claim with a prefix)', () => {
  it('asks for the configured scopes', async () => {
    const res = await fetch(`${lex.url}/api/auth/login`, { redirect: 'manual' });
    expect(new URL(res.headers.get('location')!).searchParams.get('scope')).toBe(
      'openid profile email groups',
    );
  });

  it('maps prefixed groups to roles and ignores the other groups, even one called "Admin"', async () => {
    expect(await rolesAfterSignIn('carol')).toEqual(['ConnectorAdmin', 'PluginUser']);
    expect(await rolesAfterSignIn('dave')).toEqual(['User']);
    expect(await rolesAfterSignIn('erin')).toEqual([]);
  });
});

describe('a provider that sends the e-mail address only from its userinfo endpoint', () => {
  it('completes the profile from userinfo', async () => {
    const sparse = await startTestIdp({
      redirectUri: `${lex.url}/signin-oidc`,
      postLogoutRedirectUri: `${lex.url}/`,
      accounts: { fay: { email: 'fay@firm.test', name: 'Fay' } },
      claimsIn: 'userinfo',
    });
    const variant = await startVariant(lex.lexbridge, {
      LEXBRIDGE_OIDC_ISSUER: sparse.issuer,
      LEXBRIDGE_OIDC_CLIENT_ID: sparse.clientId,
      LEXBRIDGE_OIDC_CLIENT_SECRET: sparse.clientSecret,
    });
    try {
      sparse.nextAccount = 'fay';
      const browser = new TestBrowser();
      const flow = await followFlow(browser, `${variant.url}/api/auth/login`, {
        stopAt: (u) => u.includes('/signin-oidc'),
      });
      const done = await browser.request(`${variant.url}/signin-oidc${new URL(flow.finalUrl).search}`);
      expect(done.status).toBe(302);
      const res = await fetch(`${variant.url}/api/me`, {
        headers: { cookie: browser.cookieHeader(variant.url) },
      });
      expect(((await res.json()) as { user: { email: string } }).user.email).toBe('fay@firm.test');
    } finally {
      await variant.close();
      await sparse.close();
    }
  });
});

describe('a provider that is down or misconfigured', () => {
  it('answers idp_unavailable (503) when the provider cannot be reached: a page for browsers, JSON otherwise, no attempt left', async () => {
    const closedPort = await freePort();
    const down = await startVariant(lex.lexbridge, {
      LEXBRIDGE_OIDC_ISSUER: `http://127.0.0.1:${closedPort}`,
    });
    try {
      const before = (await lex.lexbridge.store.db.select({ n: count() }).from(signInAttempts))[0]!.n;
      const json = await fetch(`${down.url}/api/auth/login`, {
        headers: { accept: 'application/json' },
        redirect: 'manual',
      });
      expect(json.status).toBe(503);
      expect(await json.json()).toMatchObject({ error: { code: 'idp_unavailable' } });
      const page = await fetch(`${down.url}/api/auth/login`, {
        headers: { accept: 'text/html,application/xhtml+xml' },
        redirect: 'manual',
      });
      expect(page.status).toBe(503);
      expect(page.headers.get('content-type')).toMatch(/text\/html/);
      const html = await page.text();
      expect(html).toContain('idp_unavailable');
      expect(html).toContain('cannot be reached');
      expect((await lex.lexbridge.store.db.select({ n: count() }).from(signInAttempts))[0]!.n).toBe(before);
    } finally {
      await down.close();
    }
  });

  it('answers idp_misconfigured (502) when the issuer has no discovery document or names another issuer', async () => {
    const wrongPath = await startVariant(lex.lexbridge, {
      LEXBRIDGE_OIDC_ISSUER: `http://127.0.0.1:${(notOidc.address() as AddressInfo).port}`,
    });
    const wrongIssuer = await startVariant(lex.lexbridge, {
      LEXBRIDGE_OIDC_ISSUER: idp.issuer.replace('127.0.0.1', 'localhost'),
    });
    try {
      for (const variant of [wrongPath, wrongIssuer]) {
        const res = await fetch(`${variant.url}/api/auth/login`, {
          headers: { accept: 'application/json' },
          redirect: 'manual',
        });
        expect(res.status).toBe(502);
        expect(await res.json()).toMatchObject({ error: { code: 'idp_misconfigured' } });
      }
    } finally {
      await wrongPath.close();
      await wrongIssuer.close();
    }
  });

  it('refuses a plain-http issuer that is not on loopback', async () => {
    const insecure = await startVariant(lex.lexbridge, { LEXBRIDGE_OIDC_ISSUER: 'http://idp.firm.example' });
    try {
      const res = await fetch(`${insecure.url}/api/auth/login`, {
        headers: { accept: 'application/json' },
        redirect: 'manual',
      });
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('idp_misconfigured');
      expect(body.error.message).toContain('https');
    } finally {
      await insecure.close();
    }
  });

  it('rejects a wrong client secret at the code exchange with oidc_callback_failed', async () => {
    const wrongSecret = await startVariant(lex.lexbridge, { LEXBRIDGE_OIDC_CLIENT_SECRET: 'not-the-secret' });
    try {
      idp.nextAccount = 'dave';
      const browser = new TestBrowser();
      const flow = await followFlow(browser, `${wrongSecret.url}/api/auth/login`, {
        stopAt: (u) => u.includes('/signin-oidc'),
      });
      // The provider redirects to the registered redirect URI (the main server); replay it on the variant.
      const callback = new URL(flow.finalUrl);
      const res = await browser.request(`${wrongSecret.url}/signin-oidc${callback.search}`, {
        headers: { accept: 'application/json' },
      });
      const body = (await res.json()) as { error: { code: string; details?: { providerError?: string } } };
      expect(body.error.code).toBe('oidc_callback_failed');
      expect(body.error.details?.providerError).toBe('invalid_client');
    } finally {
      await wrongSecret.close();
    }
  });
});
