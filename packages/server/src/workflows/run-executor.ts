import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { and, eq, ne, sql } from 'drizzle-orm';
import { ContentError, type ContentStore } from '../connectors/content.ts';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { observeRun } from '../metrics/runs.ts';
import { notify } from '../notifications/notify.ts';
import { isRetryable } from '../retry.ts';
import type { DbOrTx } from '../store/db.ts';
import { workflowRuns } from '../store/schema.ts';
import { sideTagged } from './execute/watch.ts';
import { type ExecuteInput, executePlan, ReauthoriseNeeded } from './executor.ts';
import type { RunRow } from './model.ts';
import { type OutageGate, OutageInterrupted } from './outage.ts';
import { type RunOutageOptions, runOutageGate } from './outage-run.ts';
import type { Action, LinkRow } from './planner.ts';
import { RunRecorder } from './recorder.ts';

/**
 * The lifecycle of a run, shared by workflow runs (workflows/runs.ts) and publish runs
 * (publishing/runs.ts): claim it, open both stores, remove what a killed run left behind, plan,
 * execute with the recorder, put it back in the queue when the worker stops, and decide what a
 * failure means (pause for re-authorisation, try the whole run again later, or fail). A kind of run
 * says only what differs: how to open its stores, how to plan, and what finishing means.
 */
export const maxRunAttempts = 3;

export type RunStatus = 'succeeded' | 'partial' | 'cancelled';

export type Stores = { source: ContentStore; target: ContentStore };

/** What a run of a kind does between opening its stores and finishing: one plan executed, or its own passes. */
export type RunWork =
  | {
      plan(stores: Stores, signal: AbortSignal): Promise<{ actions: Action[]; links: Map<string, LinkRow> }>;
      execute?: never;
    }
  | {
      plan?: never;
      /**
       * Plans and executes itself (a two-way sync's two directions), recording through `recorder` and
       * meeting outages through the run's `outage` gate (listing included).
       */
      execute(
        stores: Stores,
        context: { recorder: RunRecorder; signal: AbortSignal; outage: OutageGate },
      ): Promise<void>;
    };

export type RunKind = RunWork & {
  /** For the log: "workflow run", "publish". */
  label: string;
  dryRun: boolean;
  open(signal: AbortSignal): Promise<Stores>;
  /** What the executor needs beyond the stores and the plan. */
  execution: Pick<
    ExecuteInput,
    | 'sourceRootId'
    | 'targetRootId'
    | 'includeSelectContainer'
    | 'maxDeletes'
    | 'connectorSlots'
    | 'beforeDeletes'
  >;
  /** True when the run did not finish its work though no item failed (an archive's removals held): partial. */
  incomplete?(): boolean;
  /** Refuses the run (throws) when its owner may no longer use its locations; runs before anything is touched. */
  checkAccess?(stores: Stores): Promise<void>;
  /** The connectors of the source and target, to name their systems while a run waits for one. */
  connectorIds?: { source: string; target: string };
  /** Records a finished run (its status is written in the same transaction). */
  complete(tx: DbOrTx, status: RunStatus, recorder: RunRecorder): Promise<void>;
  /** The run stopped because a connection needs re-authorisation. */
  reauthorise(message: string): Promise<void>;
};

export interface ExecuteRunOptions {
  log: Logger;
  /** Stops the run (process shutdown); it resumes later from its links. */
  signal?: AbortSignal;
  /** How the run meets an outage (outage.ts; tests shorten it). */
  outage?: RunOutageOptions;
}

/**
 * Takes a run for this process: a queued one, or a running one whose heartbeat is older than
 * `staleSeconds` (its worker died). Undefined when the run is finished or another worker holds it.
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

export async function finishRun(
  db: DbOrTx,
  runId: string,
  status: (typeof workflowRuns.$inferInsert)['status'],
  error?: { errorCode: string; error: string },
): Promise<void> {
  await db
    .update(workflowRuns)
    .set({
      status,
      finishedAt: new Date(),
      leaseOwner: null,
      waiting: null,
      // A run that resumed after an interruption no longer says it was interrupted.
      ...(error ?? (status === 'failed' ? {} : { errorCode: null, error: null })),
    })
    .where(eq(workflowRuns.id, runId));
  if (status === 'failed' || status === 'partial') await notify(db, { type: 'run.failed', runId });
}

async function requeue(
  db: DbOrTx,
  runId: string,
  said?: { errorCode: string; error: string },
): Promise<void> {
  await db
    .update(workflowRuns)
    .set({ status: 'queued', heartbeatAt: null, leaseOwner: null, waiting: null, ...(said ?? {}) })
    .where(eq(workflowRuns.id, runId));
}

/** Executes a claimed run of any kind; returns its row as it ended. */
export async function executeRun(
  lexbridge: Lexbridge,
  run: RunRow,
  kind: RunKind,
  options: ExecuteRunOptions,
): Promise<RunRow | undefined> {
  const { log } = options;
  const { db } = lexbridge.store;
  const cancel = new AbortController();
  const signal = options.signal ? AbortSignal.any([cancel.signal, options.signal]) : cancel.signal;
  const recorder = new RunRecorder(db, run.id, run.workflowId, () => cancel.abort());
  const observed = observeRun(lexbridge, run);
  let stores: Stores | undefined;
  const complete = (status: RunStatus) =>
    db.transaction(async (tx) => {
      await finishRun(tx, run.id, status);
      await kind.complete(tx, status, recorder);
    });
  try {
    stores = await kind.open(signal);
    await kind.checkAccess?.(stores);
    if (!kind.dryRun)
      await removeLeftovers(lexbridge, run.id, stores.target, kind.execution.targetRootId, log);
    recorder.start();
    // One outage gate for the run: listing and items alike wait for a system that stops answering.
    const outage = await runOutageGate(lexbridge, run.id, kind, stores, { ...options, signal });
    if (kind.execute) {
      await kind.execute(stores, { recorder, signal, outage });
    } else {
      const tagged = {
        source: sideTagged(stores.source, 'source'),
        target: sideTagged(stores.target, 'target'),
      };
      const { actions, links } = await outage.retrying('source', () => kind.plan(tagged, signal));
      log.info({ runId: run.id, actions: actions.length }, `${kind.label} planned`);
      await executePlan({
        outage,
        runId: run.id,
        workflowId: run.workflowId,
        dryRun: kind.dryRun,
        ...stores,
        ...kind.execution,
        actions,
        links,
        concurrency: lexbridge.config.LEXBRIDGE_WORKFLOW_CONCURRENCY,
        signal,
        recorder,
        log,
      });
    }
    await recorder.stop();
    if (options.signal?.aborted && !cancel.signal.aborted) {
      await requeue(db, run.id);
      throw new Error(`worker stopping; the ${kind.label} resumes on another attempt`);
    }
    const status: RunStatus = cancel.signal.aborted
      ? 'cancelled'
      : recorder.counts.failed > 0 || kind.incomplete?.()
        ? 'partial'
        : 'succeeded';
    await complete(status);
  } catch (err) {
    await recorder
      .stop()
      .catch((flushErr: unknown) => log.warn({ err: flushErr }, 'could not record the last results'));
    // Cancelled while listing or opening: the abort surfaces as an error, but the run was cancelled.
    if (cancel.signal.aborted && !options.signal?.aborted) await complete('cancelled');
    else await triage(lexbridge, run, kind, err, options);
  } finally {
    await stores?.source.close?.();
    await stores?.target.close?.();
  }
  const [final] = await db.select().from(workflowRuns).where(eq(workflowRuns.id, run.id));
  observed.finished(final, recorder);
  return final;
}

/** Removes what killed runs left in `target` beneath `targetRootId` (a running run's files are kept). */
export async function removeLeftovers(
  lexbridge: Lexbridge,
  runId: string,
  target: ContentStore,
  targetRootId: string,
  log: Logger,
): Promise<void> {
  if (!target.removeLeftovers) return;
  const others = await lexbridge.store.db
    .select({ id: workflowRuns.id })
    .from(workflowRuns)
    .where(and(eq(workflowRuns.status, 'running'), ne(workflowRuns.id, runId)));
  const keep = new Set(others.map((o) => o.id));
  const removed = await target.removeLeftovers(targetRootId, (tag) => keep.has(tag));
  if (removed) log.info({ removed }, 'removed temporary files left by an interrupted run');
}

/** What a failed run means: pause for re-authorisation, stop for the worker, retry later, or fail. */
async function triage(
  lexbridge: Lexbridge,
  run: RunRow,
  kind: RunKind,
  err: unknown,
  options: ExecuteRunOptions,
): Promise<void> {
  const reauthorise =
    err instanceof ReauthoriseNeeded
      ? err.cause
      : err instanceof ContentError && err.code === 'content_reauthorise'
        ? err
        : null;
  if (reauthorise) {
    options.log.warn({ runId: run.id }, `${kind.label} needs a connection re-authorised`);
    await kind.reauthorise(reauthorise.message);
    return;
  }
  if (options.signal?.aborted) throw err;
  if (err instanceof OutageInterrupted) {
    // Waited long enough: stop, and resume from the links when the queue tries the run again.
    options.log.warn({ runId: run.id, system: err.system }, `${kind.label} interrupted by an outage`);
    const resumes = run.attempts < maxRunAttempts;
    const said = {
      errorCode: 'workflow_run_interrupted',
      error: resumes
        ? `Interrupted — will resume: ${err.message}`
        : `Interrupted: ${err.message.replace(/;.*$/, '.')} Run it again once ${err.system} answers; it carries on from where it stopped.`,
    };
    if (!resumes) return finishRun(lexbridge.store.db, run.id, 'interrupted', said);
    await requeue(lexbridge.store.db, run.id, said);
    throw err; // the job queue tries the run again later
  }
  if (isRetryable(err, { includeExhausted: true }) && run.attempts < maxRunAttempts) {
    await requeue(lexbridge.store.db, run.id);
    throw err; // the job queue retries with backoff
  }
  options.log.error({ err, runId: run.id }, `${kind.label} failed`);
  const known = err instanceof AppError || err instanceof ContentError;
  await finishRun(lexbridge.store.db, run.id, 'failed', {
    errorCode: known ? err.code : 'workflow_run_failed',
    error: known
      ? err.message
      : `The ${kind.label} stopped on an unexpected error; the server log has the details.`,
  });
}
