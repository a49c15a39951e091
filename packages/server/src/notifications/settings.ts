import {
  type FirmNotifications,
  type FirmNotificationsUpdate,
  type MyNotifications,
  type MyNotificationsUpdate,
  type NotificationEventType,
  notificationEventLabels,
  notificationEventTypes,
} from '@lexbridge/contracts';
import { eq } from 'drizzle-orm';
import { recordAudit } from '../audit/record.ts';
import { assertAddressAllowed } from '../connectors/http.ts';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import type { DbOrTx } from '../store/db.ts';
import { notificationPreferences, notificationSettings, users } from '../store/schema.ts';

/**
 * The firm's notification settings (Admins: email defaults, digest interval, the incoming webhook and
 * which events go to it) and each person's own email choices, which override the firm's defaults.
 * The webhook's address and signing secret are sealed together (crypto/secret-box.ts): both are
 * write-only, and only the address's scheme and host are ever shown.
 */
const firmId = 'firm';
const webhookSlot = { table: 'notification_settings', rowId: firmId, column: 'webhook' };

/** Until an Admin says otherwise everyone is emailed about everything that concerns them. */
const builtInDefaults = Object.fromEntries(notificationEventTypes.map((t) => [t, true])) as Record<
  NotificationEventType,
  boolean
>;

export type FirmSettingsRow = typeof notificationSettings.$inferSelect;

export async function readFirmSettings(db: DbOrTx): Promise<FirmSettingsRow> {
  const [row] = await db.select().from(notificationSettings).where(eq(notificationSettings.id, firmId));
  return (
    row ?? {
      id: firmId,
      emailDefaults: {},
      digestMinutes: 15,
      webhookEvents: [],
      webhook: null,
      webhookOrigin: null,
      updatedBy: null,
      updatedAt: new Date(0),
    }
  );
}

export function emailDefaults(firm: FirmSettingsRow): Record<NotificationEventType, boolean> {
  return { ...builtInDefaults, ...pick(firm.emailDefaults) };
}

/** Whether a person with these choices is emailed about `type`. */
export function wantsEmail(
  type: string,
  firm: FirmSettingsRow,
  own: Record<string, boolean> | undefined,
): boolean {
  const known = notificationEventTypes.find((t) => t === type);
  if (!known) return false;
  return own?.[known] ?? emailDefaults(firm)[known];
}

/** The webhook's address and signing secret, for delivery only. */
export function openWebhook(
  lexbridge: Lexbridge,
  firm: FirmSettingsRow,
): { url: string; secret: string } | undefined {
  return firm.webhook
    ? lexbridge.secrets.openJson<{ url: string; secret: string }>(firm.webhook, webhookSlot)
    : undefined;
}

export async function firmNotifications(lexbridge: Lexbridge): Promise<FirmNotifications> {
  const firm = await readFirmSettings(lexbridge.store.db);
  return {
    emailDefaults: emailDefaults(firm),
    digestMinutes: firm.digestMinutes,
    smtp: { configured: !!lexbridge.config.LEXBRIDGE_SMTP_URL, from: lexbridge.config.LEXBRIDGE_SMTP_FROM },
    webhook: {
      configured: !!firm.webhook,
      origin: firm.webhookOrigin,
      events: firm.webhookEvents.filter((t): t is NotificationEventType =>
        (notificationEventTypes as readonly string[]).includes(t),
      ),
    },
  };
}

export async function updateFirmNotifications(
  lexbridge: Lexbridge,
  update: FirmNotificationsUpdate,
  actor: { userId: string; ip?: string },
): Promise<FirmNotifications> {
  const webhook = update.webhook ? checkWebhook(update.webhook) : update.webhook;
  // The webhook is posted to from this server: the same address rule as a connector's Server Address.
  if (webhook) await assertAddressAllowed(lexbridge.config, webhook.url);
  await lexbridge.store.db.transaction(async (tx) => {
    const firm = await readFirmSettings(tx);
    const values = {
      id: firmId,
      emailDefaults: { ...pick(firm.emailDefaults), ...pick(update.emailDefaults ?? {}) },
      digestMinutes: update.digestMinutes ?? firm.digestMinutes,
      webhookEvents: update.webhookEvents ?? firm.webhookEvents,
      ...(webhook === undefined
        ? {}
        : webhook === null
          ? { webhook: null, webhookOrigin: null }
          : {
              webhook: lexbridge.secrets.sealJson(webhook, webhookSlot),
              webhookOrigin: new URL(webhook.url).origin,
            }),
      updatedBy: actor.userId,
      updatedAt: new Date(),
    };
    await tx
      .insert(notificationSettings)
      .values(values)
      .onConflictDoUpdate({ target: notificationSettings.id, set: values });
    await recordAudit(tx, {
      action: 'notifications.settings.update',
      actorUserId: actor.userId,
      targetType: 'notification_settings',
      targetId: firmId,
      ip: actor.ip ?? null,
      details: {
        changed: Object.keys(update),
        ...(webhook === undefined ? {} : { webhook: webhook ? 'set' : 'removed' }),
      },
    });
  });
  return firmNotifications(lexbridge);
}

function checkWebhook(webhook: { url: string; secret: string }): { url: string; secret: string } {
  let url: URL;
  try {
    url = new URL(webhook.url);
  } catch {
    throw new AppError('notification_webhook_invalid');
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (!(url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) || webhook.secret.length < 16) {
    throw new AppError('notification_webhook_invalid');
  }
  return { url: url.toString(), secret: webhook.secret };
}

export async function myNotifications(lexbridge: Lexbridge, userId: string): Promise<MyNotifications> {
  const { db } = lexbridge.store;
  const firm = await readFirmSettings(db);
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, userId));
  const [prefs] = await db
    .select()
    .from(notificationPreferences)
    .where(eq(notificationPreferences.userId, userId));
  const own = pick(prefs?.email ?? {});
  const defaults = emailDefaults(firm);
  return {
    emailAddress: user?.email ?? null,
    emailAvailable: !!lexbridge.config.LEXBRIDGE_SMTP_URL,
    digestMinutes: firm.digestMinutes,
    events: notificationEventTypes.map((type) => ({
      type,
      ...notificationEventLabels[type],
      email: own[type] ?? defaults[type],
      firmDefault: defaults[type],
      custom: own[type] !== undefined,
    })),
  };
}

export async function updateMyNotifications(
  lexbridge: Lexbridge,
  userId: string,
  update: MyNotificationsUpdate,
): Promise<MyNotifications> {
  await lexbridge.store.db.transaction(async (tx) => {
    const [prefs] = await tx
      .select()
      .from(notificationPreferences)
      .where(eq(notificationPreferences.userId, userId));
    const email: Record<string, boolean> = pick(prefs?.email ?? {});
    for (const [type, choice] of Object.entries(update.email)) {
      if (choice === null || choice === undefined) delete email[type];
      else email[type] = choice;
    }
    await tx
      .insert(notificationPreferences)
      .values({ userId, email, updatedAt: new Date() })
      .onConflictDoUpdate({ target: notificationPreferences.userId, set: { email, updatedAt: new Date() } });
  });
  return myNotifications(lexbridge, userId);
}

/** Only known event types with boolean values (stored JSON may hold types a later version removed). */
function pick(
  choices: Partial<Record<string, boolean | null | undefined>>,
): Partial<Record<NotificationEventType, boolean>> {
  const out: Partial<Record<NotificationEventType, boolean>> = {};
  for (const type of notificationEventTypes) {
    const value = choices[type];
    if (typeof value === 'boolean') out[type] = value;
  }
  return out;
}
