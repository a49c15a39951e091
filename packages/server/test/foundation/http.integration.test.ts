import { Ajv2020 } from 'ajv/dist/2020.js';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError, type ErrorCode, errorCodes } from '../../src/errors.ts';
import { jobDefinitions } from '../../src/jobs/index.ts';
import { type RunningServer, serve } from '../../src/server.ts';
import { createTestLexbridge, type TestLexbridge } from '../support/lexbridge.ts';
import { captureLog } from './capture.ts';

// One embedded database for the whole file; the last tests take it down on purpose.
let lexbridge: TestLexbridge;
let server: RunningServer;
let base: string;
const captured = captureLog('debug');

/** Routes that exist only in this test, to drive the error handling through real HTTP. */
async function testRoutes(app: FastifyInstance): Promise<void> {
  app.get('/test/errors/:code', async (request) => {
    throw new AppError((request.params as { code: ErrorCode }).code);
  });
  app.get('/test/crash', async () => {
    throw new Error('internal detail: connection string postgres://u:hunter2@db');
  });
  app.post(
    '/test/validated',
    { schema: { body: z.object({ name: z.string().min(1), size: z.number().int() }) } },
    async (request) => request.body,
  );
  app.get('/test/log', async (request) => {
    request.log.info(
      {
        connection: { accessToken: 'LEAK-access-token-1', refresh_token: 'LEAK-refresh-token-2' },
        connector: { config: { secretConfig: { clientSecret: 'LEAK-client-secret-3' } } },
        deep: { a: { b: { c: { password: 'LEAK-password-4' } } } },
        headers: {
          Authorization: 'Bearer LEAK-bearer-5',
          'X-Auth-Token': 'LEAK-x-auth-6',
          cookie: 'lexbridge_session=LEAK-cookie-7',
        },
      },
      'logging objects that hold secrets',
    );
    return { ok: true };
  });
}

async function get(
  path: string,
  init?: RequestInit,
): Promise<{ status: number; body: any; type: string | null }> {
  const res = await fetch(`${base}${path}`, init);
  return { status: res.status, body: await res.json(), type: res.headers.get('content-type') };
}

beforeAll(async () => {
  lexbridge = await createTestLexbridge({ log: captured.log });
  server = await serve(lexbridge, { port: 0, host: '127.0.0.1', workers: false, plugins: [testRoutes] });
  base = `http://127.0.0.1:${(server.app.server.address() as { port: number }).port}`;
});

afterAll(async () => {
  await server?.close();
  await lexbridge?.dispose();
});

describe('health', () => {
  it('GET /healthz answers JSON while the process is alive', async () => {
    const r = await get('/healthz');
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/json/);
    expect(r.body).toEqual({ status: 'ok', uptimeSeconds: expect.any(Number) });
  });

  it('GET /readyz reports the database and the queue ready', async () => {
    const r = await get('/readyz');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'ready', database: { ok: true }, queue: { ok: true } });
  });
});

describe('GET /api/openapi.json', () => {
  it('is an OpenAPI 3.1 document generated from the route schemas', async () => {
    const { status, body: doc } = await get('/api/openapi.json');
    expect(status).toBe(200);
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: expect.any(String), version: expect.any(String) });
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/healthz', '/readyz', '/api/admin/keys/rotate']),
    );
    // Hidden routes, and routes that plugins add outside http/routes, are not described.
    expect(doc.paths['/api/openapi.json']).toBeUndefined();
    expect(doc.paths['/test/crash']).toBeUndefined();
    expect(doc.paths['/test/errors/{code}']).toBeUndefined();
    // The readiness route's response schemas come from its zod schema.
    const ready = doc.paths['/readyz'].get;
    expect(ready.summary).toMatch(/Readiness/);
    const schema200 = ready.responses['200'].content['application/json'].schema;
    expect(schema200.required).toEqual(expect.arrayContaining(['status', 'database', 'queue']));
    expect(ready.responses['503']).toBeDefined();
    // Every operation is well formed and every schema in it compiles as JSON Schema 2020-12 (OpenAPI 3.1's dialect).
    const ajv = new Ajv2020({ strict: false, validateFormats: false, logger: false });
    let operations = 0;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Record<string, any>>)) {
      expect(path.startsWith('/')).toBe(true);
      for (const [method, op] of Object.entries(item)) {
        expect(['get', 'post', 'put', 'patch', 'delete']).toContain(method);
        expect(Object.keys(op.responses ?? {}).length).toBeGreaterThan(0);
        for (const response of Object.values(op.responses as Record<string, any>)) {
          const s = response.content?.['application/json']?.schema;
          if (s) expect(() => ajv.compile(s)).not.toThrow();
        }
        operations++;
      }
    }
    expect(operations).toBeGreaterThanOrEqual(3);
  });
});

describe('error responses', () => {
  it('answer every registered code with its status and {"error":{"code","message"}}', async () => {
    for (const [code, def] of Object.entries(errorCodes)) {
      const r = await get(`/test/errors/${code}`);
      expect({ code, status: r.status }).toEqual({ code, status: def.status });
      expect(r.body).toEqual({ error: { code, message: def.message } });
    }
  });

  it('answer an unknown API address with not_found', async () => {
    const r = await get('/api/no/such/place?x=1');
    expect(r.status).toBe(404);
    expect(r.body).toEqual({
      error: { code: 'not_found', message: expect.stringContaining('/api/no/such/place') },
    });
  });

  it('answer an invalid body with validation_failed naming the field', async () => {
    const r = await get('/test/validated', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x', size: 'big' }),
    });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
    expect(r.body.error.message).toContain('size');
  });

  it('answer malformed JSON and oversized bodies in the same shape', async () => {
    const bad = await get('/test/validated', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const big = await get('/test/validated', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(1_100_000), size: 1 }),
    });
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('payload_too_large');
  });

  it('answer an unexpected failure with internal_error and never its internals', async () => {
    const r = await get('/test/crash');
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ error: { code: 'internal_error', message: errorCodes.internal_error.message } });
    expect(JSON.stringify(r.body)).not.toContain('hunter2');
  });

  it('refuse the admin API without the local admin token', async () => {
    const r = await get('/api/admin/keys/rotate', {
      method: 'POST',
      headers: { 'x-lexbridge-admin-token': 'guess' },
    });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('admin_token_invalid');
  });
});

describe('logging', () => {
  it('writes JSON lines with tokens, secrets, cookies, Authorization and X-Auth-Token redacted', async () => {
    const secrets = {
      authorization: 'Bearer SECRET-authorization-header',
      'x-auth-token': 'SECRET-x-auth-token-header',
      cookie: 'lexbridge_session=SECRET-session-cookie; other=SECRET-other-cookie',
      'x-csrf-token': 'SECRET-csrf-header',
    };
    const r = await fetch(`${base}/test/log?code=SECRET-oauth-code&state=SECRET-oauth-state&page=2`, {
      headers: secrets,
    });
    expect(r.status).toBe(200);
    await fetch(`${base}/api/no/where?access_token=SECRET-query-token`, { headers: secrets });

    const text = captured.text();
    for (const leaked of ['SECRET-', 'LEAK-']) expect(text).not.toContain(leaked);
    const lines = captured.lines();
    expect(lines.every((l) => typeof l.level === 'number' && typeof l.time === 'number')).toBe(true);
    // The object logged by the handler is there, with its secret fields redacted in place.
    const logged = lines.find((l) => l.msg === 'logging objects that hold secrets') as any;
    expect(logged.connection).toEqual({ accessToken: '[Redacted]', refresh_token: '[Redacted]' });
    expect(logged.connector.config.secretConfig).toBe('[Redacted]');
    expect(logged.deep.a.b.c.password).toBe('[Redacted]');
    expect(logged.headers).toEqual({
      Authorization: '[Redacted]',
      'X-Auth-Token': '[Redacted]',
      cookie: '[Redacted]',
    });
    // One line per request, with credentials in the query string masked but the rest kept.
    const done = lines.filter((l) => l.msg === 'request completed') as any[];
    const logRequest = done.find((l) => l.req.url.startsWith('/test/log'));
    expect(logRequest.req.url).toBe('/test/log?code=[Redacted]&state=[Redacted]&page=2');
    expect(logRequest.res.statusCode).toBe(200);
    expect(done.find((l) => l.req.url.startsWith('/api/no/where')).req.url).toBe(
      '/api/no/where?access_token=[Redacted]',
    );
  });
});

describe('scheduled jobs', () => {
  it('serve registers the cron schedule of every job definition that has one', async () => {
    const schedules = await lexbridge.queue.boss.getSchedules();
    const expected = jobDefinitions().filter((d) => d.schedule);
    expect(expected.map((d) => d.name)).toContain('maintenance.purge-expired');
    for (const def of expected) {
      expect(
        schedules.find((s) => s.name === def.name),
        def.name,
      ).toMatchObject({ cron: def.schedule, timezone: 'UTC' });
    }
  });
});

describe('readiness when a dependency is down', () => {
  it('GET /readyz answers 503 JSON when the job queue has stopped', async () => {
    await lexbridge.queue.stop();
    const r = await get('/readyz');
    expect(r.status).toBe(503);
    expect(r.body).toEqual({
      status: 'not_ready',
      database: { ok: true },
      queue: { ok: false, error: expect.any(String) },
    });
  });

  it('GET /readyz answers 503 JSON when the database is down, while /healthz still answers', async () => {
    await lexbridge.store.pglite!.close();
    const r = await get('/readyz');
    expect(r.status).toBe(503);
    expect(r.body.status).toBe('not_ready');
    expect(r.body.database).toEqual({ ok: false, error: expect.any(String) });
    expect((await get('/healthz')).status).toBe(200);
  });
});
