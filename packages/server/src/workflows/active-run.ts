import { and, eq, inArray } from 'drizzle-orm';
import { AppError, type ErrorCode } from '../errors.ts';
import type { Tx } from '../store/db.ts';
import { workflowRuns } from '../store/schema.ts';
import { activeRunStatuses } from './model.ts';

/**
 * Makes room for a new run of a workflow (or publish channel), inside the transaction that starts it.
 * A run still queued, or running with a fresh heartbeat, refuses with `busyCode`; a running one whose
 * worker stopped heartbeating before `staleBefore` is marked interrupted with `staleMessage`, so the new
 * run takes over.
 */
export async function takeOverStaleRun(
  tx: Tx,
  workflowId: string,
  staleBefore: Date,
  busyCode: ErrorCode,
  staleMessage: string,
): Promise<void> {
  const [active] = await tx
    .select()
    .from(workflowRuns)
    .where(
      and(eq(workflowRuns.workflowId, workflowId), inArray(workflowRuns.status, [...activeRunStatuses])),
    );
  if (!active) return;
  const stale = active.status === 'running' && (!active.heartbeatAt || active.heartbeatAt < staleBefore);
  if (!stale) throw new AppError(busyCode, undefined, { runId: active.id });
  await tx
    .update(workflowRuns)
    .set({
      status: 'interrupted',
      finishedAt: new Date(),
      errorCode: 'workflow_run_failed',
      error: staleMessage,
    })
    .where(eq(workflowRuns.id, active.id));
}
