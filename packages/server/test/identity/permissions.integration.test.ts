import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRoutes } from '../../src/http/app.ts';
import type { RouteDefinition } from '../../src/http/route.ts';
import { type Role, roles } from '../../src/identity/person.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';

/**
 * Walks EVERY route in the route table (http/routes, found by loadRoutes, so routes added later are
 * walked too) with no session, with each role alone, and with a signed-in person who has no role:
 *  - no session: every non-public route answers 401;
 *  - a role the route does not list (or no role at all): 403;
 *  - a role it lists: neither 401 nor 403 (the handler's own answer — 404 for a random id is fine);
 *  - a state-changing request without X-CSRF-Token: 403 csrf_token_invalid.
 * Path parameters are filled with random UUIDs.
 */
let server: TestServer;
let routes: RouteDefinition[];
const sessions = new Map<Role | 'none', SignedIn>();

beforeAll(async () => {
  routes = await loadRoutes();
  server = await startTestServer();
  for (const role of roles) sessions.set(role, await signIn(server.lexbridge, { roles: [role] }));
  sessions.set('none', await signIn(server.lexbridge, { roles: [] }));
});

afterAll(async () => {
  await server?.close();
});

const unsafe = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function concretePath(url: string): string {
  return url.replace(/:[A-Za-z0-9_]+/g, () => randomUUID()).replace(/\*$/, 'x');
}

async function call(
  route: RouteDefinition,
  headers: Record<string, string>,
): Promise<{ status: number; code?: string }> {
  const withBody = route.method !== 'GET' && route.method !== 'DELETE';
  const res = await fetch(`${server.url}${concretePath(route.url)}`, {
    method: route.method,
    redirect: 'manual',
    headers: {
      accept: 'application/json',
      ...(withBody ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    body: withBody ? '{}' : undefined,
  });
  const text = await res.text();
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    code = undefined;
  }
  return { status: res.status, code };
}

const allowedRoles = (route: RouteDefinition): readonly Role[] | 'any' =>
  route.access === 'signed-in' ? 'any' : Array.isArray(route.access) ? (route.access as readonly Role[]) : [];

describe('permissions of every route', () => {
  it("finds the routes, including this area's", () => {
    const names = routes.map((r) => `${r.method} ${r.url}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'GET /api/me',
        'GET /api/auth/login',
        'POST /api/auth/logout',
        'GET /signin-oidc',
        'GET /api/admin/audit',
      ]),
    );
    expect(routes.every((r) => r.access !== undefined)).toBe(true);
  });

  it('answers 401 without a session on every non-public route', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r.access !== 'public')) {
      const { status, code } = await call(route, {});
      if (status !== 401) wrong.push(`${route.method} ${route.url} → ${status} ${code ?? ''}`);
    }
    expect(wrong).toEqual([]);
  });

  it('answers 403 to every role a route does not allow, and to a person with no role', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r.access === 'signed-in' || Array.isArray(r.access))) {
      const allowed = allowedRoles(route);
      for (const [who, session] of sessions) {
        const permitted = who !== 'none' && (allowed === 'any' || allowed.includes(who));
        if (permitted) continue;
        const { status, code } = await call(route, session.headers);
        if (status !== 403 || code !== 'forbidden')
          wrong.push(`${route.method} ${route.url} as ${who} → ${status} ${code ?? ''}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets every allowed role through (neither 401 nor 403)', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r.access === 'signed-in' || Array.isArray(r.access))) {
      const allowed = allowedRoles(route);
      for (const role of roles) {
        if (allowed !== 'any' && !allowed.includes(role)) continue;
        const { status, code } = await call(route, sessions.get(role)!.headers);
        if (status === 401 || status === 403)
          wrong.push(`${route.method} ${route.url} as ${role} → ${status} ${code ?? ''}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses state-changing requests without the CSRF token (403 csrf_token_invalid)', async () => {
    const wrong: string[] = [];
    const checked = routes.filter(
      (r) => unsafe.has(r.method) && !r.csrfExempt && (r.access === 'signed-in' || Array.isArray(r.access)),
    );
    for (const route of checked) {
      const allowed = allowedRoles(route);
      const role = allowed === 'any' ? 'User' : allowed[0]!;
      const { cookie, csrfToken } = sessions.get(role)!;
      const attempts: Record<string, string>[] = [{ cookie }, { cookie, 'x-csrf-token': `${csrfToken}x` }];
      for (const headers of attempts) {
        const { status, code } = await call(route, headers);
        if (status !== 403 || code !== 'csrf_token_invalid')
          wrong.push(`${route.method} ${route.url} → ${status} ${code ?? ''}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('refuses local-admin routes without the local admin token, even to an Admin', async () => {
    const wrong: string[] = [];
    for (const route of routes.filter((r) => r.access === 'local-admin')) {
      const { status, code } = await call(route, sessions.get('Admin')!.headers);
      if (status !== 401 || code !== 'admin_token_invalid')
        wrong.push(`${route.method} ${route.url} → ${status} ${code ?? ''}`);
    }
    expect(wrong).toEqual([]);
  });
});
