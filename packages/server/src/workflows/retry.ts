import { and, desc, eq, lt } from 'drizzle-orm';
import type { DbOrTx } from '../store/db.ts';
import { runItems, workflowRuns } from '../store/schema.ts';
import type { RunRow } from './model.ts';
import type { Action } from './planner.ts';

/** The trigger of a run started by "Retry failed items": it acts only on what failed in the run before it. */
export const retryTrigger = 'retry';

/** Workflow types whose runs can be limited to some items (two-way passes and archives run whole). */
export const retriableTypes = ['copy', 'one_way_sync', 'move'] as const;

/**
 * The source ids a retry run may act on: those that failed in the workflow's latest real run before it
 * (the run it retries; the route only retries a workflow's latest run). Null for other runs.
 */
export async function retriedSourceIds(db: DbOrTx, run: RunRow): Promise<Set<string> | null> {
  if (run.trigger !== retryTrigger) return null;
  const [previous] = await db
    .select({ id: workflowRuns.id })
    .from(workflowRuns)
    .where(
      and(
        eq(workflowRuns.workflowId, run.workflowId),
        eq(workflowRuns.dryRun, false),
        lt(workflowRuns.createdAt, run.createdAt),
      ),
    )
    .orderBy(desc(workflowRuns.createdAt))
    .limit(1);
  if (!previous) return new Set();
  const failed = await db
    .select({ sourceId: runItems.sourceId })
    .from(runItems)
    .where(and(eq(runItems.runId, previous.id), eq(runItems.outcome, 'failed')));
  return new Set(failed.flatMap((f) => (f.sourceId ? [f.sourceId] : [])));
}

function actionSourceId(action: Action): string {
  if ('item' in action) return action.item.id;
  if (action.type === 'skip') return action.sourceId;
  return action.link.sourceId;
}

/** A plan limited to the retried items; the whole plan for any other run. */
export function limitToRetried(actions: Action[], ids: Set<string> | null): Action[] {
  return ids === null ? actions : actions.filter((action) => ids.has(actionSourceId(action)));
}
