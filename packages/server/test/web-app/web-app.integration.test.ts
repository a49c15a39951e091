import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHttpApp } from '../../src/http/app.ts';
import { webApp } from '../../src/http/web-app.ts';
import { createTestLexbridge, type TestLexbridge } from '../support/lexbridge.ts';

describe('web app serving', () => {
  let lexbridge: TestLexbridge;
  let dist: string;
  const servers: FastifyInstance[] = [];

  async function start(distDir: string, publicUrl = 'http://localhost:8080'): Promise<string> {
    const app = await buildHttpApp(lexbridge, { plugins: [webApp({ distDir, publicUrl })] });
    await app.listen({ port: 0, host: '127.0.0.1' });
    servers.push(app);
    return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  }

  beforeAll(async () => {
    lexbridge = await createTestLexbridge();
    dist = await mkdtemp(join(tmpdir(), 'lexbridge-web-dist-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(
      join(dist, 'index.html'),
      '<!doctype html><title>Lexbridge test app</title><div id="root"></div>',
    );
    await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log("app")');
  });

  afterAll(async () => {
    for (const app of servers) await app.close();
    await lexbridge.dispose();
    await rm(dist, { recursive: true, force: true });
  });

  it('answers / and client routes with index.html under a strict script policy', async () => {
    const base = await start(dist);
    for (const path of ['/', '/connectors', '/connectors?authorised=abc', '/admin', '/publish']) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('Lexbridge test app');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('serves hashed assets for a year and answers missing files and API paths with JSON 404', async () => {
    const base = await start(dist);
    const asset = await fetch(`${base}/assets/index-abc123.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(await asset.text()).toBe('console.log("app")');

    for (const path of [
      '/assets/missing.js',
      '/favicon.ico',
      '/api/no-such-thing',
      '/assets/../index.html',
    ]) {
      const res = await fetch(`${base}${path}`);
      expect(res.status, path).toBe(404);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe('not_found');
    }
    const health = await fetch(`${base}/healthz`);
    expect(health.headers.get('content-type')).toMatch(/json/);
  });

  it('turns on HSTS behind an https public URL', async () => {
    const base = await start(dist, 'https://lexbridge.firm.example');
    const res = await fetch(`${base}/connectors`);
    expect(res.headers.get('strict-transport-security')).toContain('max-age=31536000');
    expect(res.headers.get('content-security-policy')).toContain('upgrade-insecure-requests');
  });

  it('tells the operator to run npm run build when there is no build', async () => {
    const base = await start(join(dist, 'not-there'));
    const res = await fetch(`${base}/connectors`);
    expect(res.status).toBe(503);
    const html = await res.text();
    expect(html).toContain('has not been built');
    expect(html).toContain('npm run build');
  });
});
