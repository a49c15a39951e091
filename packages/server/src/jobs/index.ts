import { keepAliveJob } from '../authorisation/keep-alive.ts';
import {
  dispatchNotificationsJob,
  emailNotificationJob,
  webhookNotificationJob,
} from '../notifications/jobs.ts';
import { publishRunJob } from '../publishing/jobs.ts';
import { workflowRunJob, workflowScheduleJob } from '../workflows/jobs.ts';
import { echoJob } from './diagnostics.ts';
import { purgeExpiredJob } from './maintenance.ts';
import type { JobDefinition } from './queue.ts';

/** Every job type, listed once: the runtime opens the queue with this list. A feature adds its jobs here. */
export const jobs: readonly JobDefinition[] = [
  keepAliveJob,
  echoJob,
  purgeExpiredJob,
  workflowRunJob,
  workflowScheduleJob,
  publishRunJob,
  dispatchNotificationsJob,
  emailNotificationJob,
  webhookNotificationJob,
] as JobDefinition[];

export function jobDefinitions(): JobDefinition[] {
  return [...jobs];
}
