import type { ContentStore } from '../../connectors/content.ts';
import type { Logger } from '../../log.ts';
import type { OutageGate } from '../outage.ts';
import type { Action, LinkRow } from '../planner.ts';
import type { RunRecorder } from '../recorder.ts';

/** What the executor needs of a recorder (a two-way pass records through one that turns links round). */
export type PlanRecorder = Pick<RunRecorder, 'counts' | 'record' | 'link' | 'forget' | 'setPlanned'>;

export interface ExecuteInput {
  runId: string;
  workflowId: string;
  dryRun: boolean;
  source: ContentStore;
  target: ContentStore;
  sourceRootId: string;
  targetRootId: string;
  /** The source root itself is copied into the target root (Include Select Container). */
  includeSelectContainer: boolean;
  actions: Action[];
  /** The workflow's links, updated in place as the run goes. */
  links: Map<string, LinkRow>;
  /** Documents copied at once. */
  concurrency: number;
  /** Target deletes allowed in one run; more than this and none is made. */
  maxDeletes: number;
  signal: AbortSignal;
  recorder: PlanRecorder;
  log: Logger;
  /**
   * The run's outage gate (outage.ts): waits for a system that stopped answering, and says so. Without
   * one, the executor keeps its own that probes the stores and reports nowhere.
   */
  outage?: OutageGate;
  /** Attempts per item for retryable failures. */
  attempts?: number;
  /** Connectors whose per-process slots each document copy holds, and how many slots each has. */
  connectorSlots?: { ids: string[]; limit: number };
  /**
   * Called once everything before the deletes succeeded (also in a dry run), before any delete: a
   * reason returned holds every delete (Archive verifies and stores its manifest here).
   */
  beforeDeletes?(run: {
    recorder: PlanRecorder;
    links: Map<string, LinkRow>;
  }): Promise<{ reason: string; errorCode: string } | undefined>;
}
