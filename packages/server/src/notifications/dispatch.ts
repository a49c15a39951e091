import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Lexbridge } from '../context.ts';
import { notificationPreferences, notifications, users } from '../store/schema.ts';
import type { EmailDelivery } from './email.ts';
import { setEmailState, setWebhookState } from './outbox.ts';
import { type FirmSettingsRow, readFirmSettings, wantsEmail } from './settings.ts';
import type { WebhookDelivery } from './webhook.ts';

export const dispatchJobName = 'notifications.dispatch';
export const emailJobName = 'notifications.email';
export const webhookJobName = 'notifications.webhook';

/** Most notices one digest carries; the rest go in the next. */
const digestLimit = 50;

export interface DispatchResult {
  emails: number;
  webhooks: number;
  /** People with notices waiting because they were emailed less than the digest interval ago. */
  deferred: number;
}

/**
 * Turns waiting notices into deliveries (run every minute by the job queue, and safe to run anywhere
 * at any time): all of a person's notices become one email, at most one per person per digest interval
 * (the firm's `digestMinutes`), the rest waiting for the next; all notices for the firm's webhook become
 * one message. Notices are claimed (`pending` → `queued`) and their delivery job enqueued in one
 * transaction, so two dispatchers never send the same notice twice, and a delivery failure is the
 * delivery job's to retry.
 */
export async function dispatchNotifications(lexbridge: Lexbridge, now = new Date()): Promise<DispatchResult> {
  const firm = await readFirmSettings(lexbridge.store.db);
  const webhooks = await dispatchWebhook(lexbridge, firm);
  const result: DispatchResult = { emails: 0, webhooks, deferred: 0 };
  const people = await lexbridge.store.db
    .selectDistinct({ userId: notifications.userId })
    .from(notifications)
    .where(eq(notifications.emailState, 'pending'));
  for (const { userId } of people) {
    const outcome = await dispatchEmail(lexbridge, firm, userId, now);
    if (outcome === 'queued') result.emails += 1;
    if (outcome === 'deferred') result.deferred += 1;
  }
  return result;
}

async function dispatchWebhook(lexbridge: Lexbridge, firm: FirmSettingsRow): Promise<number> {
  return lexbridge.store.db.transaction(async (tx) => {
    const pending = await tx
      .select({ id: notifications.id, type: notifications.type })
      .from(notifications)
      .where(eq(notifications.webhookState, 'pending'))
      .orderBy(asc(notifications.createdAt))
      .limit(digestLimit * 4);
    const wanted = firm.webhook ? new Set(firm.webhookEvents) : new Set<string>();
    const send = pending.filter((n) => wanted.has(n.type)).map((n) => n.id);
    await setWebhookState(
      tx,
      pending.filter((n) => !wanted.has(n.type)).map((n) => n.id),
      'skipped',
    );
    if (send.length === 0) return 0;
    const claimed = await tx
      .update(notifications)
      .set({ webhookState: 'queued' })
      .where(and(inArray(notifications.id, send), eq(notifications.webhookState, 'pending')))
      .returning({ id: notifications.id });
    if (claimed.length === 0) return 0;
    await lexbridge.queue.send<WebhookDelivery>(webhookJobName, { ids: claimed.map((c) => c.id) }, { tx });
    return 1;
  });
}

async function dispatchEmail(
  lexbridge: Lexbridge,
  firm: FirmSettingsRow,
  userId: string,
  now: Date,
): Promise<'queued' | 'deferred' | 'none'> {
  return lexbridge.store.db.transaction(async (tx) => {
    const [person] = await tx
      .select({ email: users.email, prefs: notificationPreferences })
      .from(users)
      .leftJoin(notificationPreferences, eq(notificationPreferences.userId, users.id))
      .where(eq(users.id, userId));
    const pending = await tx
      .select({ id: notifications.id, type: notifications.type })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), eq(notifications.emailState, 'pending')))
      .orderBy(asc(notifications.createdAt));
    const mailable = !!lexbridge.config.LEXBRIDGE_SMTP_URL && !!person?.email;
    const wanted = pending.filter((n) => mailable && wantsEmail(n.type, firm, person?.prefs?.email));
    const wantedIds = new Set(wanted.map((n) => n.id));
    await setEmailState(
      tx,
      pending.filter((n) => !wantedIds.has(n.id)).map((n) => n.id),
      'skipped',
    );
    if (wanted.length === 0) return 'none';
    const last = person?.prefs?.lastEmailAt;
    if (last && now.getTime() - last.getTime() < firm.digestMinutes * 60_000) return 'deferred';
    const ids = wanted.slice(0, digestLimit).map((n) => n.id);
    const claimed = await tx
      .update(notifications)
      .set({ emailState: 'queued' })
      .where(and(inArray(notifications.id, ids), eq(notifications.emailState, 'pending')))
      .returning({ id: notifications.id });
    if (claimed.length === 0) return 'none';
    await tx
      .insert(notificationPreferences)
      .values({ userId, lastEmailAt: now })
      .onConflictDoUpdate({
        target: notificationPreferences.userId,
        set: { lastEmailAt: sql`excluded.last_email_at` },
      });
    await lexbridge.queue.send<EmailDelivery>(
      emailJobName,
      { userId, ids: claimed.map((c) => c.id) },
      { tx },
    );
    return 'queued';
  });
}
