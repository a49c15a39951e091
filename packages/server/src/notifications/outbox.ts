import { and, inArray, lt } from 'drizzle-orm';
import type { DbOrTx } from '../store/db.ts';
import { notifications } from '../store/schema.ts';

/** Notices by id, oldest first (the job data of a delivery names them). */
export async function loadNotices(db: DbOrTx, ids: readonly string[]) {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(notifications)
    .where(inArray(notifications.id, [...ids]))
    .orderBy(notifications.createdAt, notifications.id);
}

export type DeliveryState = 'pending' | 'queued' | 'sent' | 'skipped';

export async function setEmailState(db: DbOrTx, ids: readonly string[], state: DeliveryState) {
  if (ids.length > 0)
    await db
      .update(notifications)
      .set({ emailState: state })
      .where(inArray(notifications.id, [...ids]));
}

export async function setWebhookState(db: DbOrTx, ids: readonly string[], state: DeliveryState) {
  if (ids.length > 0)
    await db
      .update(notifications)
      .set({ webhookState: state })
      .where(inArray(notifications.id, [...ids]));
}

/** How long a delivered notice stays in the outbox (for "what was I told?"), in days. */
export const deliveredRetentionDays = 30;

const done: DeliveryState[] = ['sent', 'skipped'];

/**
 * Removes notices older than `days` whose email and webhook deliveries are both over (sent or
 * skipped); notices still pending or queued stay, however old. Returns how many were removed.
 */
export async function purgeDeliveredNotices(
  db: DbOrTx,
  now = new Date(),
  days = deliveredRetentionDays,
): Promise<number> {
  const cutoff = new Date(now.getTime() - days * 86_400_000);
  const removed = await db
    .delete(notifications)
    .where(
      and(
        lt(notifications.createdAt, cutoff),
        inArray(notifications.emailState, done),
        inArray(notifications.webhookState, done),
      ),
    )
    .returning({ id: notifications.id });
  return removed.length;
}
