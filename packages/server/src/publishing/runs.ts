import { randomUUID } from 'node:crypto';
import {
  type CreatePublishBody,
  type PublishRun,
  type PublishRunDetail,
  workflowOptionsSchema,
  workflowTriggersSchema,
} from '@lexbridge/contracts';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { recordAudit } from '../audit/record.ts';
import { getConnectorRow } from '../connectors/repository.ts';
import type { Lexbridge } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import type { RequestUser } from '../identity/person.ts';
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
import { takeOverStaleRun } from '../workflows/active-run.ts';
import { connectionUsable, openContentStore } from '../workflows/content-stores.ts';
import { publishChannelType, type RunRow, toRunItemResponse, toRunResponse } from '../workflows/model.ts';
import { type LinkRow, planSync } from '../workflows/planner.ts';
import {
  claimRun,
  type ExecuteRunOptions,
  executeRun,
  finishRun,
  type RunKind,
} from '../workflows/run-executor.ts';
import { type DestinationRow, destinationLocation, loadDestination } from './destinations.ts';
import { normaliseSelection, publishSourceOf, SelectionContentStore, selectionRootId } from './selection.ts';

/**
 * Publish runs: a one-off copy of a selection (sent by a system's publish command) to a destination,
 * carried out by the shared run executor (planSync + executePlan + RunRecorder) with the publishing person's own connections. The run
 * is a workflow_runs row of the destination's publish channel, whose item links remember what was
 * published before, so publishing the same items again updates them (a new version replaces the
 * published file) and never adds a second copy.
 */
export const publishJobName = 'publishing.run';

/** The workflow type of a publish channel's backing workflow; such workflows are never listed as workflows. */
export const publishWorkflowType = publishChannelType;

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
 * Starts publishing: checks the source is a connector with a publish command that the person has authorised and the
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
      await takeOverStaleRun(
        tx,
        workflowId,
        staleBefore,
        'publish_in_progress',
        'The worker publishing this stopped unexpectedly.',
      );
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

/**
 * Carries out a publish run (the lifecycle is workflows/run-executor.ts's). Safe to call again for the
 * same run after a crash: the channel's links say what is already published, and a file left in place
 * but not linked is adopted, not copied twice.
 */
export async function performPublishRun(
  lexbridge: Lexbridge,
  runId: string,
  options: ExecuteRunOptions,
): Promise<RunRow | undefined> {
  const { db } = lexbridge.store;
  const run = await claimRun(lexbridge, runId, lexbridge.config.LEXBRIDGE_WORKFLOW_STALE_RUN_SECONDS);
  if (!run) return undefined;
  const [publish] = await db.select().from(publishRuns).where(eq(publishRuns.runId, runId));
  const [destination] = publish
    ? await db.select().from(publishDestinations).where(eq(publishDestinations.id, publish.destinationId))
    : [];
  if (!publish || !destination || destination.deletedAt) {
    await finishRun(db, runId, 'failed', {
      errorCode: 'publish_destination_not_found',
      error: 'The destination was removed before the publish started.',
    });
    return undefined;
  }
  return executeRun(lexbridge, run, publishRunKind(lexbridge, run, publish, destination), options);
}

/** What a publish opens (the selection in its source, the destination folder), plans and records. */
function publishRunKind(
  lexbridge: Lexbridge,
  run: RunRow,
  publish: typeof publishRuns.$inferSelect,
  destination: DestinationRow,
): RunKind {
  const { db } = lexbridge.store;
  const key = (connectorId: string) => ({ connectorId, userId: publish.userId });
  return {
    label: 'publish',
    dryRun: false,
    connectorIds: { source: publish.sourceConnectorId, target: destination.connectorId },
    async open(signal) {
      const source = await openContentStore(lexbridge, key(publish.sourceConnectorId), { signal });
      const target = await openContentStore(lexbridge, key(destination.connectorId), {
        signal,
        forPublishDestination: true,
      });
      return { source: new SelectionContentStore(source, publish.itemIds), target };
    },
    async plan({ source, target }, signal) {
      const rows = await db.select().from(itemLinks).where(eq(itemLinks.workflowId, run.workflowId));
      const links = new Map<string, LinkRow>(rows.map((l) => [l.sourceId, l]));
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
      return { actions: plan.actions.filter((a) => a.type !== 'forget'), links };
    },
    execution: {
      sourceRootId: selectionRootId,
      targetRootId: destinationLocation(destination).id,
      includeSelectContainer: false,
      maxDeletes: 0,
    },
    async complete(tx, status, recorder) {
      await recordAudit(tx, {
        action: 'publish.finish',
        actorUserId: publish.userId,
        targetType: 'publish_destination',
        targetId: destination.id,
        outcome: status === 'succeeded' ? 'success' : 'failure',
        details: { runId: run.id, status, ...recorder.counts, bytes: recorder.bytes },
      });
    },
    reauthorise: (message) =>
      finishRun(db, run.id, 'failed', { errorCode: 'content_reauthorise', error: message }),
  };
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
