import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeDeliveredNotices } from '../../src/notifications/outbox.ts';
import { notifications } from '../../src/store/schema.ts';
import { createTestLexbridge, signIn, type TestLexbridge } from '../support/lexbridge.ts';

// The outbox keeps what people were told for 30 days; the dispatcher's scheduled run removes older
// notices once both deliveries are over, and never one still waiting to go out.

let lexbridge: TestLexbridge;

beforeAll(async () => {
  lexbridge = await createTestLexbridge();
});

afterAll(async () => {
  await lexbridge?.dispose();
});

describe('outbox purge', () => {
  it('removes delivered notices older than 30 days and keeps recent or undelivered ones', async () => {
    const { userId } = await signIn(lexbridge, { roles: ['User'] });
    const now = new Date('2026-06-30T12:00:00Z');
    const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000);
    const notice = (name: string, createdAt: Date, emailState: string, webhookState: string) => ({
      id: randomUUID(),
      type: 'run.failed',
      userId,
      dedupeKey: name,
      facts: { name },
      createdAt,
      emailState,
      webhookState,
    });
    await lexbridge.store.db
      .insert(notifications)
      .values([
        notice('old-sent', daysAgo(31), 'sent', 'skipped'),
        notice('old-skipped', daysAgo(45), 'skipped', 'sent'),
        notice('old-email-queued', daysAgo(40), 'queued', 'sent'),
        notice('old-webhook-pending', daysAgo(40), 'sent', 'pending'),
        notice('recent-sent', daysAgo(29), 'sent', 'sent'),
      ]);
    expect(await purgeDeliveredNotices(lexbridge.store.db, now)).toBe(2);
    const left = await lexbridge.store.db.select({ key: notifications.dedupeKey }).from(notifications);
    expect(left.map((n) => n.key).sort()).toEqual(['old-email-queued', 'old-webhook-pending', 'recent-sent']);
    expect(await purgeDeliveredNotices(lexbridge.store.db, now)).toBe(0);
  });
});
