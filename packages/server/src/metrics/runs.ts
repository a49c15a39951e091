import { eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Lexbridge } from '../context.ts';
import { connectors, workflows } from '../store/schema.ts';
import { countRunFinished, countRunStarted, type RunLabels } from './registry.ts';

const terminal = new Set(['succeeded', 'partial', 'failed', 'cancelled', 'paused']);

/** What the run lifecycle tells the metrics about one execution of a run. */
export interface ObservedRun {
  /**
   * The execution ended with the run in `final` state; `copied` is what this execution wrote. A run
   * put back in the queue (worker stopping, retry later) is not finished and is not counted yet.
   */
  finished(
    final: { status: string } | undefined,
    copied: { counts: { created: number; updated: number }; bytes: number },
  ): void;
}

/**
 * Counts a run as started (by its workflow type) and returns the handle that counts it finished.
 * Never throws and never delays the run: the labels are read in the background, and a failure to
 * read them loses one count, not the run.
 */
export function observeRun(lexbridge: Lexbridge, run: { workflowId: string }): ObservedRun {
  const labels = runLabels(lexbridge, run.workflowId).catch(() => null);
  void labels.then((l) => l && countRunStarted(l));
  return {
    finished(final, copied) {
      if (!final || !terminal.has(final.status)) return;
      const documents = copied.counts.created + copied.counts.updated;
      void labels.then((l) => l && countRunFinished(l, final.status, { documents, bytes: copied.bytes }));
    },
  };
}

const source = alias(connectors, 'source');
const target = alias(connectors, 'target');

async function runLabels(lexbridge: Lexbridge, workflowId: string): Promise<RunLabels | null> {
  const [row] = await lexbridge.store.db
    .select({
      type: workflows.type,
      sourceType: sql<string>`coalesce(${source.type}, 'unknown')`,
      targetType: sql<string>`coalesce(${target.type}, 'unknown')`,
    })
    .from(workflows)
    .leftJoin(source, eq(source.id, workflows.sourceConnectorId))
    .leftJoin(target, eq(target.id, workflows.targetConnectorId))
    .where(eq(workflows.id, workflowId));
  return row ?? null;
}
