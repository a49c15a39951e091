import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/lexbridge.ts';

// PORT=0 without LEXBRIDGE_PUBLIC_URL: the server picks its port before it sets up sign-in, so the
// public URL (and every redirect built from it) names the port it really listens on, not port 0.
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

it('builds sign-in redirects on the port it listens on', async () => {
  const port = new URL(server.url).port;
  expect(server.lexbridge.config.publicUrl).toBe(`http://localhost:${port}`);
  const res = await fetch(`${server.url}/api/auth/login`, { redirect: 'manual' });
  expect(res.status).toBe(302);
  expect(res.headers.get('location')).toMatch(new RegExp(`^http://localhost:${port}/idp/`));
});
