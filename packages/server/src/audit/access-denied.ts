import type { FastifyRequest } from 'fastify';
import type { Lexbridge } from '../context.ts';
import type { AppError } from '../errors.ts';
import { recordAudit } from './record.ts';

/**
 * Records access.denied for a signed-in person refused by a route's access rule (role or CSRF token)
 * and returns the error to throw. A failure to write the event is logged, never turned into a 500.
 */
export async function auditAccessDenied(
  request: FastifyRequest,
  lexbridge: Lexbridge,
  error: AppError,
): Promise<AppError> {
  const user = request.user;
  await recordAudit(lexbridge.store.db, {
    action: 'access.denied',
    outcome: 'denied',
    actorUserId: user?.id ?? null,
    actorLabel: user?.email ?? null,
    targetType: 'route',
    targetId: `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`,
    ip: request.ip,
    details: { code: error.code, roles: user?.roles ?? [] },
  }).catch((err: unknown) => request.log.warn({ err }, 'could not record access.denied'));
  return error;
}
