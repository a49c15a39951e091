import { and, eq, isNotNull, lt } from 'drizzle-orm';
import type { Lexbridge } from '../context.ts';
import { isAppError } from '../errors.ts';
import { defineJob } from '../jobs/queue.ts';
import { connections } from '../store/schema.ts';
import { refreshConnection } from './tokens.ts';

/**
 * Some systems expire access tokens after idle minutes, and an unused refresh token eventually expires
 * too. This job renews every authorised connection whose access token ends within the window, so
 * scheduled workflows find a live token and refresh tokens keep rolling. A refused renewal marks the
 * connection expired (and pauses the owner's workflows) through the same path as any other refresh.
 */
export const keepAliveJobName = 'connections.keep-alive';
/** Every 5 minutes (cron), renewing tokens that end within the next 10. */
export const keepAliveSchedule = '*/5 * * * *';
export const keepAliveWindowMs = 10 * 60_000;

export async function keepConnectionsAlive(
  lexbridge: Lexbridge,
  now = new Date(),
): Promise<{ renewed: number; expired: number; failed: number }> {
  const due = await lexbridge.store.db
    .select({ connectorId: connections.connectorId, userId: connections.userId })
    .from(connections)
    .where(
      and(
        eq(connections.status, 'authorised'),
        isNotNull(connections.refreshToken),
        lt(connections.accessTokenExpiresAt, new Date(now.getTime() + keepAliveWindowMs)),
      ),
    );
  const result = { renewed: 0, expired: 0, failed: 0 };
  for (const key of due) {
    try {
      await refreshConnection(lexbridge, key, { margin: keepAliveWindowMs });
      result.renewed++;
    } catch (err) {
      if (isAppError(err) && (err.code === 'connection_expired' || err.code === 'refresh_token_not_issued'))
        result.expired++;
      else {
        result.failed++;
        lexbridge.log.warn(
          { connectorId: key.connectorId, userId: key.userId, code: isAppError(err) ? err.code : undefined },
          'keep-alive could not renew a connection',
        );
      }
    }
  }
  return result;
}

export const keepAliveJob = defineJob({
  name: keepAliveJobName,
  schedule: keepAliveSchedule,
  retryLimit: 1,
  expireInSeconds: 600,
  async handler(_job, { lexbridge, log }) {
    const result = await keepConnectionsAlive(lexbridge);
    if (result.renewed + result.expired + result.failed > 0) log.info(result, 'connection keep-alive');
  },
});
