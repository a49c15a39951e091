import { createHmac } from 'node:crypto';
import { isAddressRefusal } from '../connectors/address-guard.ts';
import { dispatcherFor } from '../connectors/http.ts';
import { undici } from '../connectors/undici.ts';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import { loadNotices, setWebhookState } from './outbox.ts';
import { type RenderedNotice, renderNotices, renderWebhookText } from './render.ts';
import { openWebhook, readFirmSettings } from './settings.ts';

export interface WebhookDelivery {
  ids: string[];
}

/** The header carrying `sha256=<hex HMAC-SHA256 of the raw body under the signing secret>`. */
export const signatureHeader = 'x-lexbridge-signature';

/** What the firm's incoming webhook receives: `text` for Teams and Slack, the notices for programs. */
export interface WebhookBody {
  text: string;
  notifications: RenderedNotice[];
  sentAt: string;
}

export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Posts one digest to the firm's webhook. Anything but a 2xx answer (or no answer in 15 s) throws
 * notification_delivery_failed, and the job queue tries again with backoff.
 */
export async function deliverWebhook(
  lexbridge: Lexbridge,
  delivery: WebhookDelivery,
  signal?: AbortSignal,
): Promise<'sent' | 'skipped'> {
  const { db } = lexbridge.store;
  const webhook = openWebhook(lexbridge, await readFirmSettings(db));
  const notices = renderNotices(await loadNotices(db, delivery.ids), lexbridge.config.publicUrl);
  if (!webhook || notices.length === 0) {
    await setWebhookState(db, delivery.ids, 'skipped');
    return 'skipped';
  }
  const message: WebhookBody = {
    text: renderWebhookText(notices),
    notifications: notices,
    sentAt: new Date().toISOString(),
  };
  const body = JSON.stringify(message);
  const timeout = AbortSignal.timeout(15_000);
  let status: number | string;
  try {
    const res = await undici().fetch(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Lexbridge',
        [signatureHeader]: signBody(body, webhook.secret),
      },
      body,
      redirect: 'error',
      // Connects only to addresses the operator allows, checked on the resolved address at connection.
      dispatcher: dispatcherFor(lexbridge.config, webhook.url),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    await res.body?.cancel();
    status = res.status;
  } catch (err) {
    const cause = (err as { cause?: unknown }).cause;
    // Not worth retrying: the address stays refused until the operator changes the setting.
    if (isAddressRefusal(cause)) throw cause;
    status = (cause as { code?: string } | undefined)?.code ?? (err as Error).name;
  }
  if (typeof status !== 'number' || status < 200 || status > 299) {
    throw new AppError(
      'notification_delivery_failed',
      `The notification webhook at ${new URL(webhook.url).origin} answered ${status}. It is tried again with increasing delays.`,
      undefined,
      { retryable: true },
    );
  }
  await setWebhookState(db, delivery.ids, 'sent');
  return 'sent';
}
