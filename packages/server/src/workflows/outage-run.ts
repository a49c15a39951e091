import { eq } from 'drizzle-orm';
import type { ContentStore } from '../connectors/content.ts';
import { connectorRegistered } from '../connectors/registry.ts';
import { getConnectorRow } from '../connectors/repository.ts';
import type { Lexbridge } from '../context.ts';
import type { Logger } from '../log.ts';
import { notify, outageNoticeDue } from '../notifications/notify.ts';
import { workflowRuns } from '../store/schema.ts';
import { probeStore } from './execute/context.ts';
import { OutageGate, type OutagePolicy, type Side, type WaitingState } from './outage.ts';

/** How a run meets an outage: the gate's policy, and how long a wait lasts before people are told. */
export type RunOutageOptions = Partial<OutagePolicy> & {
  /** Waiting longer than this sends `run.waiting` (default LEXBRIDGE_NOTIFY_OUTAGE_MINUTES). */
  noticeAfterMs?: number;
};

/**
 * The run's outage gate: names each side by its plug-in's system (its systemName), shows the wait on the
 * run's row (API and live progress: `waiting`), and tells the owner once per wait that outlasts the
 * notification threshold (`run.waiting`).
 */
export async function runOutageGate(
  lexbridge: Lexbridge,
  runId: string,
  kind: {
    connectorIds?: { source: string; target: string } | undefined;
    execution: { sourceRootId: string; targetRootId: string };
  },
  stores: { source: ContentStore; target: ContentStore },
  options: { log: Logger; signal: AbortSignal; outage?: RunOutageOptions },
): Promise<OutageGate> {
  const { db } = lexbridge.store;
  const systems = kind.connectorIds
    ? {
        source: await systemName(lexbridge, kind.connectorIds.source),
        target: await systemName(lexbridge, kind.connectorIds.target),
      }
    : undefined;
  const { noticeAfterMs, ...policy } = options.outage ?? {};
  const noticeDue = (since: Date) =>
    noticeAfterMs === undefined
      ? outageNoticeDue(lexbridge.config, since)
      : Date.now() - since.getTime() >= noticeAfterMs;
  let noticed: string | undefined;
  const onWaiting = async (state: WaitingState | null) => {
    await db
      .update(workflowRuns)
      .set({ waiting: state as Record<string, string> | null })
      .where(eq(workflowRuns.id, runId));
    if (!state || noticed === state.since || !noticeDue(new Date(state.since))) return;
    noticed = state.since;
    await notify(db, { type: 'run.waiting', runId, system: state.system, since: new Date(state.since) });
  };
  const roots = { ...stores, ...kind.execution };
  return new OutageGate({
    policy,
    ...(systems ? { systems } : {}),
    probe: (side: Side, signal) => probeStore(roots, side, signal),
    onWaiting,
    signal: options.signal,
    log: options.log,
  });
}

async function systemName(lexbridge: Lexbridge, connectorId: string): Promise<string | undefined> {
  const row = await getConnectorRow(lexbridge.store.db, connectorId).catch(() => undefined);
  return row ? connectorRegistered(row.type)?.systemName : undefined;
}
