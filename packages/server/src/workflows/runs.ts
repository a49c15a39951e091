import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { pauseReasonReauthorise } from '../authorisation/connections.ts';
import { ContentError, type ContentStore } from '../connectors/content.ts';
import { AppError, isAppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { isRetryable } from '../retry.ts';
import type { Lexbridge } from '../runtime.ts';
import { itemLinks, workflowRuns, workflows } from '../store/schema.ts';
import { connectionUsable, openContentStore } from './content-stores.ts';
import { executePlan, ReauthoriseNeeded } from './executor.ts';
import {
  activeRunStatuses,
  type RunRow,
  storedLocation,
  type WorkflowRow,
  workflowOptions,
  workflowTriggers,
} from './model.ts';
import { type LinkRow, planSync } from './planner.ts';
import { RunRecorder } from './recorder.ts';

export const runJobName = 'workflows.run';
/** Overlap kept when moving the change-query watermark forward, against clock skew between systems. */
const watermarkOverlapMs = 2 * 60_000;
const maxRunAttempts = 3;

export interface RequestRunOptions {
  trigger: 'manual' | 'schedule' | 'cli';
  dryRun?: boolean;
  requestedBy?: string | null;
  /** Force a full listing (default: manual runs and dry runs do one; scheduled runs when due). */
  fullReconcile?: boolean;
}

/**
 * Creates a run and enqueues its job in one transaction. Refuses while another run of the workflow is
 * queued or running (a unique index makes that hold across processes), except that a running run
 * whose heartbeat stopped (its worker died) is marked interrupted and replaced.
 */
export async function requestRun(
  lexbridge: Lexbridge,
  workflow: WorkflowRow,
  options: RequestRunOptions,
): Promise<RunRow> {
  if (workflow.status === 'paused') {
    throw new AppError(
      'workflow_paused',
      workflow.pauseReason === pauseReasonReauthorise
        ? 'This workflow is paused because a connection it uses has expired. Re-authorise the connection on the Connectors page; the workflow then resumes.'
        : 'This workflow is paused. Resume it first.',
      { pauseReason: workflow.pauseReason },
    );
  }
  const staleBefore = new Date(Date.now() - lexbridge.config.LEXBRIDGE_WORKFLOW_STALE_RUN_SECONDS * 1000);
  const reconcileDue =
    !workflow.lastReconciledAt ||
    workflow.lastReconciledAt.getTime() <
      Date.now() - lexbridge.config.LEXBRIDGE_WORKFLOW_RECONCILE_MINUTES * 60_000;
  try {
    return await lexbridge.store.db.transaction(async (tx) => {
      const [active] = await tx
        .select()
        .from(workflowRuns)
        .where(
          and(eq(workflowRuns.workflowId, workflow.id), inArray(workflowRuns.status, [...activeRunStatuses])),
        );
      if (active) {
        const stale =
          active.status === 'running' && (!active.heartbeatAt || active.heartbeatAt < staleBefore);
        if (!stale) throw new AppError('workflow_run_in_progress', undefined, { runId: active.id });
        await tx
          .update(workflowRuns)
          .set({
            status: 'interrupted',
            finishedAt: new Date(),
            errorCode: 'workflow_run_failed',
            error: 'The worker running this stopped unexpectedly; a new run took over.',
          })
          .where(eq(workflowRuns.id, active.id));
      }
      const [run] = await tx
        .insert(workflowRuns)
        .values({
          id: randomUUID(),
          workflowId: workflow.id,
          trigger: options.trigger,
          dryRun: options.dryRun ?? false,
          fullReconcile:
            options.fullReconcile ??
            (options.trigger !== 'schedule' || options.dryRun === true || reconcileDue),
          requestedBy: options.requestedBy ?? null,
        })
        .returning();
      await lexbridge.queue.send(runJobName, { runId: run!.id }, { tx });
      return run!;
    });
  } catch (err) {
    if (!isAppError(err) && /workflow_runs_one_active|unique/i.test(String((err as Error).message))) {
      throw new AppError('workflow_run_in_progress');
    }
    throw err;
  }
}

/** Asks a run to stop: a queued run is cancelled at once, a running one at its next checkpoint. */
export async function cancelRun(lexbridge: Lexbridge, run: RunRow): Promise<RunRow> {
  const [updated] = await lexbridge.store.db
    .update(workflowRuns)
    .set(
      run.status === 'queued'
        ? { status: 'cancelled', cancelRequested: true, finishedAt: new Date() }
        : { cancelRequested: true },
    )
    .where(and(eq(workflowRuns.id, run.id), inArray(workflowRuns.status, [...activeRunStatuses])))
    .returning();
  return updated ?? run;
}

async function finish(
  lexbridge: Lexbridge,
  runId: string,
  status: string,
  error?: { errorCode: string; error: string },
): Promise<void> {
  await lexbridge.store.db
    .update(workflowRuns)
    .set({ status, finishedAt: new Date(), leaseOwner: null, ...(error ?? {}) })
    .where(eq(workflowRuns.id, runId));
}

async function pauseForReauthorisation(
  lexbridge: Lexbridge,
  workflowId: string,
  runId: string,
  message: string,
): Promise<void> {
  await lexbridge.store.db.transaction(async (tx) => {
    await tx
      .update(workflows)
      .set({ status: 'paused', pauseReason: pauseReasonReauthorise, updatedAt: new Date() })
      .where(eq(workflows.id, workflowId));
    await tx
      .update(workflowRuns)
      .set({
        status: 'paused',
        finishedAt: new Date(),
        leaseOwner: null,
        errorCode: 'content_reauthorise',
        error: message,
      })
      .where(eq(workflowRuns.id, runId));
  });
}

export interface PerformRunOptions {
  log: Logger;
  /** Stops the run (process shutdown); it resumes later from its links. */
  signal?: AbortSignal;
  /** Take over a running run whose heartbeat is older than this (default LEXBRIDGE_WORKFLOW_STALE_RUN_SECONDS). */
  staleAfterSeconds?: number;
}

/**
 * Executes a run: claims it, plans against the item links, executes, and records the outcome. Safe to
 * call again for the same run after a crash: the links say what is already done, and a document left
 * in place but not linked is adopted rather than copied twice.
 */
/**
 * Takes a run for this process: a queued one, or a running one whose heartbeat is older than
 * `staleSeconds` (its worker died). Undefined when the run is finished or another worker holds it.
 * Also used by publish runs (publishing/runs.ts).
 */
export async function claimRun(
  lexbridge: Lexbridge,
  runId: string,
  staleSeconds: number,
): Promise<RunRow | undefined> {
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const [run] = await lexbridge.store.db
    .update(workflowRuns)
    .set({
      status: 'running',
      leaseOwner: owner,
      heartbeatAt: new Date(),
      attempts: sql`${workflowRuns.attempts} + 1`,
      startedAt: sql`coalesce(${workflowRuns.startedAt}, now())`,
    })
    .where(
      and(
        eq(workflowRuns.id, runId),
        sql`(${workflowRuns.status} = 'queued' OR (${workflowRuns.status} = 'running' AND (${workflowRuns.heartbeatAt} IS NULL OR ${workflowRuns.heartbeatAt} <= now() - make_interval(secs => ${staleSeconds}))))`,
      ),
    )
    .returning();
  return run;
}

export async function performRun(
  lexbridge: Lexbridge,
  runId: string,
  options: PerformRunOptions,
): Promise<RunRow | undefined> {
  const { log } = options;
  const run = await claimRun(
    lexbridge,
    runId,
    options.staleAfterSeconds ?? lexbridge.config.LEXBRIDGE_WORKFLOW_STALE_RUN_SECONDS,
  );
  if (!run) {
    log.info({ runId }, 'run is finished or held by another worker; nothing to do');
    return undefined;
  }
  const [workflow] = await lexbridge.store.db
    .select()
    .from(workflows)
    .where(eq(workflows.id, run.workflowId));
  if (!workflow || workflow.deletedAt || run.cancelRequested) {
    await finish(lexbridge, runId, 'cancelled');
    return undefined;
  }
  if (workflow.status === 'paused') {
    await finish(lexbridge, runId, 'paused', {
      errorCode: 'workflow_paused',
      error: 'The workflow was paused before this run started.',
    });
    return undefined;
  }

  const cancel = new AbortController();
  const signal = options.signal ? AbortSignal.any([cancel.signal, options.signal]) : cancel.signal;
  const recorder = new RunRecorder(lexbridge.store.db, runId, workflow.id, () => cancel.abort());
  let source: ContentStore | undefined;
  let target: ContentStore | undefined;
  try {
    for (const connectorId of [workflow.sourceConnectorId, workflow.targetConnectorId]) {
      if (!connectorId)
        throw new AppError('workflow_location_unavailable', 'A connector of this workflow was deleted.');
      const usable = await connectionUsable(lexbridge, { connectorId, userId: workflow.ownerId });
      if (!usable.usable)
        throw new ContentError(
          'content_reauthorise',
          usable.reason ?? 'A connection needs re-authorisation.',
        );
    }
    source = await openContentStore(
      lexbridge,
      { connectorId: workflow.sourceConnectorId!, userId: workflow.ownerId },
      { signal },
    );
    target = await openContentStore(
      lexbridge,
      { connectorId: workflow.targetConnectorId!, userId: workflow.ownerId },
      { signal },
    );
    const sourceRoot = storedLocation(workflow.sourceLocation);
    const targetRoot = storedLocation(workflow.targetLocation);
    const options_ = workflowOptions(workflow);
    const incremental = !run.fullReconcile && !!workflow.changeWatermark && source.capabilities.changeQuery;
    // An incremental run reads the folders' links up front and documents' links only as changes name them.
    const links = new Map<string, LinkRow>(
      (
        await lexbridge.store.db
          .select()
          .from(itemLinks)
          .where(
            and(
              eq(itemLinks.workflowId, workflow.id),
              incremental ? eq(itemLinks.kind, 'folder') : undefined,
            ),
          )
      ).map((l) => [l.sourceId, l]),
    );
    const loadLink = async (sourceId: string) =>
      (
        await lexbridge.store.db
          .select()
          .from(itemLinks)
          .where(and(eq(itemLinks.workflowId, workflow.id), eq(itemLinks.sourceId, sourceId)))
      )[0];
    if (!run.dryRun && target.removeLeftovers) {
      const others = await lexbridge.store.db
        .select({ id: workflowRuns.id })
        .from(workflowRuns)
        .where(and(eq(workflowRuns.status, 'running'), ne(workflowRuns.id, runId)));
      const keep = new Set(others.map((o) => o.id));
      const removed = await target.removeLeftovers(targetRoot.id, (tag) => keep.has(tag));
      if (removed) log.info({ removed }, 'removed temporary files left by an interrupted run');
    }
    const plannedAt = new Date();
    recorder.start();
    const plan = await planSync({
      type: workflow.type as 'copy' | 'one_way_sync' | 'move',
      options: options_,
      triggers: workflowTriggers(workflow),
      baselineTaken: !!workflow.baselineTakenAt,
      source,
      sourceRootId: sourceRoot.id,
      targetNames: target.capabilities.names,
      targetVersions: target.capabilities.versions,
      links,
      ...(incremental ? { changedSince: workflow.changeWatermark!, loadLink } : {}),
      signal,
    });
    log.info({ runId, actions: plan.actions.length, examined: plan.examined, incremental }, 'planned');
    await executePlan({
      runId,
      workflowId: workflow.id,
      dryRun: run.dryRun,
      source,
      target,
      sourceRootId: sourceRoot.id,
      targetRootId: targetRoot.id,
      includeSelectContainer: options_.includeSelectContainer,
      actions: plan.actions,
      links,
      concurrency: lexbridge.config.LEXBRIDGE_WORKFLOW_CONCURRENCY,
      connectorSlots: {
        ids: [workflow.sourceConnectorId!, workflow.targetConnectorId!],
        limit: lexbridge.config.LEXBRIDGE_CONNECTOR_CONCURRENCY,
      },
      maxDeletes: options_.maxDeletes ?? lexbridge.config.LEXBRIDGE_MAX_DELETES,
      signal,
      recorder,
      log,
    });
    await recorder.stop();
    if (options.signal?.aborted && !cancel.signal.aborted) {
      // Shutting down: leave the run to be resumed by the next attempt.
      await lexbridge.store.db
        .update(workflowRuns)
        .set({ status: 'queued', heartbeatAt: null, leaseOwner: null })
        .where(eq(workflowRuns.id, runId));
      throw new Error('worker stopping; the run resumes on another attempt');
    }
    const status = cancel.signal.aborted ? 'cancelled' : recorder.counts.failed > 0 ? 'partial' : 'succeeded';
    await lexbridge.store.db.transaction(async (tx) => {
      await tx
        .update(workflowRuns)
        .set({ status, finishedAt: new Date(), leaseOwner: null })
        .where(eq(workflowRuns.id, runId));
      if (run.dryRun || status === 'cancelled') return;
      const now = new Date();
      await tx
        .update(workflows)
        .set({
          baselineTakenAt: workflow.baselineTakenAt ?? now,
          ...(recorder.counts.failed === 0
            ? { changeWatermark: new Date(plannedAt.getTime() - watermarkOverlapMs) }
            : {}),
          ...(incremental ? {} : { lastReconciledAt: now }),
          ...(workflow.type === 'one_way_sync'
            ? { nextRunAt: new Date(now.getTime() + workflow.intervalMinutes * 60_000) }
            : {}),
          ...(workflow.type !== 'one_way_sync' && status === 'succeeded' ? { status: 'completed' } : {}),
          updatedAt: now,
        })
        .where(and(eq(workflows.id, workflow.id), ne(workflows.status, 'paused')));
    });
  } catch (err) {
    await recorder
      .stop()
      .catch((flushErr: unknown) => log.warn({ err: flushErr }, 'could not record the last results'));
    const reauthorise =
      err instanceof ReauthoriseNeeded
        ? err.cause
        : err instanceof ContentError && err.code === 'content_reauthorise'
          ? err
          : null;
    if (reauthorise) {
      log.warn({ runId }, 'connection needs re-authorisation: workflow paused');
      await pauseForReauthorisation(lexbridge, workflow.id, runId, reauthorise.message);
    } else if (options.signal?.aborted) {
      throw err;
    } else if (isRetryable(err, { includeExhausted: true }) && run.attempts < maxRunAttempts) {
      await lexbridge.store.db
        .update(workflowRuns)
        .set({ status: 'queued', heartbeatAt: null, leaseOwner: null })
        .where(eq(workflowRuns.id, runId));
      throw err; // the job queue retries with backoff
    } else {
      log.error({ err, runId }, 'workflow run failed');
      const message =
        err instanceof AppError || err instanceof ContentError
          ? err.message
          : 'The run stopped on an unexpected error; the server log has the details.';
      await finish(lexbridge, runId, 'failed', {
        errorCode: err instanceof AppError || err instanceof ContentError ? err.code : 'workflow_run_failed',
        error: message,
      });
    }
  } finally {
    await source?.close?.();
    await target?.close?.();
  }
  const [final] = await lexbridge.store.db.select().from(workflowRuns).where(eq(workflowRuns.id, runId));
  return final;
}
