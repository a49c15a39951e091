import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FailedPasswords } from '../../src/identity/embedded-idp/failed-passwords.ts';
import { fillLoginForm, followFlow, TestBrowser } from './support/browser.ts';
import { type IdentityTestServer, startIdentityServer } from './support/servers.ts';

/** Password guessing on the embedded provider's form: per username, whatever address it comes from. */
let lex: IdentityTestServer;
beforeAll(async () => {
  lex = await startIdentityServer();
});
afterAll(async () => {
  await lex?.close();
});

async function openLoginForm(browser: TestBrowser): Promise<{ url: string; html: string }> {
  let html = '';
  const flow = await followFlow(browser, `${lex.url}/api/auth/login`, {
    onPage: (_url, page) => {
      html = page;
      return undefined;
    },
  });
  return { url: flow.finalUrl, html };
}

describe('embedded identity provider: failed passwords', () => {
  it('locks a username after 5 wrong passwords sent from ever-new forwarded addresses, even for the right one', async () => {
    const browser = new TestBrowser();
    const form = await openLoginForm(browser);
    for (let i = 1; i <= 5; i++) {
      const wrong = fillLoginForm('user', `guess-${i}`)(form.url, form.html)!;
      const res = await browser.request(wrong.url, {
        method: 'POST',
        body: wrong.body,
        headers: { 'x-forwarded-for': `203.0.113.${i}` },
      });
      expect(res.status).toBe(401);
    }
    const right = fillLoginForm('user', 'lexbridge-user')(form.url, form.html)!;
    const locked = await browser.request(right.url, {
      method: 'POST',
      body: right.body,
      headers: { 'x-forwarded-for': '198.51.100.7' },
    });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await locked.text()).toContain('Too many wrong passwords for this user. Try again in 15 minutes.');

    // Another username is not affected.
    const other = fillLoginForm('plugin', 'lexbridge-plugin')(form.url, form.html)!;
    expect((await browser.request(other.url, { method: 'POST', body: other.body })).status).toBe(303);
  });

  it('answers a sign-in form over 16 KB with 400 and the form again, not a server error', async () => {
    const browser = new TestBrowser();
    const form = await openLoginForm(browser);
    const big = fillLoginForm('admin', 'x'.repeat(20_000))(form.url, form.html)!;
    const res = await browser.request(big.url, { method: 'POST', body: big.body });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('The sign-in form was too large');
  });
});

describe('FailedPasswords', () => {
  it('unlocks a username once its oldest recent failure leaves the window, and forgets failures on success', () => {
    let now = 1_000_000;
    const failures = new FailedPasswords({ maxFailures: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(failures.lockedFor('Alice')).toBe(0);
      failures.recordFailure('alice');
      now += 1_000;
    }
    expect(failures.lockedFor('ALICE')).toBe(57_000);
    now += 57_000;
    expect(failures.lockedFor('alice')).toBe(0);
    failures.recordFailure('alice');
    failures.recordSuccess('alice');
    failures.recordFailure('alice');
    expect(failures.lockedFor('alice')).toBe(0);
  });
});
