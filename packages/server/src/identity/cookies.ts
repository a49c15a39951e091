import type { FastifyReply } from 'fastify';
import type { Config } from '../config/index.ts';
import { sessionCookieName } from './sessions.ts';
import { signInAttemptMinutes, signInCookieName } from './sign-in.ts';

/**
 * The cookies of sign-in: httpOnly, SameSite=Lax (sent on the provider's top-level redirect back to
 * /signin-oidc, not on cross-site POSTs), Secure when LEXBRIDGE_PUBLIC_URL is https.
 */
const base = (config: Config) => ({
  httpOnly: true,
  sameSite: 'lax' as const,
  secure: config.publicUrl.startsWith('https:'),
});

export function setSessionCookie(reply: FastifyReply, config: Config, token: string, expires: Date): void {
  reply.setCookie(sessionCookieName, token, { ...base(config), path: '/', expires });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(sessionCookieName, { ...base(config), path: '/' });
}

/** Holds the pending sign-in's state, only for the callback path, for as long as the attempt lives. */
export function setSignInCookie(reply: FastifyReply, config: Config, state: string): void {
  reply.setCookie(signInCookieName, state, {
    ...base(config),
    path: '/signin-oidc',
    maxAge: signInAttemptMinutes * 60,
  });
}

export function clearSignInCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(signInCookieName, { ...base(config), path: '/signin-oidc' });
}
