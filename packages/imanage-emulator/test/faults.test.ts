import { request as httpRequest } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/index.ts';
import {
  apiBase,
  getJson,
  passwordToken,
  sendJson,
  startTestEmulator,
  TEST_APP,
  tokenRequest,
} from './helpers.ts';

let emulator: RunningEmulator;
let token: string;

beforeAll(async () => {
  emulator = await startTestEmulator({
    content: { workspaces: 1, folderDepth: 1, documentsPerFolder: 1, minSize: 4_000_000, maxSize: 4_000_000 },
  });
  token = await passwordToken(emulator);
});
afterEach(() => {
  emulator.faults = {};
});
afterAll(() => emulator.close());

const libraries = () =>
  getJson(`${emulator.url}/work/api/v2/customers/${emulator.customerId}/libraries`, token);

/** Downloads with node:http and reports how many bytes arrived before the connection ended. */
function download(id: string): Promise<{ received: number; expected: number; error?: string }> {
  return new Promise((resolve) => {
    const req = httpRequest(
      `${apiBase(emulator)}/documents/${id}/download`,
      { headers: { 'x-auth-token': token } },
      (res) => {
        let received = 0;
        const expected = Number(res.headers['content-length']);
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
        });
        res.on('end', () => resolve({ received, expected }));
        res.on('error', (error) => resolve({ received, expected, error: error.message }));
        res.on('aborted', () => resolve({ received, expected, error: 'aborted' }));
      },
    );
    req.on('error', (error) => resolve({ received: 0, expected: -1, error: error.message }));
    req.end();
  });
}

describe('fault injection', () => {
  it('rate-limits after N requests with Retry-After and x-ratelimit-* headers, until the window ends', async () => {
    const admin = await sendJson('POST', `${emulator.url}/__emulator/faults`, token, {
      rateLimitAfter: 2,
      rateLimitWindowSeconds: 5,
    });
    expect(admin.body).toMatchObject({ rateLimitAfter: 2, rateLimitWindowSeconds: 5 });
    const first = await libraries();
    expect(first.status).toBe(200);
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect((await libraries()).status).toBe(200);
    const limited = await libraries();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('5');
    expect(limited.headers.get('x-ratelimit-retryafter')).toBe('5');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(limited.headers.get('x-ratelimit-reset')).toBe('5');
    expect(limited.body.error.code).toBe('TooManyRequests');
    emulator.clock.advance(5000);
    expect((await libraries()).status).toBe(200);
  });

  it('answers 5xx at the configured rate, reproducibly for a seed', async () => {
    emulator.faults = { errorRate: 1 };
    const failed = await libraries();
    expect(failed.status).toBe(503);
    expect(failed.body.error.code).toBe('ServiceUnavailable');
    const run = async () => {
      emulator.faults = { errorRate: 0.5, seed: 9 };
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) statuses.push((await libraries()).status);
      return statuses;
    };
    const once = await run();
    expect(once).toContain(503);
    expect(once).toContain(200);
    expect(await run()).toEqual(once);
  });

  it('answers 429 at a rate', async () => {
    emulator.faults = { rateLimitRate: 1 };
    const limited = await getJson(`${emulator.url}/api`, token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
  });

  it('resets the connection in the middle of a download', async () => {
    const document = [...emulator.store.documents.values()][0];
    const id = `${document?.library}!${document?.number}`;
    const whole = await download(id);
    expect(whole).toEqual({ received: 4_000_000, expected: 4_000_000 });
    emulator.faults = { resetDownloadRate: 1 };
    const cut = await download(id);
    expect(cut.error).toBeDefined();
    expect(cut.received).toBeGreaterThan(0);
    // Half the body is sent before the connection is closed.
    expect(cut.received).toBeLessThanOrEqual(2_000_000);
  });

  it('adds latency', async () => {
    emulator.faults = { latencyMs: 120 };
    const started = performance.now();
    await libraries();
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
  });

  it("revokes one user's tokens and nobody else's", async () => {
    const mine = await passwordToken(emulator, 'ajones');
    const theirs = await passwordToken(emulator, 'jsmith');
    const response = await fetch(`${emulator.url}/__emulator/users/ajones/revoke-tokens`, { method: 'POST' });
    expect(await response.json()).toEqual({ revoked: 2 });
    expect((await getJson(`${emulator.url}/api`, mine)).status).toBe(401);
    expect((await getJson(`${emulator.url}/api`, theirs)).status).toBe(200);
    expect(emulator.revokeUserTokens('jsmith')).toBeGreaterThan(0);
    expect((await getJson(`${emulator.url}/api`, theirs)).status).toBe(401);
    token = await passwordToken(emulator);
  });

  it('makes the token endpoint unreachable (connection reset, or 503)', async () => {
    emulator.faults = { tokenEndpointDown: true };
    await expect(
      tokenRequest(emulator, {
        grant_type: 'password',
        username: 'jsmith',
        password: 'password',
        client_id: TEST_APP.client_id,
      }),
    ).rejects.toThrow();
    // The rest of the server still answers.
    expect((await libraries()).status).toBe(200);
    emulator.faults = { tokenEndpointDown: true, tokenEndpointDownMode: '503' };
    const unavailable = await tokenRequest(emulator, { grant_type: 'password' });
    expect(unavailable.status).toBe(503);
    expect(unavailable.body.error).toBe('temporarily_unavailable');
  });

  it('exposes faults, the clock and token expiry on the admin endpoint and validates input', async () => {
    const invalid = await sendJson('POST', `${emulator.url}/__emulator/faults`, token, { errorRate: 2 });
    expect(invalid.status).toBe(400);
    const current = await getJson(`${emulator.url}/__emulator/faults`, token);
    expect(current.body.errorRate).toBe(0);
    const fresh = await passwordToken(emulator);
    const expire = await sendJson('POST', `${emulator.url}/__emulator/tokens/expire`, token, {
      access_token: fresh,
    });
    expect(expire.body).toEqual({ expired: 1 });
    expect((await getJson(`${emulator.url}/api`, fresh)).status).toBe(401);
    const before = Date.parse((await getJson(`${emulator.url}/__emulator/clock`, token)).body.now);
    const after = await sendJson('POST', `${emulator.url}/__emulator/clock`, token, {
      advance_seconds: 3600,
    });
    expect(Date.parse(after.body.now) - before).toBeGreaterThanOrEqual(3_600_000);
  });
});
