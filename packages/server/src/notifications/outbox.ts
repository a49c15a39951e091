import { inArray } from 'drizzle-orm';
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
