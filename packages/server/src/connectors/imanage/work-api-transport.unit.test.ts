import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRetryPolicy, isRetryable } from '../../retry.ts';
import { dispatcherFor } from '../http.ts';
import type { UserAccess } from '../plugin.ts';
import { WorkApiTransport } from './work-api-transport.ts';

// A Server Address the operator does not allow is refused at once, as it is, not retried as an
// unreachable server: the refusal stays the same until the operator changes the setting.
const server = createServer((_req, res) => res.end('{}'));
let address: string;
let served = 0;
server.on('request', () => {
  served++;
});

beforeAll(async () => {
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  address = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));

const access = {
  connectorId: 'c',
  userId: 'u',
  current: async () => ({ accessToken: 'token' }),
  renew: async () => ({ accessToken: 'token' }),
} as unknown as UserAccess;

function transport(allowPrivateAddresses: boolean) {
  const config = { allowPrivateAddresses, LEXBRIDGE_ALLOWED_PRIVATE_HOSTS: [] as string[] };
  const policy = { ...defaultRetryPolicy, baseDelayMs: 1, maxDelayMs: 1 };
  return new WorkApiTransport(
    access,
    dispatcherFor(config, address),
    address,
    `${address}/api/v2`,
    1,
    policy,
  );
}

describe('WorkApiTransport and the address rule', () => {
  it('fails a refused address at once with connector_address_not_allowed', async () => {
    const failure = await transport(false)
      .send('GET', '/libraries', { idempotent: true })
      .catch((err: unknown) => err);
    expect(failure).toMatchObject({ code: 'connector_address_not_allowed' });
    expect(isRetryable(failure, { includeExhausted: true })).toBe(false);
    expect(served).toBe(0);
  });

  it('reaches an allowed address', async () => {
    const res = await transport(true).send('GET', '/libraries', { idempotent: true });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
    expect(served).toBe(1);
  });
});
