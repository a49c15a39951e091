import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';

// Sign-in and the calls that reach other servers on a person's behalf are rate limited; the answer is
// the usual error shape with rate_limited and a Retry-After header.
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

async function hit(times: number, request: () => Promise<Response>): Promise<Response[]> {
  const answers: Response[] = [];
  for (let i = 0; i < times; i++) answers.push(await request());
  return answers;
}

describe('rate limits', () => {
  it('limits starting a sign-in per address', async () => {
    const answers = await hit(31, () => fetch(`${server.url}/api/auth/login`, { redirect: 'manual' }));
    expect(answers.slice(0, 30).every((r) => r.status !== 429)).toBe(true);
    const last = answers[30]!;
    expect(last.status).toBe(429);
    expect(last.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(await last.json()).toMatchObject({ error: { code: 'rate_limited' } });
  });

  it('limits connection tests per person, not per address', async () => {
    const alice = await signIn(server.lexbridge, { roles: ['User'] });
    const bob = await signIn(server.lexbridge, { roles: ['User'] });
    const test = (who: typeof alice) => () =>
      fetch(`${server.url}/api/connectors/${randomUUID()}/test`, { method: 'POST', headers: who.headers });
    const answers = await hit(21, test(alice));
    expect(answers.slice(0, 20).map((r) => r.status)).toEqual(Array(20).fill(404));
    expect(answers[20]!.status).toBe(429);
    expect((await test(bob)()).status).toBe(404);
  });

  it("limits password tries on the embedded identity provider's sign-in form", async () => {
    const answers = await hit(11, () =>
      fetch(`${server.url}/idp/interaction/${randomUUID()}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'username=admin&password=wrong',
        redirect: 'manual',
      }),
    );
    expect(answers.slice(0, 10).every((r) => r.status !== 429)).toBe(true);
    expect(answers[10]!.status).toBe(429);
  });
});
