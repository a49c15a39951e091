import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAppError } from '../../errors.ts';
import { withRetries } from '../../retry.ts';
import { ContentError } from '../content.ts';
import type { UserAccess } from '../plugin.ts';
import { ImanageContentStore } from './content-store.ts';
import { openWorkApiClient } from './work-api-client.ts';

/**
 * What the iManage store tells the engine about a refused call: a 403 is "access denied" (never
 * retried), another 4xx fails for good, 5xx and 429 are worth another attempt; and no upstream
 * status leaks into the error details an API caller sees.
 */
let http: Server;
let address: string;
let answer: { status: number; body: string; headers?: Record<string, string> } = { status: 200, body: '{}' };
const calls: string[] = [];

beforeAll(async () => {
  http = createServer((req, res) => {
    calls.push(`${req.method} ${req.url}`);
    res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
    res.end(answer.body);
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  address = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => http.close(resolve));
});

const access: UserAccess = {
  connectorId: 'c',
  userId: 'u',
  current: async () => ({
    accessToken: 'token',
    account: {
      id: 'jsmith',
      name: null,
      email: null,
      facts: [],
      details: { apiBaseUrl: `${address}/work/api/v2`, customerId: 1 },
    },
  }),
  renew: async () => {
    throw new Error('not renewed in this test');
  },
};

async function storeAnswering(
  status: number,
  options: { headers?: Record<string, string>; maxRetryAfterMs?: number; signal?: AbortSignal } = {},
) {
  answer = {
    status,
    body: JSON.stringify({ error: { code: 'Refused', message: `answered ${status}` } }),
    ...(options.headers ? { headers: options.headers } : {}),
  };
  calls.length = 0;
  const client = await openWorkApiClient(
    { serverAddress: address, dispatcher: new Agent() },
    access,
    { attempts: 3, baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: options.maxRetryAfterMs ?? 10 },
    options.signal,
  );
  return new ImanageContentStore(client);
}

async function failureOf(status: number): Promise<{ err: unknown; attempts: number }> {
  const store = await storeAnswering(status);
  const err = await store.getItem('ACTIVE!1.1').then(
    () => undefined,
    (e: unknown) => e,
  );
  return { err, attempts: calls.length };
}

describe('ImanageContentStore failures', () => {
  it('reports a 403 as content_access_denied, not retryable, without the upstream status in details', async () => {
    const { err } = await failureOf(403);
    expect(err).toBeInstanceOf(ContentError);
    expect(err).toMatchObject({ code: 'content_access_denied', retryable: false });
    const cause = (err as ContentError).cause;
    expect(isAppError(cause) && cause.details?.status).toBeFalsy();
  });

  it('fails a 400 for good', async () => {
    const { err } = await failureOf(400);
    expect(err).toMatchObject({ retryable: false });
  });

  it('marks a 503 retryable', async () => {
    const { err } = await failureOf(503);
    expect(err).toMatchObject({ code: 'content_unavailable', retryable: true });
  });
});

describe('the one retry policy', () => {
  it('does not stack: the engine does not retry what the client already retried', async () => {
    const store = await storeAnswering(503);
    const err = await withRetries(() => store.getItem('ACTIVE!1.1'), {
      policy: { attempts: 5, baseDelayMs: 1, maxDelayMs: 2 },
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'content_unavailable' });
    expect(calls.length).toBe(3);
  });

  it("stops waiting out a Retry-After as soon as the run's signal aborts", async () => {
    const cancel = new AbortController();
    const store = await storeAnswering(429, {
      headers: { 'retry-after': '30' },
      maxRetryAfterMs: 60_000,
      signal: cancel.signal,
    });
    const started = Date.now();
    setTimeout(() => cancel.abort(), 100);
    await expect(store.getItem('ACTIVE!1.1')).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(calls.length).toBe(1);
  });
});
