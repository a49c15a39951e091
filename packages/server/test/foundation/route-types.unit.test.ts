import { describe, expect, it } from 'vitest';
import { defineRoute } from '../../src/http/route.ts';
import type { RequestUser } from '../../src/identity/person.ts';

/**
 * A route's declared access types its handler's `request.user` (checked by `tsc`, which covers the
 * tests): non-null where the access check guarantees a signed-in person, nullable on public and
 * local-admin routes. Before, every handler saw `RequestUser | null` and wrote `request.user!`.
 */
describe('route types', () => {
  it('gives role and signed-in routes a non-null user, and public routes a nullable one', () => {
    const byRole = defineRoute({
      method: 'GET',
      url: '/x',
      access: ['User', 'Admin'],
      summary: 'x',
      async handler(request) {
        const user: RequestUser = request.user;
        return user.id;
      },
    });
    const signedIn = defineRoute({
      method: 'GET',
      url: '/y',
      access: 'signed-in',
      summary: 'y',
      async handler(request) {
        return request.user.roles;
      },
    });
    const open = defineRoute({
      method: 'GET',
      url: '/z',
      access: 'public',
      summary: 'z',
      async handler(request) {
        // @ts-expect-error a public route may have nobody signed in
        const user: RequestUser = request.user;
        return user;
      },
    });
    expect([byRole.access, signedIn.access, open.access]).toEqual([['User', 'Admin'], 'signed-in', 'public']);
  });
});
