import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRoutes } from '../../src/http/app.ts';
import type { RouteDefinition } from '../../src/http/route.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createLocalConnector, createRoot } from '../workflows/helpers.ts';

/**
 * Malformed input on every route, from every kind of caller: bodies, headers, ids and query strings
 * chosen by a seeded generator (the same requests on every run), each of which must get an answer
 * below 500. A 5xx or a dropped connection fails the test with the request that caused it.
 */
const seed = 20261201;
const casesPerRoute = 12;

function prng(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nasty = [
  '',
  ' ',
  'a\u0000b',
  '\u0007\u001b[31m',
  'x'.repeat(5000),
  '../../etc/passwd',
  '%00',
  '%E0%A4%A',
  '9999999999999999999',
  '-1',
  '1e309',
  'NaN',
  'true',
  'null',
  '{}',
  '[]',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '\uD800',
  '🙂'.repeat(300),
  'ACTIVE!1.1',
  '2026-13-45T99:99:99Z',
];

let server: TestServer;
let root: string;
let callers: { name: string; who?: SignedIn }[];
let ids: string[];

beforeAll(async () => {
  root = await createRoot();
  server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root } });
  const connector = await createLocalConnector(server.lexbridge, root, 'fuzz');
  ids = [randomUUID(), connector.id, 'not-a-uuid'];
  callers = [
    { name: 'anonymous' },
    { name: 'user', who: await signIn(server.lexbridge, { roles: ['User'] }) },
    { name: 'admin', who: await signIn(server.lexbridge, { roles: ['ConnectorAdmin', 'Admin'] }) },
    { name: 'plugin user', who: await signIn(server.lexbridge, { roles: ['PluginUser'] }) },
  ];
});
afterAll(async () => {
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

function pick<T>(random: () => number, from: readonly T[]): T {
  return from[Math.floor(random() * from.length)] as T;
}

function fuzzValue(random: () => number, depth = 0): unknown {
  const kind = Math.floor(random() * (depth > 2 ? 5 : 8));
  switch (kind) {
    case 0:
      return pick(random, nasty);
    case 1:
      return Math.floor(random() * 2 ** 53) * (random() < 0.5 ? -1 : 1);
    case 2:
      return random() < 0.5;
    case 3:
      return null;
    case 4:
      return pick(random, ids);
    case 5:
      return Array.from({ length: Math.floor(random() * 4) }, () => fuzzValue(random, depth + 1));
    default: {
      const keys = [
        'name',
        'type',
        'id',
        'connectorId',
        'source',
        'target',
        'options',
        'config',
        'secrets',
        'items',
      ];
      return Object.fromEntries(
        Array.from({ length: 1 + Math.floor(random() * 4) }, () => [
          pick(random, keys),
          fuzzValue(random, depth + 1),
        ]),
      );
    }
  }
}

function fuzzBody(random: () => number): { body: string; type: string } {
  const choice = Math.floor(random() * 5);
  if (choice === 0) return { body: '{"name": "unterminated', type: 'application/json' };
  if (choice === 1) return { body: pick(random, nasty), type: 'text/plain' };
  if (choice === 2) return { body: '['.repeat(2000), type: 'application/json' };
  return { body: JSON.stringify(fuzzValue(random)), type: 'application/json' };
}

/** Percent-encodes a path segment; a lone surrogate (not encodable) goes as its raw UTF-8-like bytes. */
function segment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80';
  }
}

/** A value a client can send in a header: printable ASCII (fetch refuses anything else). */
function headerValue(value: string): string {
  return value.replace(/[^\x21-\x7e]/g, '').slice(0, 4000) || 'x';
}

function fuzzUrl(random: () => number, route: RouteDefinition): string {
  const path = route.url.replace(/:[A-Za-z]+/g, () =>
    segment(String(random() < 0.6 ? pick(random, ids) : pick(random, nasty))),
  );
  const keys = [
    'cursor',
    'limit',
    'before',
    'status',
    'connectorId',
    'id',
    'q',
    'returnTo',
    'flavour',
    'state',
    'code',
    'ids',
    'from',
  ];
  const query = new URLSearchParams();
  for (let i = Math.floor(random() * 4); i > 0; i--)
    query.append(pick(random, keys), String(pick(random, nasty)));
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

describe('malformed input on every route', () => {
  it('no request gets a 5xx or breaks the connection', async () => {
    const routes = await loadRoutes();
    expect(routes.length).toBeGreaterThan(40);
    const random = prng(seed);
    const failures: string[] = [];
    let sent = 0;
    for (const route of routes) {
      if (route.url.endsWith('/events')) continue; // a stream: answered once the run exists, checked elsewhere
      for (const caller of callers) {
        for (let i = 0; i < casesPerRoute; i++) {
          const url = fuzzUrl(random, route);
          const headers: Record<string, string> = {};
          if (caller.who) {
            headers.cookie =
              random() < 0.9 ? caller.who.cookie : `lexbridge_session=${headerValue(pick(random, nasty))}`;
            headers['x-csrf-token'] =
              random() < 0.8 ? caller.who.csrfToken : headerValue(pick(random, nasty));
          }
          let body: string | undefined;
          if (route.method !== 'GET' && route.method !== 'DELETE') {
            const fuzzed = fuzzBody(random);
            body = fuzzed.body;
            headers['content-type'] = fuzzed.type;
          }
          sent++;
          const label = `${caller.name}: ${route.method} ${url} ${body?.slice(0, 120) ?? ''}`;
          try {
            const res = await fetch(`${server.url}${url}`, {
              method: route.method,
              headers,
              body,
              redirect: 'manual',
            });
            await res.arrayBuffer();
            if (res.status >= 500) failures.push(`${res.status} ← ${label}`);
          } catch (err) {
            const cause = (err as { cause?: { code?: string; message?: string } }).cause;
            failures.push(`${(err as Error).message} (${cause?.code ?? cause?.message ?? ''}) ← ${label}`);
          }
        }
      }
    }
    expect(sent).toBeGreaterThan(1500);
    expect(failures).toEqual([]);
  });

  it.each([
    [
      'admin',
      'POST',
      '/api/connectors',
      { type: 'local-folder', name: 'Portal\u0000', config: { path: '/tmp' } },
      'name',
    ],
    [
      'admin',
      'POST',
      '/api/publish-destinations',
      { name: 'Client\u0000portal', connectorId: 'x', location: '' },
      'name',
    ],
    ['user', 'POST', '/api/workflows', { name: 'a\u0000b', type: 'copy', source: {}, target: {} }, 'name'],
    ['user', 'POST', '/api/workflows', { name: 'line\nbreak', type: 'copy', source: {}, target: {} }, 'name'],
    ['admin', 'GET', '/api/admin/audit?action=auth.%00', undefined, 'action'],
    ['admin', 'GET', '/api/admin/audit?before=9999999999999999999', undefined, 'before'],
    ['user', 'GET', '/api/workflow-runs?cursor=9999999999999999999', undefined, 'cursor'],
    ['user', 'GET', '/api/workflow-runs?before=9999999999999999999', undefined, 'before'],
  ] as const)(
    "the review's case: %s %s %s is a 400 that names the field",
    async (who, method, path, body, field) => {
      // A new session: the fuzzing above signs its callers out on the way (POST /api/auth/logout).
      const caller = await signIn(server.lexbridge, {
        roles: who === 'admin' ? ['ConnectorAdmin', 'Admin'] : ['User'],
      });
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { ...caller.headers, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      expect(res.status).toBe(400);
      const { error } = (await res.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('validation_failed');
      expect(error.message).toMatch(new RegExp(`^(body|querystring)\\.${field}: |the ${field}`, 'i'));
    },
  );
});
