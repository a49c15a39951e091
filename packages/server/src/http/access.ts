import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { auditAccessDenied } from '../audit/access-denied.ts';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import { authenticateRequest } from '../identity/authenticate.ts';
import type { RequestUser } from '../identity/person.ts';
import type { RouteDefinition } from './route.ts';

declare module 'fastify' {
  interface FastifyRequest {
    user: RequestUser | null;
  }
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Enforces a route's declared access before its handler runs: 401 without a session, 403 for a role
 * that may not, 403 csrf_token_invalid for a state-changing request without the session's CSRF token.
 */
export async function checkAccess(
  request: FastifyRequest,
  def: Pick<RouteDefinition, 'access' | 'csrfExempt'>,
  lexbridge: Lexbridge,
  localAdminToken: string | undefined,
): Promise<void> {
  request.user = await authenticateRequest(request, lexbridge);
  if (def.access === 'public') return;
  if (def.access === 'local-admin') {
    const given = request.headers['x-lexbridge-admin-token'];
    if (!localAdminToken || typeof given !== 'string' || !safeEqual(given, localAdminToken)) {
      throw new AppError('admin_token_invalid');
    }
    return;
  }
  const user = request.user;
  if (!user) throw new AppError('unauthenticated');
  if (def.access === 'signed-in') {
    if (user.roles.length === 0) {
      throw await auditAccessDenied(
        request,
        lexbridge,
        new AppError(
          'forbidden',
          'You are signed in but have no Lexbridge role. Ask your administrator for the User role.',
        ),
      );
    }
  } else if (!def.access.some((role) => user.roles.includes(role))) {
    throw await auditAccessDenied(
      request,
      lexbridge,
      new AppError(
        'forbidden',
        `This needs one of these roles: ${def.access.join(', ')}. Ask your administrator for it.`,
        {
          requiredRoles: def.access,
        },
      ),
    );
  }
  if (unsafeMethods.has(request.method) && !def.csrfExempt) {
    const token = request.headers['x-csrf-token'];
    if (typeof token !== 'string' || !safeEqual(token, user.csrfToken))
      throw await auditAccessDenied(request, lexbridge, new AppError('csrf_token_invalid'));
  }
}
