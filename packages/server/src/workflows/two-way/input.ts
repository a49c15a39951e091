import type { WorkflowOptions, WorkflowTriggers } from '@lexbridge/contracts';
import type { ContentStore } from '../../connectors/content.ts';
import type { Logger } from '../../log.ts';
import type { ExecuteInput, PlanRecorder } from '../executor.ts';
import type { OutageGate } from '../outage.ts';
import type { LinkRow } from '../planner.ts';
import type { Side } from './conflicts.ts';

/** What one two-way pass works with: both sides, the workflow's links and options, and the run's context. */
export interface TwoWayInput {
  runId: string;
  workflowId: string;
  dryRun: boolean;
  options: WorkflowOptions;
  triggers: WorkflowTriggers;
  baselineTaken: boolean;
  source: ContentStore;
  target: ContentStore;
  sourceRootId: string;
  targetRootId: string;
  /** How each side is named to people: the connector's name ("DMS", "Teams – Acme"). */
  systems: Record<Side, string>;
  /** Every link of the workflow, keyed by source id; updated in place. */
  links: Map<string, LinkRow>;
  recorder: PlanRecorder;
  signal: AbortSignal;
  log: Logger;
  concurrency: number;
  /** The run's outage gate, as the source-to-target half sees it (run-executor.ts). */
  outage?: OutageGate;
  connectorSlots?: ExecuteInput['connectorSlots'];
  /**
   * Per side, the time to ask its change feed from (an incremental pass); a side without one is listed
   * in full. Incremental passes see documents only, and no deletes: the periodic full pass finds those.
   */
  changedSince?: Partial<Record<Side, Date>>;
  /**
   * Filled by the pass: per side, where the next pass may start its change feed (before the overlap
   * the run takes off): the newest change the side's last listing saw on the system's own clock, or
   * our clock as that listing started where the system does not tell; undefined when it saw nothing.
   */
  listed?: Partial<Record<Side, { newest: Date | undefined }>>;
}
