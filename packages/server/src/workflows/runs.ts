import { randomUUID } from 'node:crypto';
import { isOngoing, type WorkflowType } from '@lexbridge/contracts';
import { and, eq, inArray, ne, notExists, sql } from 'drizzle-orm';
import { pauseReasonReauthorise } from '../authorisation/connections.ts';
import { ContentError, type ContentStore } from '../connectors/content.ts';
import type { Lexbridge } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { notify } from '../notifications/notify.ts';
import { itemLinks, runItems, workflowRuns, workflows } from '../store/schema.ts';
import { takeOverStaleRun } from './active-run.ts';
import { ArchiveRun } from './archive/archive.ts';
import { archiveTarget } from './archive/target-link.ts';
import { connectionUsable, openContentStore } from './content-stores.ts';
import {
  activeRunStatuses,
  type RunRow,
  storedLocation,
  type WorkflowRow,
  workflowOptions,
  workflowTriggers,
} from './model.ts';
import type { WrittenItem } from './plan/types.ts';
import { type LinkRow, planSync } from './planner.ts';
import { limitToRetried, retriedSourceIds, retryTrigger } from './retry.ts';
import { recheckAccess } from './run-access.ts';
import {
  claimRun,
  type ExecuteRunOptions,
  executeRun,
  finishRun,
  type RunKind,
  type RunWork,
} from './run-executor.ts';
import { twoWayWork, watermarkOverlapMs } from './two-way/run.ts';

export const runJobName = 'workflows.run';

export interface RequestRunOptions {
  trigger: 'manual' | 'schedule' | 'cli' | typeof retryTrigger;
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
      await takeOverStaleRun(
        tx,
        workflow.id,
        staleBefore,
        'workflow_run_in_progress',
        'The worker running this stopped unexpectedly; a new run took over.',
      );
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
    await notify(tx, { type: 'workflow.paused', workflowId, reason: message });
  });
}

export type PerformRunOptions = ExecuteRunOptions & {
  /** Take over a running run whose heartbeat is older than this (default LEXBRIDGE_WORKFLOW_STALE_RUN_SECONDS). */
  staleAfterSeconds?: number;
};

export { claimRun };

/**
 * Executes a run: claims it, plans against the item links, executes, and records the outcome (the
 * lifecycle is run-executor.ts's). Safe to call again for the same run after a crash: the links say
 * what is already done, and a document left in place but not linked is adopted rather than copied twice.
 */
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
    await finishRun(lexbridge.store.db, runId, 'cancelled');
    return undefined;
  }
  if (workflow.status === 'paused') {
    await finishRun(lexbridge.store.db, runId, 'paused', {
      errorCode: 'workflow_paused',
      error: 'The workflow was paused before this run started.',
    });
    return undefined;
  }
  return executeRun(lexbridge, run, workflowRunKind(lexbridge, run, workflow, log), options);
}

/** What a workflow run opens, plans and records; the rest is the shared run lifecycle. */
function workflowRunKind(lexbridge: Lexbridge, run: RunRow, workflow: WorkflowRow, log: Logger): RunKind {
  const sourceRoot = storedLocation(workflow.sourceLocation);
  const targetRoot = storedLocation(workflow.targetLocation);
  const options = workflowOptions(workflow);
  let plannedAt = new Date();
  let planSource: ContentStore | undefined;
  let incremental = false;
  const maxDeletes = options.maxDeletes ?? lexbridge.config.LEXBRIDGE_MAX_DELETES;
  const archive =
    workflow.type === 'archive'
      ? new ArchiveRun({
          runId: run.id,
          runCreatedAt: run.createdAt,
          dryRun: run.dryRun,
          mode: options.archiveSource,
          sourceRootId: sourceRoot.id,
          targetRootId: targetRoot.id,
          maxDeletes,
          concurrency: lexbridge.config.LEXBRIDGE_WORKFLOW_CONCURRENCY,
          log,
        })
      : null;
  const twoWay = workflow.type === 'two_way_sync' ? twoWayWork(lexbridge, run, workflow, log) : null;
  const oneWayWork = (): RunWork => ({
    async plan({ source, target }, signal) {
      plannedAt = new Date();
      planSource = source;
      incremental = !run.fullReconcile && !!workflow.changeWatermark && source.capabilities.changeQuery;
      const links = await loadLinks(lexbridge, workflow.id, incremental);
      const plan = await planSync({
        type: workflow.type as WorkflowType,
        options,
        triggers: workflowTriggers(workflow),
        baselineTaken: !!workflow.baselineTakenAt,
        source,
        sourceRootId: sourceRoot.id,
        targetNames: target.capabilities.names,
        targetVersions: target.capabilities.versions,
        links,
        ...(workflow.type === 'one_way_sync' && !incremental
          ? {
              orphans: {
                target,
                targetRootId: targetRoot.id,
                written: await writtenWithoutLink(lexbridge, workflow.id),
              },
            }
          : {}),
        ...(incremental
          ? {
              changedSince: workflow.changeWatermark!,
              loadLink: (id: string) => loadLink(lexbridge, workflow.id, id),
            }
          : {}),
        signal,
      });
      log.info({ runId: run.id, examined: plan.examined, incremental }, 'listed the source');
      const retried = await retriedSourceIds(lexbridge.store.db, run);
      if (!archive) return { actions: limitToRetried(plan.actions, retried), links };
      archive.target = await archiveTarget(lexbridge, workflow.targetConnectorId!, target, targetRoot.id);
      return { actions: archive.adjust(plan.actions, { source, target }), links };
    },
  });
  return {
    label: 'run',
    dryRun: run.dryRun,
    async open(signal) {
      const connectorIds = [workflow.sourceConnectorId, workflow.targetConnectorId];
      for (const connectorId of connectorIds) {
        if (!connectorId)
          throw new AppError('workflow_location_unavailable', 'A connector of this workflow was deleted.');
        const usable = await connectionUsable(lexbridge, { connectorId, userId: workflow.ownerId });
        if (!usable.usable)
          throw new ContentError(
            'content_reauthorise',
            usable.reason ?? 'A connection needs re-authorisation.',
          );
      }
      const open = (connectorId: string) =>
        openContentStore(lexbridge, { connectorId, userId: workflow.ownerId }, { signal });
      return {
        source: await open(workflow.sourceConnectorId!),
        target: await open(workflow.targetConnectorId!),
      };
    },
    checkAccess: (stores) => recheckAccess(lexbridge, workflow, stores),
    connectorIds: { source: workflow.sourceConnectorId!, target: workflow.targetConnectorId! },
    ...(twoWay ?? oneWayWork()),
    execution: {
      sourceRootId: sourceRoot.id,
      targetRootId: targetRoot.id,
      includeSelectContainer: options.includeSelectContainer,
      maxDeletes,
      connectorSlots: {
        ids: [workflow.sourceConnectorId!, workflow.targetConnectorId!],
        limit: lexbridge.config.LEXBRIDGE_CONNECTOR_CONCURRENCY,
      },
      ...(archive ? archive.execution() : {}),
    },
    ...(archive ? { incomplete: () => archive.held !== null } : {}),
    async complete(tx, status, recorder) {
      const unfinished = status === 'cancelled' ? null : archive?.outcome(recorder.counts.failed);
      if (unfinished)
        await tx
          .update(workflowRuns)
          .set({ errorCode: unfinished.errorCode, error: unfinished.reason })
          .where(eq(workflowRuns.id, run.id));
      if (run.dryRun || status === 'cancelled') return;
      const now = new Date();
      await tx
        .update(workflows)
        .set({
          baselineTakenAt: workflow.baselineTakenAt ?? now,
          // A retry saw only the failed items: the other changes since the watermark are still to do.
          ...(recorder.counts.failed === 0 && run.trigger !== retryTrigger
            ? (twoWay?.watermarks() ?? {
                changeWatermark: nextWatermark(planSource, plannedAt, workflow.changeWatermark),
              })
            : {}),
          ...(incremental || twoWay?.incremental() || run.trigger === retryTrigger
            ? {}
            : { lastReconciledAt: now }),
          ...(isOngoing(workflow.type as WorkflowType)
            ? { nextRunAt: new Date(now.getTime() + workflow.intervalMinutes * 60_000) }
            : {}),
          ...(!isOngoing(workflow.type as WorkflowType) && status === 'succeeded'
            ? { status: 'completed' }
            : {}),
          updatedAt: now,
        })
        .where(and(eq(workflows.id, workflow.id), ne(workflows.status, 'paused')));
    },
    reauthorise: (message) => pauseForReauthorisation(lexbridge, workflow.id, run.id, message),
  };
}

/**
 * The next run's change watermark, less an overlap: the newest change the source saw, on its own
 * clock, where the store tells (so a source whose clock differs from ours loses nothing); else our
 * clock when planning. A store that tells but saw nothing keeps the previous watermark.
 */
function nextWatermark(source: ContentStore | undefined, plannedAt: Date, previous: Date | null) {
  const newest = source?.changeWatermark ? source.changeWatermark() : plannedAt;
  return newest ? new Date(newest.getTime() - watermarkOverlapMs) : previous;
}

/** The workflow's links; an incremental run reads only the folders' up front, documents' as changes name them. */
async function loadLinks(lexbridge: Lexbridge, workflowId: string, foldersOnly: boolean) {
  const rows = await lexbridge.store.db
    .select()
    .from(itemLinks)
    .where(and(eq(itemLinks.workflowId, workflowId), foldersOnly ? eq(itemLinks.kind, 'folder') : undefined));
  return new Map<string, LinkRow>(rows.map((l) => [l.sourceId, l]));
}

async function loadLink(lexbridge: Lexbridge, workflowId: string, sourceId: string) {
  const [link] = await lexbridge.store.db
    .select()
    .from(itemLinks)
    .where(and(eq(itemLinks.workflowId, workflowId), eq(itemLinks.sourceId, sourceId)));
  return link;
}

/**
 * What the workflow's runs wrote to the target for sources it no longer links, from the item log:
 * evidence that an unlinked target item is Lexbridge's copy and not a person's own file.
 */
async function writtenWithoutLink(lexbridge: Lexbridge, workflowId: string): Promise<WrittenItem[]> {
  const rows = await lexbridge.store.db
    .selectDistinct({
      sourceId: runItems.sourceId,
      sourcePath: runItems.sourcePath,
      kind: runItems.kind,
      targetPath: runItems.targetPath,
      bytes: runItems.bytes,
      sha256: runItems.sha256,
    })
    .from(runItems)
    .innerJoin(workflowRuns, eq(workflowRuns.id, runItems.runId))
    .where(
      and(
        eq(workflowRuns.workflowId, workflowId),
        eq(workflowRuns.dryRun, false),
        inArray(runItems.action, ['create', 'create_folder', 'update']),
        eq(runItems.outcome, 'done'),
        notExists(
          lexbridge.store.db
            .select({ one: sql`1` })
            .from(itemLinks)
            .where(and(eq(itemLinks.workflowId, workflowId), eq(itemLinks.sourceId, runItems.sourceId))),
        ),
      ),
    );
  return rows.flatMap((row) =>
    row.sourceId && row.targetPath
      ? [
          {
            sourceId: row.sourceId,
            sourcePath: row.sourcePath ?? row.targetPath,
            kind: row.kind === 'folder' ? 'folder' : 'document',
            name: row.targetPath.split('/').at(-1)!,
            bytes: row.bytes,
            sha256: row.sha256,
          },
        ]
      : [],
  );
}
