import { defineJob } from '../jobs/queue.ts';
import { dispatchJobName, dispatchNotifications, emailJobName, webhookJobName } from './dispatch.ts';
import { deliverEmail, type EmailDelivery } from './email.ts';
import { purgeDeliveredNotices } from './outbox.ts';
import { deliverWebhook, type WebhookDelivery } from './webhook.ts';

/**
 * The notification jobs: the dispatcher every minute (which also purges notices delivered more than
 * 30 days ago), and one delivery job per digest, retried with
 * exponential backoff (30 s, 1 min, 2 min … capped at an hour) for about a day's worth of attempts.
 * None of them runs inside a workflow run: a run only records notices (notify.ts).
 */
export const dispatchNotificationsJob = defineJob({
  name: dispatchJobName,
  retryLimit: 1,
  schedule: '* * * * *',
  concurrency: 1,
  async handler(_job, { lexbridge, log }) {
    const result = await dispatchNotifications(lexbridge);
    if (result.emails || result.webhooks) log.info(result, 'notifications dispatched');
    const purged = await purgeDeliveredNotices(lexbridge.store.db);
    if (purged) log.info({ purged }, 'delivered notifications purged');
  },
});

const delivery = { retryLimit: 30, retryDelay: 30, retryDelayMax: 3600, expireInSeconds: 120 };

export const emailNotificationJob = defineJob<EmailDelivery>({
  name: emailJobName,
  ...delivery,
  async handler(job, { lexbridge }) {
    return deliverEmail(lexbridge, job.data);
  },
});

export const webhookNotificationJob = defineJob<WebhookDelivery>({
  name: webhookJobName,
  ...delivery,
  async handler(job, { lexbridge, signal }) {
    return deliverWebhook(lexbridge, job.data, signal);
  },
});
