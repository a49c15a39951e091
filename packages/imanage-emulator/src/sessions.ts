/**
 * Browser sessions of the emulator itself (the "already signed in to iManage" state). A user with a
 * session passes straight through /auth/oauth2/authorize, as with single sign-on, and the same
 * session opens Control Center and the Work web view.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from './clock.ts';

export const SESSION_COOKIE = 'imanage_emulator_session';
const SESSION_IDLE_MS = 8 * 60 * 60_000;

export interface Session {
  userId: string;
  expiresAt: number;
}

export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  start(reply: FastifyReply, userId: string): void {
    const id = randomBytes(24).toString('base64url');
    this.#sessions.set(id, { userId, expiresAt: this.#clock.now() + SESSION_IDLE_MS });
    reply.setCookie(SESSION_COOKIE, id, { path: '/', httpOnly: true, sameSite: 'lax' });
  }

  /** The signed-in user's id, or undefined. Each visit extends the session. */
  userId(request: FastifyRequest): string | undefined {
    const id = request.cookies[SESSION_COOKIE];
    const session = id ? this.#sessions.get(id) : undefined;
    if (!id || !session) return undefined;
    const now = this.#clock.now();
    if (now >= session.expiresAt) {
      this.#sessions.delete(id);
      return undefined;
    }
    session.expiresAt = now + SESSION_IDLE_MS;
    return session.userId;
  }

  /** Every live session by id, for saving to a state file. */
  entries(): [string, Session][] {
    return [...this.#sessions];
  }

  restore(entries: [string, Session][]): void {
    for (const [id, session] of entries) this.#sessions.set(id, session);
  }

  end(request: FastifyRequest, reply: FastifyReply): void {
    const id = request.cookies[SESSION_COOKIE];
    if (id) this.#sessions.delete(id);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
  }
}
