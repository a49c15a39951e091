import { eq } from 'drizzle-orm';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import { users } from '../store/schema.ts';
import { loadNotices, setEmailState } from './outbox.ts';
import { renderEmail, renderNotices } from './render.ts';

export interface EmailDelivery {
  userId: string;
  ids: string[];
}

/**
 * Sends one digest email through LEXBRIDGE_SMTP_URL (nodemailer; STARTTLS when the server offers it).
 * A failure throws notification_delivery_failed so that the job queue tries again with backoff; the
 * notices stay `queued` until it succeeds. Errors name the mail server's answer, never the URL (it may
 * hold a password).
 */
export async function deliverEmail(
  lexbridge: Lexbridge,
  delivery: EmailDelivery,
): Promise<'sent' | 'skipped'> {
  const { db } = lexbridge.store;
  const smtpUrl = lexbridge.config.LEXBRIDGE_SMTP_URL;
  const [user] = await db.select({ email: users.email }).from(users).where(eq(users.id, delivery.userId));
  const notices = renderNotices(await loadNotices(db, delivery.ids), lexbridge.config.publicUrl);
  if (!smtpUrl || !user?.email || notices.length === 0) {
    await setEmailState(db, delivery.ids, 'skipped');
    return 'skipped';
  }
  // Loaded on the first email rather than at every start (nodemailer is a few MB of heap).
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({
    url: smtpUrl,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 30_000,
  });
  try {
    await transport.sendMail({
      from: lexbridge.config.LEXBRIDGE_SMTP_FROM,
      to: user.email,
      ...renderEmail(notices, lexbridge.config.publicUrl),
    });
  } catch (err) {
    throw new AppError(
      'notification_delivery_failed',
      `The mail server did not take a notification email: ${smtpReason(err)}. It is tried again with increasing delays.`,
      undefined,
      { cause: err, retryable: true },
    );
  } finally {
    transport.close();
  }
  await setEmailState(db, delivery.ids, 'sent');
  return 'sent';
}

function smtpReason(err: unknown): string {
  const e = err as { code?: string; responseCode?: number; response?: string; message?: string };
  if (e.responseCode) return `${e.responseCode} ${e.response ?? ''}`.trim();
  return e.code ?? 'no answer';
}
