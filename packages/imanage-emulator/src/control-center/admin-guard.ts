/**
 * Control Center is for administrators only. A browser proves it with an emulator session (signed in
 * through the same sign-in page); API clients may instead send an administrator's access token.
 */
import type { FastifyRequest } from 'fastify';
import { authenticate, presentedToken } from '../authentication.ts';
import type { EmulatorContext } from '../context.ts';
import type { EmulatorUser } from '../model.ts';

export type AdminCheck =
  | { ok: true; user: EmulatorUser }
  | { ok: false; reason: 'signed_out' | 'not_admin'; user?: EmulatorUser };

export function checkAdmin(ctx: EmulatorContext, request: FastifyRequest): AdminCheck {
  let user: EmulatorUser | undefined;
  if (presentedToken(request)) user = authenticate(ctx, request).user;
  else {
    const userId = ctx.sessions.userId(request);
    user = userId ? ctx.store.users.get(userId) : undefined;
  }
  if (!user) return { ok: false, reason: 'signed_out' };
  return user.admin ? { ok: true, user } : { ok: false, reason: 'not_admin', user };
}
