import { setTimeout as sleep } from 'node:timers/promises';
import { recordAudit } from '../audit/record.ts';
import { defineJob } from './queue.ts';

/**
 * `diagnostics.echo`: a job that does nothing but leave a trace (an audit event naming the process that
 * ran it). Operators and tests use it to check that workers take jobs from the shared queue: enqueue
 * some, then count the `diagnostics.echo` audit events. `failTimes` makes the first attempts fail, to
 * watch retries with backoff.
 */
export interface EchoJobData {
  marker: string;
  /** Fail this many attempts before succeeding (at most 5). */
  failTimes?: number;
  /** Take this long, to spread jobs across workers (at most 5000 ms). */
  delayMs?: number;
}

export const echoJob = defineJob<EchoJobData>({
  name: 'diagnostics.echo',
  retryLimit: 5,
  retryDelay: 1,
  async handler(job, { lexbridge, log, signal }) {
    const { marker, failTimes = 0, delayMs = 0 } = job.data;
    if (delayMs > 0) await sleep(Math.min(delayMs, 5000), undefined, { signal });
    if (job.retryCount < Math.min(failTimes, 5)) {
      throw new Error(
        `diagnostics.echo ${marker}: failing attempt ${job.retryCount + 1} of ${failTimes} on purpose`,
      );
    }
    await recordAudit(lexbridge.store.db, {
      action: 'diagnostics.echo',
      actorLabel: 'system',
      targetType: 'job',
      targetId: marker,
      details: { jobId: job.id, pid: process.pid, attempt: job.retryCount + 1 },
    });
    log.info({ marker }, 'diagnostics.echo ran');
  },
});
