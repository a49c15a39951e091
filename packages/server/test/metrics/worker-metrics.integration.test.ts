import { afterAll, describe, expect, it } from 'vitest';
import { serveWorkerMetrics, type WorkerMetricsEndpoint } from '../../src/metrics/worker-endpoint.ts';
import { killAll, spawnLexbridge } from '../foundation/processes.ts';
import {
  createPostgresDatabase,
  createTestLexbridge,
  describeWithPostgres,
  type TestLexbridge,
  testEncryptionKeys,
} from '../support/lexbridge.ts';

// A `lexbridge worker` has no HTTP server of its own; with LEXBRIDGE_WORKER_METRICS_PORT it serves its
// own GET /metrics, protected like the server's (metrics/access.ts).
const token = 'worker-metrics-token-0123456789abcdef';
const opened: { lexbridge: TestLexbridge; endpoint: WorkerMetricsEndpoint }[] = [];

async function endpoint(env: Record<string, string>) {
  const lexbridge = await createTestLexbridge({ env });
  const served = await serveWorkerMetrics(lexbridge, 0);
  opened.push({ lexbridge, endpoint: served });
  return served.url;
}

afterAll(async () => {
  await killAll();
  for (const { lexbridge, endpoint: served } of opened) {
    await served.close();
    await lexbridge.dispose();
  }
});

describe('the worker metrics endpoint', () => {
  it('asks for the metrics token when one is set, and serves the metrics with it', async () => {
    const url = await endpoint({ LEXBRIDGE_METRICS_TOKEN: token });
    const refused = await fetch(`${url}/metrics`);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    const wrong = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const body = await res.text();
    expect(body).toContain('lexbridge_queue_jobs{queue="workflows.run",state="ready"}');
    expect(body).toContain('process_cpu_user_seconds_total');
    expect(body).not.toContain(token);
  });

  it('serves loopback only by default, not through a proxy, and only the allowed addresses when set', async () => {
    const local = await endpoint({});
    expect((await fetch(`${local}/metrics`)).status).toBe(200);
    const proxied = await fetch(`${local}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    expect(proxied.status).toBe(403);
    const elsewhere = await endpoint({ LEXBRIDGE_METRICS_ALLOW: '10.0.0.0/8' });
    const refused = await fetch(`${elsewhere}/metrics`);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect((await fetch(`${local}/`)).status).toBe(404);
  });
});

describeWithPostgres('lexbridge worker with LEXBRIDGE_WORKER_METRICS_PORT', () => {
  it('serves its own metrics while it processes jobs, and stops cleanly', async () => {
    const db = await createPostgresDatabase();
    try {
      const worker = spawnLexbridge(['worker'], {
        DATABASE_URL: db.url,
        LEXBRIDGE_ENCRYPTION_KEYS: testEncryptionKeys(),
        LEXBRIDGE_WORKER_METRICS_PORT: '0',
        LEXBRIDGE_METRICS_TOKEN: token,
        LOG_LEVEL: 'info',
      });
      const { url } = (await worker.waitForLog('worker metrics are served', 120_000)) as { url: string };
      await worker.waitForLog('Lexbridge worker is processing jobs');
      expect((await fetch(url)).status).toBe(401);
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('lexbridge_queue_jobs');
      expect(await worker.stop()).toBe(0);
      expect(worker.stdout()).not.toContain(token);
    } finally {
      await db.drop();
    }
  });
});
