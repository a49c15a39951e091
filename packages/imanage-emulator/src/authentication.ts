/**
 * Resolves the caller of /api and the Work API from its access token (X-Auth-Token, or
 * Authorization: Bearer). Any failure is the same 401 a real server gives, with the message clients
 * match on to detect an expired token.
 */
import type { FastifyRequest } from 'fastify';
import type { EmulatorContext } from './context.ts';
import type { Application, EmulatorUser } from './model.ts';
import type { AccessToken } from './oauth/token-store.ts';
import { EmulatorError } from './store.ts';

export interface Caller {
  user: EmulatorUser;
  app: Application;
  token: AccessToken;
}

export const INVALID_TOKEN_MESSAGE = 'X-Auth-Token is invalid or missing';

export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers['x-auth-token'];
  if (typeof header === 'string' && header.length > 0) return header;
  const match = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}

export function authenticate(ctx: EmulatorContext, request: FastifyRequest): Caller {
  const presented = presentedToken(request);
  const unauthorized = new EmulatorError(401, 'Unauthorized', INVALID_TOKEN_MESSAGE);
  if (!presented) throw unauthorized;
  // Check the application before sliding the token: a disabled application's tokens stop working
  // without being extended, and work again (if still within their idle time) once it is re-enabled.
  const peek = ctx.tokens.accessTokens.get(presented);
  const app = peek && ctx.store.applications.get(peek.clientId);
  if (!peek || !app?.enabled) throw unauthorized;
  const token = ctx.tokens.useAccessToken(presented);
  const user = token && ctx.store.users.get(token.userId);
  if (!token || !user) throw unauthorized;
  return { user, app, token };
}
