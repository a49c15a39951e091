import type { FastifyRequest } from 'fastify';
import type { Lexbridge } from '../context.ts';
import type { RequestUser } from './person.ts';
import { findActiveSession, sessionCookieName } from './sessions.ts';

/** Finds the signed-in person behind a request from the session cookie, or null. */
export async function authenticateRequest(
  request: FastifyRequest,
  lexbridge: Lexbridge,
): Promise<RequestUser | null> {
  const token = request.cookies?.[sessionCookieName];
  if (!token) return null;
  const session = await findActiveSession(lexbridge.store.db, token, {
    idleMinutes: lexbridge.config.LEXBRIDGE_SESSION_IDLE_MINUTES,
    absoluteHours: lexbridge.config.LEXBRIDGE_SESSION_ABSOLUTE_HOURS,
  });
  if (!session) return null;
  return { ...session.user, sessionIdHash: session.idHash, csrfToken: session.csrfToken };
}
