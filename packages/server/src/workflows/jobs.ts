import { ongoingWorkflowTypes } from '@lexbridge/contracts';
import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Lexbridge } from '../context.ts';
import { isAppError } from '../errors.ts';
import { defineJob } from '../jobs/queue.ts';
import { workflowRuns, workflows } from '../store/schema.ts';
import { isWorkflow } from './model.ts';
import { performRun, requestRun, runJobName } from './runs.ts';

export const scheduleJobName = 'workflows.schedule';

/** Executes one workflow run. Retries (with backoff) resume the same run from its links. */
export const workflowRunJob = defineJob<{ runId: string }>({
  name: runJobName,
  retryLimit: 3,
  retryDelay: 10,
  expireInSeconds: 12 * 60 * 60,
  async handler(job, { lexbridge, log, signal }) {
    await performRun(lexbridge, job.data.runId, { log, signal });
  },
});

/**
 * Every minute: enqueues a run for each active sync whose poll is due (a sync waiting for its first Run now has none), and gives runs whose
 * worker died (no heartbeat for LEXBRIDGE_WORKFLOW_STALE_RUN_SECONDS) a new job, which resumes them.
 */
export async function scheduleDueRuns(
  lexbridge: Lexbridge,
  now = new Date(),
): Promise<{ started: number; resumed: number }> {
  const { db } = lexbridge.store;
  const due = await db
    .select()
    .from(workflows)
    .where(
      and(
        eq(workflows.status, 'active'),
        inArray(workflows.type, [...ongoingWorkflowTypes]),
        isNull(workflows.deletedAt),
        // No next run: a sync created for a preview, waiting for its first Run now.
        lte(workflows.nextRunAt, now),
        sql`NOT EXISTS (SELECT 1 FROM workflow_runs r WHERE r.workflow_id = ${workflows.id} AND r.status IN ('queued', 'running'))`,
      ),
    );
  let started = 0;
  for (const workflow of due) {
    try {
      await requestRun(lexbridge, workflow, { trigger: 'schedule' });
      started++;
    } catch (err) {
      if (!isAppError(err)) throw err;
    }
  }
  const staleBefore = new Date(now.getTime() - lexbridge.config.LEXBRIDGE_WORKFLOW_STALE_RUN_SECONDS * 1000);
  const stale = await db
    .update(workflowRuns)
    .set({ status: 'queued', heartbeatAt: null, leaseOwner: null })
    .where(
      and(
        eq(workflowRuns.status, 'running'),
        lte(workflowRuns.heartbeatAt, staleBefore),
        // Publish runs (publishing/runs.ts) are resumed by their own job's retry, not as workflow runs.
        inArray(workflowRuns.workflowId, db.select({ id: workflows.id }).from(workflows).where(isWorkflow())),
      ),
    )
    .returning({ id: workflowRuns.id });
  for (const run of stale) await lexbridge.queue.send(runJobName, { runId: run.id });
  return { started, resumed: stale.length };
}

export const workflowScheduleJob = defineJob({
  name: scheduleJobName,
  retryLimit: 1,
  schedule: '* * * * *',
  repeatSeconds: 5, // a stale run is handed back within LEXBRIDGE_WORKFLOW_STALE_RUN_SECONDS + 5 s
  async handler(_job, { lexbridge, log }) {
    const result = await scheduleDueRuns(lexbridge);
    if (result.started || result.resumed) log.info(result, 'workflow runs scheduled');
  },
});
