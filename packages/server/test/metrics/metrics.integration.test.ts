import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createAndRun, createLocalConnector, createRoot, writeTree } from '../workflows/helpers.ts';

const token = 'metrics-token-0123456789abcdef';
let server: TestServer;
let root: string;

beforeAll(async () => {
  root = await createRoot();
  // One proxy hop is trusted, so X-Forwarded-For stands for a client elsewhere on the network.
  server = await startTestServer({
    env: { LEXBRIDGE_TRUST_PROXY: '1', LEXBRIDGE_LOCAL_FOLDER_ROOTS: root },
  });
});
afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

const config = () => server.lexbridge.config;

async function scrape(headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/metrics`, { headers });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
}

/** The value of one series, 0 when it is not there yet. */
function value(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('GET /metrics, who may read it', () => {
  it('by default answers loopback only, not a client behind the proxy', async () => {
    expect((await scrape()).status).toBe(200);
    const remote = await scrape({ 'x-forwarded-for': '203.0.113.5' });
    expect(remote.status).toBe(403);
    expect(remote.text).toContain('"forbidden"');
  });

  it('with LEXBRIDGE_METRICS_ALLOW answers those ranges only, loopback included', async () => {
    config().LEXBRIDGE_METRICS_ALLOW = ['10.0.0.0/8'];
    try {
      expect((await scrape({ 'x-forwarded-for': '10.1.2.3' })).status).toBe(200);
      expect((await scrape({ 'x-forwarded-for': '192.168.1.9' })).status).toBe(403);
      expect((await scrape()).status).toBe(403);
    } finally {
      config().LEXBRIDGE_METRICS_ALLOW = [];
    }
  });

  it('with LEXBRIDGE_METRICS_TOKEN wants the token, from any address', async () => {
    config().LEXBRIDGE_METRICS_TOKEN = token;
    try {
      expect((await scrape()).status).toBe(401);
      expect((await scrape({ authorization: `Bearer ${token}x` })).status).toBe(401);
      const remote = await scrape({ authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.5' });
      expect(remote.status).toBe(200);
      expect(remote.type).toMatch(/^text\/plain; version=0\.0\.4/);
    } finally {
      config().LEXBRIDGE_METRICS_TOKEN = undefined;
    }
  });
});

describe('GET /metrics, what it says', () => {
  it('counts requests by route pattern and status, never by URL', async () => {
    const series = 'lexbridge_http_request_duration_seconds_count{method="GET",route="/readyz",status="200"}';
    const before = value((await scrape()).text, series);
    await fetch(`${server.url}/readyz`);
    await fetch(`${server.url}/api/workflows/Client-Matter-Secret-Memo.docx`);
    const { text } = await scrape();
    expect(value(text, series)).toBe(before + 1);
    expect(text).toMatch(/route="\/api\/workflows\/:workflowId",status="401"/);
    expect(text).not.toContain('Secret-Memo');
  });

  it('counts a run started and finished, and what it copied per connector type', async () => {
    const owner = await signIn(server.lexbridge, { roles: ['User'] });
    const source = await createLocalConnector(server.lexbridge, root, 'src');
    const target = await createLocalConnector(server.lexbridge, root, 'dst');
    await writeTree(source.path, { 'Privileged Advice.txt': 'twelve bytes' });
    const finished = 'lexbridge_runs_finished_total{type="copy",status="succeeded"}';
    const bytes = 'lexbridge_bytes_copied_total{source_type="local-folder",target_type="local-folder"}';
    const before = (await scrape()).text;
    const { run } = await createAndRun(server.lexbridge, owner, {
      type: 'copy',
      source: { connectorId: source.id, id: '' },
      target: { connectorId: target.id, id: '' },
    });
    expect(run.status).toBe('succeeded');
    let after = (await scrape()).text;
    for (let i = 0; i < 20 && value(after, finished) === value(before, finished); i++) {
      await new Promise((r) => setTimeout(r, 50)); // the run's labels are read in the background
      after = (await scrape()).text;
    }
    expect(value(after, 'lexbridge_runs_started_total{type="copy"}')).toBe(
      value(before, 'lexbridge_runs_started_total{type="copy"}') + 1,
    );
    expect(value(after, finished)).toBe(value(before, finished) + 1);
    expect(value(after, bytes)).toBe(value(before, bytes) + 12);
    expect(after).not.toContain('Privileged');
    expect(after).not.toContain(owner.cookie.split('=')[1]);
  });

  it('reads queue depth, connections and live streams at scrape time, and process metrics', async () => {
    const { text } = await scrape();
    expect(text).toMatch(/lexbridge_queue_jobs\{queue="workflows\.run",state="ready"\} \d+/);
    expect(text).toMatch(/lexbridge_connections\{status="authorised"\} 0/);
    expect(text).toContain('lexbridge_run_stream_subscribers 0');
    expect(text).toContain('process_cpu_seconds_total');
    expect(text).not.toContain(server.lexbridge.config.LEXBRIDGE_ENCRYPTION_KEYS?.split(':')[1] ?? 'no key');
  });
});
