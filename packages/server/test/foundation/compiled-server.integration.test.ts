import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledServer, serverSourceHash } from '../../../../bin/compiled-server.js';
import { startTestServer, type TestServer } from '../support/lexbridge.ts';
import { killAll, spawnLexbridge } from './processes.ts';

// `lexbridge` runs the server compiled to JavaScript (bin/compiled-server.js), not its TypeScript
// through tsx: the build must hold every route and every module loaded later (the embedded identity
// provider on its first request), and find the files it reads beside the sources.
let dataDir: string;
let inProcess: TestServer;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lexbridge-compiled-'));
  inProcess = await startTestServer();
});

afterAll(async () => {
  await killAll();
  await inProcess?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the compiled server', () => {
  it('is built for the current sources and imports no TypeScript', async () => {
    const main = await compiledServer({ log: () => {} });
    expect(dirname(main).endsWith(serverSourceHash())).toBe(true);
    for (const file of await readdir(dirname(main))) {
      const text = await readFile(join(dirname(main), file), 'utf8');
      expect(text, file).not.toMatch(/(?:from |import\()\s*["'][^"']+\.ts["']/);
      expect(text, file).not.toMatch(/["']tsx(?:\/[^"']*)?["']/);
    }
  });

  it('serves every route, the web app and the embedded identity provider, in a small young generation', async () => {
    const server = spawnLexbridge(['serve'], { LEXBRIDGE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' });
    const { url } = (await server.waitForLog('Lexbridge is listening', 120_000)) as { url: string };
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    // On the embedded database the young generation keeps its initial size (bin/lexbridge.js):
    // V8's default lets it grow to 32 MB during the start.
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const newSpace = /^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)$/m.exec(metrics);
    expect(Number(newSpace?.[1])).toBeLessThanOrEqual(4 * 1024 * 1024);
    const paths = async (base: string) =>
      Object.keys(((await (await fetch(`${base}/api/openapi.json`)).json()) as { paths: object }).paths);
    const compiledPaths = await paths(url);
    const sourcePaths = await paths(inProcess.url);
    expect(compiledPaths.sort()).toEqual(sourcePaths.sort());
    const discovery = await fetch(`${url}/idp/.well-known/openid-configuration`);
    expect(discovery.status).toBe(200);
    expect(((await discovery.json()) as { issuer: string }).issuer).toBe(`${url}/idp`);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="root">');
    expect(await server.stop()).toBe(0);
    expect(server.stderr()).not.toContain('could not compile');
  });

  it('starts without loading what only later work needs', async () => {
    // Each of these costs start-up time and memory and is needed only by something that may never
    // happen in a run: talking to another server (undici), building an extension package (fflate),
    // the emulators' uploads (multipart), the embedded identity provider's first sign-in
    // (oidc-provider), an email (nodemailer), the OpenAPI document's first request (@fastify/swagger),
    // an extension package's manifest (yaml);
    // fastify's own validator compiler (ajv) is never used (zod's is).
    const loadedFile = join(dataDir, 'loaded-packages.json');
    const preload = fileURLToPath(new URL('./fixtures/loaded-packages.cjs', import.meta.url));
    const server = spawnLexbridge(['serve'], {
      LEXBRIDGE_DATA_DIR: join(dataDir, 'second'),
      PORT: '0',
      LOG_LEVEL: 'info',
      NODE_OPTIONS: `--require ${preload}`,
      LEXBRIDGE_TEST_LOADED_PACKAGES: loadedFile,
    });
    const { url } = (await server.waitForLog('Lexbridge is listening', 120_000)) as { url: string };
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    expect((await fetch(`${url}/`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
    const loaded = JSON.parse(await readFile(loadedFile, 'utf8')) as string[];
    expect(loaded).toContain('pg-boss'); // the preload sees what the server loads
    for (const name of [
      'undici',
      'fflate',
      '@fastify/multipart',
      'oidc-provider',
      'nodemailer',
      'ajv',
      '@fastify/swagger',
      'yaml',
    ])
      expect(loaded, name).not.toContain(name);
  });
});
