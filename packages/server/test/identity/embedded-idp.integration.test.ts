import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/identity/embedded-idp/passwords.ts';
import { setUpIdentity } from '../../src/identity/index.ts';
import { users } from '../../src/store/schema.ts';
import { fillLoginForm, followFlow, TestBrowser } from './support/browser.ts';
import { type IdentityTestServer, startIdentityServer } from './support/servers.ts';

/**
 * The embedded identity provider, mounted at /idp of the Lexbridge server, driven like a browser:
 * the login form is fetched and posted, and Lexbridge signs in to it through openid-client as it would
 * to a firm's provider.
 */
let lex: IdentityTestServer;

beforeAll(async () => {
  lex = await startIdentityServer();
});

afterAll(async () => {
  await lex?.close();
});

const intoApp = (u: string) =>
  u.startsWith(lex.url) && !/\/(signin-oidc|api\/auth\/login|idp)(\/|\?|$)/.test(new URL(u).pathname + '/');

async function me(browser: TestBrowser) {
  const res = await fetch(`${lex.url}/api/me`, { headers: { cookie: browser.cookieHeader(lex.url) } });
  return {
    status: res.status,
    body: (await res.json()) as { user: { id: string; email: string; roles: string[] }; csrfToken: string },
  };
}

describe('embedded identity provider', () => {
  it('creates the demo users on a first local start', async () => {
    const file = JSON.parse(await readFile(join(lex.lexbridge.dataDir, 'users.json'), 'utf8')) as {
      users: { username: string; roles: string[] }[];
    };
    expect(file.users.map((u) => [u.username, u.roles])).toEqual([
      ['admin', ['Connector.Admin', 'Admin']],
      ['user', ['User']],
      ['plugin', ['PluginUser']],
      ['norole', []],
    ]);
  });

  it('serves discovery under /idp with the public URL as issuer', async () => {
    const res = await fetch(`${lex.url}/idp/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const meta = (await res.json()) as {
      issuer: string;
      authorization_endpoint: string;
      end_session_endpoint: string;
    };
    expect(meta.issuer).toBe(`${lex.url}/idp`);
    expect(meta.authorization_endpoint).toBe(`${lex.url}/idp/auth`);
    expect(meta.end_session_endpoint).toBe(`${lex.url}/idp/session/end`);
  });

  it('shows an accessible sign-in page with stable labels, refuses a wrong password, signs in with the right one', async () => {
    const browser = new TestBrowser();
    let loginHtml = '';
    const toForm = await followFlow(browser, `${lex.url}/api/auth/login?returnTo=/connectors`, {
      onPage: (_url, html) => {
        loginHtml = html;
        return undefined;
      },
    });
    expect(toForm.final.status).toBe(200);
    expect(new URL(toForm.finalUrl).pathname).toMatch(/^\/idp\/interaction\/[^/]+$/);
    expect(loginHtml).toMatch(/<label for="username">Username<\/label>/);
    expect(loginHtml).toMatch(/<label for="password">Password<\/label>/);
    expect(loginHtml).toMatch(/<button type="submit">Sign in<\/button>/);
    expect(loginHtml).toContain('<html lang="en">');

    const wrong = fillLoginForm('admin', 'not-the-password')(toForm.finalUrl, loginHtml)!;
    const refused = await browser.request(wrong.url, { method: 'POST', body: wrong.body });
    expect(refused.status).toBe(401);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('role="alert"');
    expect(refusedHtml).toContain('The username or password is not right');
    expect(refusedHtml).toContain('value="admin"');

    const right = fillLoginForm('ADMIN', 'lexbridge-admin')(toForm.finalUrl, refusedHtml)!;
    const accepted = await browser.request(right.url, { method: 'POST', body: right.body });
    expect(accepted.status).toBe(303);
    const done = await followFlow(browser, new URL(accepted.headers.get('location')!, right.url).href, {
      stopAt: intoApp,
    });
    expect(done.finalUrl).toBe(`${lex.url}/connectors`);
    expect(done.visited.some((u) => u.startsWith(`${lex.url}/signin-oidc?`))).toBe(true);
    const { body } = await me(browser);
    expect(body.user).toMatchObject({ email: 'admin@example.com', roles: ['ConnectorAdmin', 'Admin'] });
    const [row] = await lex.lexbridge.store.db.select().from(users).where(eq(users.id, body.user.id));
    expect(row).toMatchObject({ issuer: `${lex.url}/idp`, subject: 'admin' });
  });

  it.each([
    ['user', 'lexbridge-user', ['User']],
    ['plugin', 'lexbridge-plugin', ['PluginUser']],
    ['norole', 'lexbridge-norole', []],
  ])('signs in the demo user %s', async (username, password, roles) => {
    const browser = new TestBrowser();
    const flow = await followFlow(browser, `${lex.url}/api/auth/login`, {
      onPage: fillLoginForm(username, password),
      stopAt: intoApp,
    });
    expect(flow.finalUrl).toBe(`${lex.url}/`);
    expect((await me(browser)).body.user.roles).toEqual(roles);
  });

  it('accepts a scrypt password hash and reads edits to the users file without a restart', async () => {
    const path = join(lex.lexbridge.dataDir, 'users.json');
    const original = await readFile(path, 'utf8');
    const file = JSON.parse(original) as { users: Record<string, unknown>[] };
    file.users.push({
      username: 'hashed',
      passwordHash: await hashPassword('s3cret pass'),
      name: 'Hash Ed',
      email: 'hashed@example.com',
      roles: ['plugin_user', 'User'],
    });
    await writeFile(path, JSON.stringify(file));
    try {
      const browser = new TestBrowser();
      await followFlow(browser, `${lex.url}/api/auth/login`, {
        onPage: fillLoginForm('hashed', 's3cret pass'),
        stopAt: intoApp,
      });
      expect((await me(browser)).body.user.roles).toEqual(['User', 'PluginUser']);
    } finally {
      await writeFile(path, original);
    }
  });

  it('signs out at Lexbridge and then at the embedded provider, landing back on Lexbridge', async () => {
    const browser = new TestBrowser();
    await followFlow(browser, `${lex.url}/api/auth/login`, {
      onPage: fillLoginForm('user', 'lexbridge-user'),
      stopAt: intoApp,
    });
    const { body } = await me(browser);
    const res = await fetch(`${lex.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie: browser.cookieHeader(lex.url), 'x-csrf-token': body.csrfToken },
    });
    const { redirectTo } = (await res.json()) as { redirectTo: string };
    expect(redirectTo.startsWith(`${lex.url}/idp/session/end?`)).toBe(true);
    expect((await me(browser)).status).toBe(401);
    const page = await browser.request(redirectTo);
    const html = await page.text();
    expect(html).toContain('>Sign out</button>');
    const action = /<form[^>]*action="([^"]+)"/.exec(html)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)![1]!;
    const confirm = await browser.request(new URL(action, lex.url).href, {
      method: 'POST',
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    });
    expect(confirm.status).toBe(303);
    expect(confirm.headers.get('location')).toBe(`${lex.url}/`);
  });

  it('refuses to start on a non-loopback public URL unless explicitly allowed, and then needs a users file', async () => {
    const at = (overrides: Record<string, unknown>) => ({
      ...lex.lexbridge,
      config: { ...lex.lexbridge.config, ...overrides },
    });
    await expect(setUpIdentity(at({ publicUrl: 'https://lexbridge.firm.example' }))).rejects.toMatchObject({
      code: 'embedded_idp_not_allowed',
      message: expect.stringMatching(
        /LEXBRIDGE_PUBLIC_URL \(https:\/\/lexbridge\.firm\.example\).*LEXBRIDGE_ALLOW_EMBEDDED_IDP=true/s,
      ),
    });
    const missing = join(lex.lexbridge.dataDir, 'no-such-users.json');
    await expect(
      setUpIdentity(
        at({
          publicUrl: 'https://lexbridge.firm.example',
          LEXBRIDGE_ALLOW_EMBEDDED_IDP: true,
          LEXBRIDGE_USERS_FILE: missing,
        }),
      ),
    ).rejects.toMatchObject({ code: 'users_file_invalid' });
    const allowed = await setUpIdentity(
      at({ publicUrl: 'https://lexbridge.firm.example', LEXBRIDGE_ALLOW_EMBEDDED_IDP: true }),
    );
    expect(allowed.embedded?.issuer).toBe('https://lexbridge.firm.example/idp');
    for (const url of ['http://localhost:8080', 'http://127.0.0.1:9', 'http://[::1]:8080']) {
      const local = await setUpIdentity(at({ publicUrl: url }));
      expect(local.embedded?.issuer).toBe(`${url}/idp`);
    }
  });

  it('refuses an invalid users file with users_file_invalid naming the problem', async () => {
    const bad = join(lex.lexbridge.dataDir, 'bad-users.json');
    const at = { ...lex.lexbridge, config: { ...lex.lexbridge.config, LEXBRIDGE_USERS_FILE: bad } };
    await writeFile(bad, '{ not json');
    await expect(setUpIdentity(at)).rejects.toMatchObject({
      code: 'users_file_invalid',
      message: expect.stringContaining('not valid JSON'),
    });
    await writeFile(
      bad,
      JSON.stringify({ users: [{ username: 'x', name: 'X', email: 'x@example.com', roles: [] }] }),
    );
    await expect(setUpIdentity(at)).rejects.toMatchObject({
      code: 'users_file_invalid',
      message: expect.stringContaining('password or passwordHash'),
    });
  });
});
