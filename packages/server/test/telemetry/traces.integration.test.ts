import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runInSpan, startSpan } from '../../src/telemetry/tracing.ts';
import { waitFor } from '../foundation/capture.ts';
import { startTestServer, type TestServer } from '../support/lexbridge.ts';

// Traces over OTLP/HTTP JSON to a real receiver on loopback: a server span per HTTP request, a trace
// per job, and a client span for an outgoing undici call inside a trace — with no URL path, query or
// document name in any attribute unless LEXBRIDGE_TRACE_DETAILS is set.
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: { key: string; value: Record<string, unknown> }[];
}

let receiver: Server;
let receiverUrl: string;
const bodies: string[] = [];
let server: TestServer;

const spans = (): OtlpSpan[] =>
  bodies.flatMap((b) =>
    (JSON.parse(b) as { resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[] }).resourceSpans.flatMap(
      (r) => r.scopeSpans.flatMap((s) => s.spans),
    ),
  );
const attribute = (span: OtlpSpan, key: string) => {
  const value = span.attributes.find((a) => a.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
};
const spanNamed = (name: string) => () => Promise.resolve(spans().find((s) => s.name === name));

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      if (req.url === '/v1/traces' && req.headers['content-type'] === 'application/json') bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  server = await startTestServer({
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiverUrl, OTEL_SERVICE_NAME: 'lexbridge-test' },
  });
});

afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => receiver?.close(resolve));
});

it('exports a server span per HTTP request, named by route pattern, without the URL', async () => {
  await fetch(`${server.url}/healthz?token=do-not-export`);
  const span = await waitFor('the request span', spanNamed('GET /healthz'));
  expect(span.kind).toBe(2);
  expect(span.parentSpanId).toBeUndefined();
  expect(attribute(span, 'http.response.status_code')).toBe('200');
  expect(bodies.join('')).toContain('"lexbridge-test"');
  expect(bodies.join('')).not.toContain('do-not-export');
});

it('a job is a trace of its own, with its queue and attempt', async () => {
  await server.lexbridge.queue.startWorkers(server.lexbridge);
  await server.lexbridge.queue.send('diagnostics.echo', { marker: `trace-${randomUUID()}` });
  const span = await waitFor('the job span', spanNamed('job diagnostics.echo'), 30_000);
  expect(span.parentSpanId).toBeUndefined();
  expect(attribute(span, 'lexbridge.queue')).toBe('diagnostics.echo');
  expect(attribute(span, 'lexbridge.attempt')).toBe('1');
});

it('an outgoing call inside a trace is its client span, with host and status but no path', async () => {
  const parent = startSpan('outer', 1, {}, { root: true });
  await runInSpan(parent, async () => {
    const res = await request(`${receiverUrl}/documents/Privileged%20Advice.docx?access_token=secret-token`);
    await res.body.text();
  });
  parent?.end(1);
  const call = await waitFor('the client span', spanNamed('GET 127.0.0.1'));
  expect(call.kind).toBe(3);
  expect(call.traceId).toBe(parent?.context.traceId);
  expect(call.parentSpanId).toBe(parent?.context.spanId);
  expect(attribute(call, 'http.response.status_code')).toBe('200');
  expect(attribute(call, 'url.path')).toBeUndefined();
  const everything = bodies.join('');
  expect(everything).not.toContain('Privileged');
  expect(everything).not.toContain('secret-token');
});

it('with LEXBRIDGE_TRACE_DETAILS the path (never the query) is recorded', async () => {
  // The option is read when tracing starts; restart this server's tracing with it.
  const { startTracing } = await import('../../src/telemetry/tracing.ts');
  const tracing = startTracing({
    endpoint: receiverUrl,
    serviceName: 'details',
    details: true,
    onError: () => {},
  });
  try {
    const parent = startSpan('with details', 1, {}, { root: true });
    await runInSpan(parent, async () => (await request(`${receiverUrl}/items/42?secret=1`)).body.text());
    parent?.end(1);
  } finally {
    await tracing.stop();
  }
  const call = spans().find((s) => attribute(s, 'url.path') === '/items/42');
  expect(call).toBeDefined();
  expect(bodies.join('')).not.toContain('secret=1');
});
