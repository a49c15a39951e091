import type { AddressInfo } from 'node:net';
import type { Config } from '../../../src/config/index.ts';
import { buildHttpApp } from '../../../src/http/app.ts';
import type { Lexbridge } from '../../../src/runtime.ts';
import { serve } from '../../../src/server.ts';
import { createTestLexbridge, type TestLexbridge } from '../../support/lexbridge.ts';
import { freePort } from './browser.ts';

export interface IdentityTestServer {
  lexbridge: TestLexbridge;
  /** LEXBRIDGE_PUBLIC_URL, e.g. http://127.0.0.1:41234 */
  url: string;
  close(): Promise<void>;
}

/**
 * A Lexbridge server whose public URL is known before it starts (identity providers need the redirect
 * URI up front), on a port that was free a moment ago.
 */
export async function startIdentityServer(
  env: Record<string, string> = {},
  port?: number,
): Promise<IdentityTestServer> {
  const p = port ?? (await freePort());
  const url = `http://127.0.0.1:${p}`;
  const lexbridge = await createTestLexbridge({ env: { LEXBRIDGE_PUBLIC_URL: url, ...env } });
  const server = await serve(lexbridge, { port: p, host: '127.0.0.1', workers: false });
  return {
    lexbridge,
    url,
    async close() {
      await server.close();
      await lexbridge.dispose();
    },
  };
}

/**
 * Another HTTP front end on the same database with some settings changed (a provider that is down,
 * a wrong issuer…), without the cost of a second database.
 */
export async function startVariant(
  lexbridge: Lexbridge,
  overrides: Partial<Config>,
): Promise<{ url: string; close(): Promise<void> }> {
  const app = await buildHttpApp({ ...lexbridge, config: { ...lexbridge.config, ...overrides } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
}
