import { isNotNull, lt, or } from 'drizzle-orm';
import type { Lexbridge } from '../context.ts';
import { oauthAttempts, sessions } from '../store/schema.ts';
import { defineJob } from './queue.ts';

/** Removes expired sessions and spent or expired authorisation attempts. Scheduled hourly. */
export async function purgeExpired(
  lexbridge: Pick<Lexbridge, 'store'>,
  now = new Date(),
): Promise<{ sessions: number; attempts: number }> {
  const { db } = lexbridge.store;
  const s = await db
    .delete(sessions)
    .where(or(lt(sessions.idleExpiresAt, now), lt(sessions.absoluteExpiresAt, now)))
    .returning({ id: sessions.idHash });
  const a = await db
    .delete(oauthAttempts)
    .where(or(lt(oauthAttempts.expiresAt, now), isNotNull(oauthAttempts.usedAt)))
    .returning({ id: oauthAttempts.id });
  return { sessions: s.length, attempts: a.length };
}

export const purgeExpiredJob = defineJob({
  name: 'maintenance.purge-expired',
  retryLimit: 2,
  schedule: '17 * * * *',
  async handler(_job, { lexbridge, log }) {
    const purged = await purgeExpired(lexbridge);
    log.info(purged, 'purged expired sessions and authorisation attempts');
  },
});
