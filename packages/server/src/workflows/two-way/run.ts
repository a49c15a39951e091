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
import { runTwoWayPass } from './pass.ts';

/** The work of a two-way sync run: one pass in both directions over all the workflow's links. */
export function twoWayWork(
  lexbridge: Lexbridge,
  run: RunRow,
  workflow: WorkflowRow,
  log: Logger,
): Extract<RunWork, { execute: unknown }> {
  return {
    async execute(stores, { recorder, signal }) {
      const sourceRoot = storedLocation(workflow.sourceLocation);
      const targetRoot = storedLocation(workflow.targetLocation);
      // The backward half writes into the source: remove what a killed run left there too.
      if (!run.dryRun) await removeLeftovers(lexbridge, run.id, stores.source, sourceRoot.id, log);
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
