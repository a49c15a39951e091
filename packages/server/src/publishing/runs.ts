import { randomUUID } from 'node:crypto';
import {
  type CreatePublishBody,
  type PublishRun,
  type PublishRunDetail,
  workflowOptionsSchema,
  workflowTriggersSchema,
} from '@lexbridge/contracts';
import { and, asc, desc, eq, inArray, ne } from 'drizzle-orm';
import { recordAudit } from '../audit/record.ts';
import { ContentError, type ContentStore } from '../connectors/content.ts';
import { getConnectorRow } from '../connectors/repository.ts';
import { AppError, isAppError } from '../errors.ts';
import type { RequestUser } from '../http/route.ts';
import type { Logger } from '../log.ts';
import { isRetryable } from '../retry.ts';
import type { Lexbridge } from '../runtime.ts';
import type { DbOrTx } from '../store/db.ts';
import {
  itemLinks,
  publishChannels,
  publishDestinations,
  publishRuns,
  runItems,
  workflowRuns,
  workflows,
} from '../store/schema.ts';
import { connectionUsable, openContentStore } from '../workflows/content-stores.ts';
import { executePlan, ReauthoriseNeeded } from '../workflows/executor.ts';
import { activeRunStatuses, type RunRow, toRunItemResponse, toRunResponse } from '../workflows/model.ts';
import { type LinkRow, planSync } from '../workflows/planner.ts';
import { RunRecorder } from '../workflows/recorder.ts';
import { claimRun } from '../workflows/runs.ts';
import { type DestinationRow, destinationLocation, loadDestination } from './destinations.ts';
import { normaliseSelection, publishSourceOf, SelectionContentStore, selectionRootId } from './selection.ts';

/**
 * Publish runs: a one-off copy of an iManage selection to a destination, carried out by the workflow
 * engine (planSync + executePlan + RunRecorder) with the publishing person's own connections. The run
 * is a workflow_runs row of the destination's publish channel, whose item links remember what was
 * published before, so publishing the same items again updates them (a new iManage version replaces
 * the published file) and never adds a second copy.
 */
export const publishJobName = 'publishing.run';

/** The workflow type of a publish channel's backing workflow; such workflows are never listed as workflows. */
export const publishWorkflowType = 'publish';

const maxRunAttempts = 3;

type Actor = Pick<RequestUser, 'id' | 'roles'> & { ip?: string };

/** The backing workflow of (destination, source connector), created on first use. */
async function ensureChannel(
  lexbridge: Lexbridge,
  destination: DestinationRow,
  sourceConnectorId: string,
  ownerId: string,
): Promise<string> {
  const { db } = lexbridge.store;
  const find = async () =>
    (
      await db
        .select()
        .from(publishChannels)
        .where(
          and(
            eq(publishChannels.destinationId, destination.id),
            eq(publishChannels.sourceConnectorId, sourceConnectorId),
          ),
        )
    )[0];
  const existing = await find();
  if (existing) return existing.workflowId;
  const workflowId = randomUUID();
  const created = await db.transaction(async (tx) => {
    await tx.insert(workflows).values({
      id: workflowId,
      ownerId: destination.createdBy ?? ownerId,
      name: `Publish to ${destination.name}`,
      type: publishWorkflowType,
      sourceConnectorId,
      sourceLocation: { id: selectionRootId, name: 'Published items', path: '', ancestors: [] },
      targetConnectorId: destination.connectorId,
      targetLocation: { ...destinationLocation(destination), ancestors: [] },
      status: 'active',
    });
    const [channel] = await tx
      .insert(publishChannels)
      .values({ destinationId: destination.id, sourceConnectorId, workflowId })
      .onConflictDoNothing()
      .returning();
    if (!channel) await tx.delete(workflows).where(eq(workflows.id, workflowId)); // another publish created it first
    return !!channel;
  });
  if (created) return workflowId;
  return (await find())!.workflowId;
}

/**
 * Starts publishing: checks the source is an iManage connector the person has authorised and the
 * destination exists, records the run and the audit event, and enqueues the job in one transaction.
 */
export async function requestPublish(
  lexbridge: Lexbridge,
  actor: Actor,
  body: CreatePublishBody,
): Promise<PublishRun> {
  const { db } = lexbridge.store;
  const source = await getConnectorRow(db, body.connectorId);
  const ids = normaliseSelection(body.ids, await publishSourceOf(lexbridge, source.id));
  const destination = await loadDestination(db, body.destinationId);
  for (const connectorId of [source.id, destination.connectorId]) {
    const usable = await connectionUsable(lexbridge, { connectorId, userId: actor.id });
    if (!usable.usable) throw new AppError('connection_not_authorised', usable.reason, { connectorId });
  }
  const workflowId = await ensureChannel(lexbridge, destination, source.id, actor.id);
  const staleBefore = new Date(Date.now() - lexbridge.config.LEXBRIDGE_WORKFLOW_STALE_RUN_SECONDS * 1000);
  const runId = randomUUID();
  try {
    await db.transaction(async (tx) => {
      const [active] = await tx
        .select()
        .from(workflowRuns)
        .where(
          and(eq(workflowRuns.workflowId, workflowId), inArray(workflowRuns.status, [...activeRunStatuses])),
        );
      if (active) {
        const stale =
          active.status === 'running' && (!active.heartbeatAt || active.heartbeatAt < staleBefore);
        if (!stale) throw new AppError('publish_in_progress', undefined, { runId: active.id });
        await tx
          .update(workflowRuns)
          .set({
            status: 'interrupted',
            finishedAt: new Date(),
            errorCode: 'workflow_run_failed',
            error: 'The worker publishing this stopped unexpectedly.',
          })
          .where(eq(workflowRuns.id, active.id));
      }
      await tx
        .insert(workflowRuns)
        .values({ id: runId, workflowId, trigger: 'manual', requestedBy: actor.id, fullReconcile: true });
      await tx.insert(publishRuns).values({
        runId,
        destinationId: destination.id,
        sourceConnectorId: source.id,
        userId: actor.id,
        itemIds: ids,
        customerId: body.customerId ?? null,
        library: body.library ?? null,
      });
      await recordAudit(tx, {
        action: 'publish.start',
        actorUserId: actor.id,
        targetType: 'publish_destination',
        targetId: destination.id,
        ip: actor.ip ?? null,
        details: {
          runId,
          destination: destination.name,
          sourceConnectorId: source.id,
          customerId: body.customerId ?? null,
          library: body.library ?? null,
          items: ids,
        },
      });
      await lexbridge.queue.send(publishJobName, { runId }, { tx });
    });
  } catch (err) {
    if (!isAppError(err) && /workflow_runs_one_active|unique/i.test(String((err as Error).message)))
      throw new AppError('publish_in_progress');
    throw err;
  }
  return getPublishRun(lexbridge, actor, runId);
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

/**
 * Carries out a publish run. Safe to call again for the same run after a crash: the channel's links
 * say what is already published, and a file left in place but not linked is adopted, not copied twice.
 */
export async function performPublishRun(
  lexbridge: Lexbridge,
  runId: string,
  options: { log: Logger; signal?: AbortSignal },
): Promise<RunRow | undefined> {
  const { log } = options;
  const { db } = lexbridge.store;
  const run = await claimRun(lexbridge, runId, lexbridge.config.LEXBRIDGE_WORKFLOW_STALE_RUN_SECONDS);
  if (!run) return undefined;
  const [publish] = await db.select().from(publishRuns).where(eq(publishRuns.runId, runId));
  const [destination] = publish
    ? await db.select().from(publishDestinations).where(eq(publishDestinations.id, publish.destinationId))
    : [];
  if (!publish || !destination || destination.deletedAt) {
    await finish(lexbridge, runId, 'failed', {
      errorCode: 'publish_destination_not_found',
      error: 'The destination was removed before the publish started.',
    });
    return undefined;
  }

  const cancel = new AbortController();
  const signal = options.signal ? AbortSignal.any([cancel.signal, options.signal]) : cancel.signal;
  const recorder = new RunRecorder(db, runId, run.workflowId, () => cancel.abort());
  let source: ContentStore | undefined;
  let target: ContentStore | undefined;
  try {
    source = new SelectionContentStore(
      await openContentStore(
        lexbridge,
        { connectorId: publish.sourceConnectorId, userId: publish.userId },
        { signal },
      ),
      publish.itemIds,
    );
    target = await openContentStore(
      lexbridge,
      { connectorId: destination.connectorId, userId: publish.userId },
      { signal },
    );
    const targetRootId = destinationLocation(destination).id;
    const links = new Map<string, LinkRow>(
      (await db.select().from(itemLinks).where(eq(itemLinks.workflowId, run.workflowId))).map((l) => [
        l.sourceId,
        l,
      ]),
    );
    if (target.removeLeftovers) {
      const running = await db
        .select({ id: workflowRuns.id })
        .from(workflowRuns)
        .where(and(eq(workflowRuns.status, 'running'), ne(workflowRuns.id, runId)));
      const keep = new Set(running.map((r) => r.id));
      await target.removeLeftovers(targetRootId, (tag) => keep.has(tag));
    }
    recorder.start();
    const plan = await planSync({
      type: 'copy',
      options: workflowOptionsSchema.parse({ latestVersionOnly: true }),
      triggers: workflowTriggersSchema.parse({}),
      baselineTaken: true,
      source,
      sourceRootId: selectionRootId,
      targetNames: target.capabilities.names,
      targetVersions: target.capabilities.versions,
      links,
      signal,
    });
    // A publish touches only what is selected now: links of items published earlier stay.
    const actions = plan.actions.filter((a) => a.type !== 'forget');
    await executePlan({
      runId,
      workflowId: run.workflowId,
      dryRun: false,
      source,
      target,
      sourceRootId: selectionRootId,
      targetRootId,
      includeSelectContainer: false,
      actions,
      links,
      concurrency: lexbridge.config.LEXBRIDGE_WORKFLOW_CONCURRENCY,
      maxDeletes: 0,
      signal,
      recorder,
      log,
    });
    await recorder.stop();
    if (options.signal?.aborted && !cancel.signal.aborted) {
      await db
        .update(workflowRuns)
        .set({ status: 'queued', heartbeatAt: null, leaseOwner: null })
        .where(eq(workflowRuns.id, runId));
      throw new Error('worker stopping; the publish resumes on another attempt');
    }
    const status = cancel.signal.aborted ? 'cancelled' : recorder.counts.failed > 0 ? 'partial' : 'succeeded';
    await finish(lexbridge, runId, status);
    await recordAudit(db, {
      action: 'publish.finish',
      actorUserId: publish.userId,
      targetType: 'publish_destination',
      targetId: destination.id,
      outcome: status === 'succeeded' ? 'success' : 'failure',
      details: { runId, status, ...recorder.counts, bytes: recorder.bytes },
    });
  } catch (err) {
    await recorder
      .stop()
      .catch((flushErr: unknown) => log.warn({ err: flushErr }, 'could not record the last publish results'));
    const reauthorise =
      err instanceof ReauthoriseNeeded
        ? err.cause
        : err instanceof ContentError && err.code === 'content_reauthorise'
          ? err
          : null;
    if (reauthorise) {
      await finish(lexbridge, runId, 'failed', {
        errorCode: 'content_reauthorise',
        error: reauthorise.message,
      });
    } else if (options.signal?.aborted) {
      throw err;
    } else if (isRetryable(err, { includeExhausted: true }) && run.attempts < maxRunAttempts) {
      await db
        .update(workflowRuns)
        .set({ status: 'queued', heartbeatAt: null, leaseOwner: null })
        .where(eq(workflowRuns.id, runId));
      throw err; // the job queue retries with backoff
    } else {
      log.error({ err, runId }, 'publish failed');
      const known = err instanceof AppError || err instanceof ContentError;
      await finish(lexbridge, runId, 'failed', {
        errorCode: known ? err.code : 'workflow_run_failed',
        error: known
          ? err.message
          : 'The publish stopped on an unexpected error; the server log has the details.',
      });
    }
  } finally {
    await source?.close?.();
    await target?.close?.();
  }
  const [final] = await db.select().from(workflowRuns).where(eq(workflowRuns.id, runId));
  return final;
}

function seesAllPublishes(user: Pick<RequestUser, 'roles'>): boolean {
  return user.roles.includes('Admin') || user.roles.includes('ConnectorAdmin');
}

async function toPublishRuns(db: DbOrTx, rows: (typeof publishRuns.$inferSelect)[]): Promise<PublishRun[]> {
  if (rows.length === 0) return [];
  const runs = new Map(
    (
      await db
        .select()
        .from(workflowRuns)
        .where(
          inArray(
            workflowRuns.id,
            rows.map((r) => r.runId),
          ),
        )
    ).map((r) => [r.id, r]),
  );
  const destinations = new Map(
    (
      await db
        .select({ id: publishDestinations.id, name: publishDestinations.name })
        .from(publishDestinations)
        .where(inArray(publishDestinations.id, [...new Set(rows.map((r) => r.destinationId))]))
    ).map((d) => [d.id, d.name]),
  );
  return rows.flatMap((row) => {
    const run = runs.get(row.runId);
    if (!run) return [];
    return [
      {
        id: row.runId,
        destinationId: row.destinationId,
        destinationName: destinations.get(row.destinationId) ?? '',
        sourceConnectorId: row.sourceConnectorId,
        itemIds: row.itemIds,
        run: toRunResponse(run),
      },
    ];
  });
}

/** A publish with its per-item results; the publisher's own, or any for Admins and Connector Admins. */
export async function getPublishRun(
  lexbridge: Lexbridge,
  user: Pick<RequestUser, 'id' | 'roles'>,
  runId: string,
): Promise<PublishRunDetail> {
  const { db } = lexbridge.store;
  const [row] = await db.select().from(publishRuns).where(eq(publishRuns.runId, runId));
  if (!row || (row.userId !== user.id && !seesAllPublishes(user)))
    throw new AppError('publish_run_not_found');
  const [publish] = await toPublishRuns(db, [row]);
  const items = await db.select().from(runItems).where(eq(runItems.runId, runId)).orderBy(asc(runItems.id));
  return { ...publish!, items: items.map(toRunItemResponse) };
}

/** The person's latest publishes, newest first. */
export async function listPublishRuns(
  lexbridge: Lexbridge,
  user: Pick<RequestUser, 'id'>,
  limit = 20,
): Promise<PublishRun[]> {
  const { db } = lexbridge.store;
  const rows = await db
    .select()
    .from(publishRuns)
    .where(eq(publishRuns.userId, user.id))
    .orderBy(desc(publishRuns.createdAt))
    .limit(limit);
  return toPublishRuns(db, rows);
}
