import { eq, inArray } from 'drizzle-orm';
import type { Lexbridge } from '../../context.ts';
import type { Logger } from '../../log.ts';
import { connectors, itemLinks } from '../../store/schema.ts';
import {
  type RunRow,
  storedLocation,
  type WorkflowRow,
  workflowOptions,
  workflowTriggers,
} from '../model.ts';
import type { LinkRow } from '../planner.ts';
import { type RunWork, removeLeftovers } from '../run-executor.ts';
import type { Side } from './conflicts.ts';
import type { TwoWayInput } from './input.ts';
import { runTwoWayPass } from './pass.ts';

/** Overlap kept when moving a change watermark forward, against index lag and clock skew. */
export const watermarkOverlapMs = 2 * 60_000;

export type TwoWayWork = Extract<RunWork, { execute: unknown }> & {
  /** True when a side was read from its change feed: the pass was not a full reconciliation. */
  incremental(): boolean;
  /** The workflow's change watermarks after the pass (each side's, less the overlap). */
  watermarks(): Pick<WorkflowRow, 'changeWatermark' | 'targetChangeWatermark'>;
};

/**
 * The work of a two-way sync run: one pass in both directions over all the workflow's links. A run
 * that is not a full reconciliation reads each side that has a change feed from its watermark, so a
 * pass with no change costs a few calls per side; renames and moves the feeds do not show, deletes and
 * new empty folders wait for the periodic full pass (LEXBRIDGE_WORKFLOW_RECONCILE_MINUTES).
 */
export function twoWayWork(
  lexbridge: Lexbridge,
  run: RunRow,
  workflow: WorkflowRow,
  log: Logger,
): TwoWayWork {
  const listed: NonNullable<TwoWayInput['listed']> = {};
  const changedSince: NonNullable<TwoWayInput['changedSince']> = {};
  const previous = { source: workflow.changeWatermark, target: workflow.targetChangeWatermark };
  const next = (side: Side) => {
    const newest = listed[side] ? listed[side].newest : undefined;
    return newest ? new Date(newest.getTime() - watermarkOverlapMs) : previous[side];
  };
  return {
    incremental: () => Object.keys(changedSince).length > 0,
    watermarks: () => ({ changeWatermark: next('source'), targetChangeWatermark: next('target') }),
    async execute(stores, { recorder, signal, outage }) {
      for (const side of ['source', 'target'] as const) {
        const since = previous[side];
        if (!run.fullReconcile && since && stores[side].capabilities.changeQuery) changedSince[side] = since;
      }
      const sourceRoot = storedLocation(workflow.sourceLocation);
      const targetRoot = storedLocation(workflow.targetLocation);
      // The backward half writes into the source: remove what a killed run left there too.
      if (!run.dryRun) await removeLeftovers(lexbridge, run.id, stores.source, sourceRoot.id, log);
      log.info({ runId: run.id, incremental: Object.keys(changedSince) }, 'two-way pass');
      const rows = await lexbridge.store.db
        .select()
        .from(itemLinks)
        .where(eq(itemLinks.workflowId, workflow.id));
      await runTwoWayPass({
        runId: run.id,
        workflowId: workflow.id,
        dryRun: run.dryRun,
        options: workflowOptions(workflow),
        triggers: workflowTriggers(workflow),
        baselineTaken: !!workflow.baselineTakenAt,
        ...stores,
        sourceRootId: sourceRoot.id,
        targetRootId: targetRoot.id,
        systems: await systemNames(lexbridge, workflow),
        links: new Map<string, LinkRow>(rows.map((l) => [l.sourceId, l])),
        recorder,
        signal,
        log,
        changedSince,
        listed,
        outage,
        concurrency: lexbridge.config.LEXBRIDGE_WORKFLOW_CONCURRENCY,
        connectorSlots: {
          ids: [workflow.sourceConnectorId!, workflow.targetConnectorId!],
          limit: lexbridge.config.LEXBRIDGE_CONNECTOR_CONCURRENCY,
        },
      });
    },
  };
}

/** The connectors' names, as people know the two sides ("DMS", "Teams – Acme"). */
async function systemNames(lexbridge: Lexbridge, workflow: WorkflowRow) {
  const ids = [workflow.sourceConnectorId!, workflow.targetConnectorId!];
  const rows = await lexbridge.store.db
    .select({ id: connectors.id, name: connectors.name })
    .from(connectors)
    .where(inArray(connectors.id, ids));
  const name = (id: string, fallback: string) => rows.find((r) => r.id === id)?.name ?? fallback;
  return { source: name(ids[0]!, 'the source'), target: name(ids[1]!, 'the target') };
}
