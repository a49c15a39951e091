import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/log.ts';
import { signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';

/** The attacks of the security review that concern every route, performed over HTTP. */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.close();
});

describe('forwarded addresses', () => {
  it('by default a client cannot choose its address: a new X-Forwarded-For per try does not escape the sign-in limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const res = await fetch(`${server.url}/api/auth/login`, {
        redirect: 'manual',
        headers: { 'x-forwarded-for': `203.0.113.${i}` },
      });
      statuses.push(res.status);
    }
    expect(statuses.at(-1)).toBe(429);
  });

  it('with LEXBRIDGE_TRUST_PROXY=1 the address the proxy forwards counts', async () => {
    const proxied = await startTestServer({ env: { LEXBRIDGE_TRUST_PROXY: '1' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 31; i++) {
        const res = await fetch(`${proxied.url}/api/auth/login`, {
          redirect: 'manual',
          headers: { 'x-forwarded-for': `203.0.113.${i}` },
        });
        statuses.push(res.status);
      }
      expect(statuses).not.toContain(429);
    } finally {
      await proxied.close();
    }
  });
});

describe('security headers', () => {
  it('API answers are not sniffed, framed or cached; /api/me (the CSRF token) is no-store', async () => {
    const user = await signIn(server.lexbridge, { roles: ['User'] });
    for (const path of ['/api/me', '/api/connectors', '/api/does-not-exist']) {
      const res = await fetch(`${server.url}${path}`, { headers: { cookie: user.cookie } });
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), path).toMatch(/^(DENY|SAMEORIGIN)$/);
      expect(res.headers.get('content-security-policy'), path).toMatch(/frame-ancestors '(none|self)'/);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
  });

  it('the sign-in error page carries the same headers', async () => {
    const res = await fetch(`${server.url}/signin-oidc?state=forged&code=x`, {
      headers: { accept: 'text/html' },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toMatch(/script-src|default-src 'none'/);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('slow clients', () => {
  it('cuts off a request body trickled a byte at a time once the request timeout passes', async () => {
    const app = await buildHttpApp(server.lexbridge, {
      limits: { requestTimeoutMs: 1_000, headersTimeoutMs: 1_000 },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = app.server.address() as { port: number };
      const socket = connect(port, '127.0.0.1');
      await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
      // Signed in, so the access check lets the request through to reading its body.
      const user = await signIn(server.lexbridge, { roles: ['User'] });
      socket.write(
        `POST /api/workflows HTTP/1.1\r\nHost: x\r\nCookie: ${user.cookie}\r\nX-CSRF-Token: ${user.csrfToken}\r\n` +
          'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{',
      );
      const started = Date.now();
      const trickle = setInterval(() => socket.write(' '), 200);
      let answer = '';
      socket.on('data', (chunk: Buffer) => {
        answer += chunk.toString();
      });
      const closed = await new Promise<boolean>((resolve) => {
        socket.once('close', () => resolve(true));
        setTimeout(() => resolve(false), 10_000);
      });
      clearInterval(trickle);
      socket.destroy();
      expect(closed).toBe(true);
      expect(Date.now() - started).toBeLessThan(8_000);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
    } finally {
      await app.close();
    }
  });
});

describe('outages and internals', () => {
  it('/readyz says the database does not answer, without its host, port or name; API routes answer 503', async () => {
    const broken = await startTestServer();
    try {
      const user = await signIn(broken.lexbridge, { roles: ['User'] });
      await broken.lexbridge.store.close(); // the database goes away under a running server
      const ready = await fetch(`${broken.url}/readyz`);
      expect(ready.status).toBe(503);
      const body = (await ready.json()) as { database: { ok: boolean; error?: string } };
      expect(body.database).toEqual({ ok: false, error: 'the database does not answer' });
      const api = await fetch(`${broken.url}/api/workflows`, { headers: { cookie: user.cookie } });
      expect(api.status).toBe(503);
      expect(await api.json()).toMatchObject({ error: { code: 'database_unavailable' } });
    } finally {
      await broken.close().catch(() => {});
    }
  });

  it('a failed query is logged with its statement, never its parameters', () => {
    let logged = '';
    const destination = new Writable({
      write(chunk, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const log = createLogger({ destination });
    const err = new DrizzleQueryError(
      'insert into users (email) values ($1)',
      ['alice@firm.example', 'lb1.sealed-token'],
      new Error('duplicate key value violates unique constraint'),
    );
    log.error({ err }, 'request failed');
    expect(logged).toContain('Failed query: insert into users (email) values ($1)');
    expect(logged).toContain('duplicate key value');
    expect(logged).not.toContain('alice@firm.example');
    expect(logged).not.toContain('lb1.sealed-token');
  });
});
