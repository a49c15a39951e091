import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt } from 'drizzle-orm';
import type { SecretBox } from '../crypto/secret-box.ts';
import type { DbOrTx } from '../store/db.ts';
import { sessions, users } from '../store/schema.ts';
import type { Role } from './person.ts';

/**
 * Server-side sessions. The cookie holds a random token; the database holds only its sha256, the CSRF
 * token and the expiries. Sessions live in the database, so they survive restarts and work across
 * several web processes.
 */
export const sessionCookieName = 'lexbridge_session';

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Where a session's ID token is sealed: bound to its row, so it cannot be moved to another. */
const idTokenSlot = (idHash: string) => ({ table: 'sessions', rowId: idHash, column: 'id_token' });

export interface SessionLifetime {
  idleMinutes: number;
  absoluteHours: number;
}

export interface NewSession {
  /** The cookie value; never stored. */
  token: string;
  idHash: string;
  csrfToken: string;
  absoluteExpiresAt: Date;
}

export async function createSession(
  db: DbOrTx,
  userId: string,
  lifetime: SessionLifetime,
  meta: { ip?: string; userAgent?: string; idToken?: { value: string; secrets: SecretBox } | null } = {},
  now = new Date(),
): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url');
  const idHash = hashToken(token);
  const idToken = meta.idToken ? meta.idToken.secrets.seal(meta.idToken.value, idTokenSlot(idHash)) : null;
  const csrfToken = randomBytes(24).toString('base64url');
  const absoluteExpiresAt = new Date(now.getTime() + lifetime.absoluteHours * 3_600_000);
  await db.insert(sessions).values({
    idHash,
    userId,
    csrfToken,
    idToken,
    createdAt: now,
    lastSeenAt: now,
    idleExpiresAt: new Date(
      Math.min(now.getTime() + lifetime.idleMinutes * 60_000, absoluteExpiresAt.getTime()),
    ),
    absoluteExpiresAt,
    ip: meta.ip ?? null,
    userAgent: meta.userAgent?.slice(0, 400) ?? null,
  });
  return { token, idHash, csrfToken, absoluteExpiresAt };
}

export interface ActiveSession {
  idHash: string;
  csrfToken: string;
  user: { id: string; name: string | null; email: string | null; roles: Role[] };
}

/**
 * Looks up a live session by its cookie value and slides its idle expiry (at most once a minute, so
 * busy pages do not write on every request). Returns null for unknown or expired sessions.
 */
export async function findActiveSession(
  db: DbOrTx,
  token: string,
  lifetime: SessionLifetime,
  now = new Date(),
): Promise<ActiveSession | null> {
  const idHash = hashToken(token);
  const rows = await db
    .select({
      idHash: sessions.idHash,
      csrfToken: sessions.csrfToken,
      lastSeenAt: sessions.lastSeenAt,
      absoluteExpiresAt: sessions.absoluteExpiresAt,
      userId: users.id,
      name: users.name,
      email: users.email,
      roles: users.roles,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(eq(sessions.idHash, idHash), gt(sessions.idleExpiresAt, now), gt(sessions.absoluteExpiresAt, now)),
    )
    .limit(1);
  const row = rows[0];
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > 60_000) {
    const idle = Math.min(now.getTime() + lifetime.idleMinutes * 60_000, row.absoluteExpiresAt.getTime());
    await db
      .update(sessions)
      .set({ lastSeenAt: now, idleExpiresAt: new Date(idle) })
      .where(eq(sessions.idHash, idHash));
  }
  return {
    idHash: row.idHash,
    csrfToken: row.csrfToken,
    user: { id: row.userId, name: row.name, email: row.email, roles: row.roles as Role[] },
  };
}

export async function deleteSession(db: DbOrTx, idHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}

/**
 * Deletes a session and returns the ID token it was created with (kept encrypted for RP-initiated
 * logout's id_token_hint), or null when there was none or the session is already gone.
 */
export async function endSession(
  db: DbOrTx,
  secrets: SecretBox,
  idHash: string,
): Promise<{ idToken: string | null } | null> {
  const rows = await db
    .delete(sessions)
    .where(eq(sessions.idHash, idHash))
    .returning({ idToken: sessions.idToken });
  const row = rows[0];
  if (!row) return null;
  if (!row.idToken) return { idToken: null };
  try {
    return { idToken: secrets.open(row.idToken, idTokenSlot(idHash)) };
  } catch {
    return { idToken: null };
  }
}
