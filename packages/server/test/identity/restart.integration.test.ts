import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/log.ts';
import { openLexbridge } from '../../src/runtime.ts';
import { serve } from '../../src/server.ts';
import { killAll, runLexbridge } from '../foundation/processes.ts';
import { testEncryptionKeys } from '../support/lexbridge.ts';
import { fillLoginForm, followFlow, freePort, TestBrowser } from './support/browser.ts';

/**
 * Sessions live in the database: a person signed in before a restart is still signed in after it.
 * Driven on a real data directory, as `npm start` runs, with the embedded identity provider.
 */
let dataDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lexbridge-identity-restart-'));
  const port = await freePort();
  env = {
    LEXBRIDGE_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    LEXBRIDGE_PUBLIC_URL: `http://127.0.0.1:${port}`,
    LEXBRIDGE_ENCRYPTION_KEYS: testEncryptionKeys(),
    LOG_LEVEL: 'silent',
  };
});

afterAll(async () => {
  await killAll();
  await rm(dataDir, { recursive: true, force: true });
});

async function start() {
  const config = loadConfig(env);
  const lexbridge = await openLexbridge({ config, log: createLogger({ level: 'silent' }) });
  const server = await serve(lexbridge, { workers: false });
  return {
    url: config.publicUrl,
    async stop() {
      await server.close();
      await lexbridge.close();
    },
  };
}

describe('sessions across a restart', () => {
  it('keeps a signed-in person signed in after the server restarts on the same data directory', async () => {
    const browser = new TestBrowser();
    const first = await start();
    let csrfToken: string;
    try {
      await followFlow(browser, `${first.url}/api/auth/login`, {
        onPage: fillLoginForm('admin', 'lexbridge-admin'),
        stopAt: (u) => u === `${first.url}/`,
      });
      const res = await fetch(`${first.url}/api/me`, {
        headers: { cookie: browser.cookieHeader(first.url) },
      });
      expect(res.status).toBe(200);
      csrfToken = ((await res.json()) as { csrfToken: string }).csrfToken;
    } finally {
      await first.stop();
    }

    const second = await start();
    try {
      const res = await fetch(`${second.url}/api/me`, {
        headers: { cookie: browser.cookieHeader(second.url) },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { user: { email: string; roles: string[] }; csrfToken: string };
      expect(body.user).toMatchObject({ email: 'admin@example.com', roles: ['ConnectorAdmin', 'Admin'] });
      expect(body.csrfToken).toBe(csrfToken);
    } finally {
      await second.stop();
    }
  });

  it('refuses `lexbridge serve` with the embedded provider on a public address, naming the way out', async () => {
    const { code, stderr } = await runLexbridge(['serve'], {
      ...env,
      PORT: '0',
      LEXBRIDGE_PUBLIC_URL: 'https://lexbridge.firm.example',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('[embedded_idp_not_allowed]');
    expect(stderr).toContain('LEXBRIDGE_OIDC_ISSUER');
    expect(stderr).toContain('LEXBRIDGE_ALLOW_EMBEDDED_IDP=true');
  });

  it('refuses `lexbridge serve` with an issuer but no client id, before opening the data directory', async () => {
    const elsewhere = join(dataDir, 'never-created');
    const { code, stderr } = await runLexbridge(['serve'], {
      ...env,
      LEXBRIDGE_DATA_DIR: elsewhere,
      LEXBRIDGE_OIDC_ISSUER: 'https://login.example/tenant/v2.0',
    });
    expect(code).toBe(1);
    expect(stderr).toContain('[idp_misconfigured]');
    expect(stderr).toContain('LEXBRIDGE_OIDC_CLIENT_ID');
    await expect(stat(elsewhere)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
