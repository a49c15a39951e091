import { defineJob } from '../jobs/queue.ts';
import { performPublishRun, publishJobName } from './runs.ts';

/** Executes one publish. Retries (with backoff) resume the same run from the channel's links. */
export const publishRunJob = defineJob<{ runId: string }>({
  name: publishJobName,
  retryLimit: 3,
  retryDelay: 5,
  expireInSeconds: 30 * 60,
  async handler(job, { lexbridge, log, signal }) {
    await performPublishRun(lexbridge, job.data.runId, { log, signal });
  },
});
