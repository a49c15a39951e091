import { afterAll, beforeAll, expect, it } from 'vitest';
import { serve } from '../../src/server.ts';
import {
  createPostgresDatabase,
  createTestLexbridge,
  describeWithPostgres,
  type TestLexbridge,
  testEncryptionKeys,
} from '../support/lexbridge.ts';
import { followFlow, freePort, TestBrowser } from './support/browser.ts';
import { startTestIdp, type TestIdp } from './support/test-idp.ts';

/**
 * Two web processes (A and B, as behind a load balancer) on one PostgreSQL database: a sign-in begun
 * on A completes on B, a session made by one is valid on the other, and signing out on one ends it on
 * both.
 */
describeWithPostgres('sessions across several web processes on PostgreSQL', () => {
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let idp: TestIdp;
  const servers: { lexbridge: TestLexbridge; url: string; close(): Promise<void> }[] = [];

  beforeAll(async () => {
    database = await createPostgresDatabase();
    const port = await freePort();
    const publicUrl = `http://127.0.0.1:${port}`;
    idp = await startTestIdp({
      redirectUri: `${publicUrl}/signin-oidc`,
      postLogoutRedirectUri: `${publicUrl}/`,
      accounts: { pat: { email: 'pat@firm.test', name: 'Pat', roles: ['User'] } },
    });
    const env = {
      LEXBRIDGE_PUBLIC_URL: publicUrl,
      LEXBRIDGE_OIDC_ISSUER: idp.issuer,
      LEXBRIDGE_OIDC_CLIENT_ID: idp.clientId,
      LEXBRIDGE_OIDC_CLIENT_SECRET: idp.clientSecret,
      LEXBRIDGE_ENCRYPTION_KEYS: testEncryptionKeys(),
    };
    for (const p of [port, 0]) {
      const lexbridge = await createTestLexbridge({ databaseUrl: database.url, env });
      const server = await serve(lexbridge, { port: p, host: '127.0.0.1', workers: false });
      const bound = (server.app.server.address() as { port: number }).port;
      servers.push({
        lexbridge,
        url: `http://127.0.0.1:${bound}`,
        async close() {
          await server.close();
          await lexbridge.dispose();
        },
      });
    }
  });

  afterAll(async () => {
    for (const s of servers) await s.close();
    await idp?.close();
    await database?.drop();
  });

  it('completes on B a sign-in begun on A, and shares the session and its end', async () => {
    const [a, b] = servers as [(typeof servers)[0], (typeof servers)[0]];
    idp.nextAccount = 'pat';
    const browser = new TestBrowser();
    const flow = await followFlow(browser, `${a.url}/api/auth/login?returnTo=/workflows`, {
      stopAt: (u) => u.includes('/signin-oidc'),
    });
    const callback = await browser.request(`${b.url}/signin-oidc${new URL(flow.finalUrl).search}`);
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/workflows');

    const cookie = browser.cookieHeader(a.url);
    const onA = await fetch(`${a.url}/api/me`, { headers: { cookie } });
    const onB = await fetch(`${b.url}/api/me`, { headers: { cookie } });
    expect(onA.status).toBe(200);
    expect(onB.status).toBe(200);
    const me = (await onA.json()) as { user: { email: string; roles: string[] }; csrfToken: string };
    expect(me.user).toMatchObject({ email: 'pat@firm.test', roles: ['User'] });

    const out = await fetch(`${b.url}/api/auth/logout`, {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': me.csrfToken },
    });
    expect(out.status).toBe(200);
    expect((await fetch(`${a.url}/api/me`, { headers: { cookie } })).status).toBe(401);
  });
});
