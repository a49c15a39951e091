import { randomUUID } from 'node:crypto';
import {
  type CreateWorkflowBody,
  createWorkflowBodySchema,
  isOngoing,
  type UpdateWorkflowBody,
  workflowOptionsSchema,
  workflowTriggersSchema,
} from '@lexbridge/contracts';
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { recordAudit } from '../audit/record.ts';
import { pauseReasonReauthorise } from '../authorisation/connections.ts';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import type { RequestUser } from '../identity/person.ts';
import { workflowRuns, workflows } from '../store/schema.ts';
import { connectionUsable } from './content-stores.ts';
import {
  activeRunStatuses,
  isWorkflow,
  type RunRow,
  seesAllWorkflows,
  type WorkflowRow,
  workflowOptions,
  workflowTriggers,
} from './model.ts';
import { runPreflight } from './preflight.ts';
import { retriableTypes, retryTrigger } from './retry.ts';
import { cancelRun, requestRun } from './runs.ts';

type Actor = Pick<RequestUser, 'id' | 'roles'> & { ip?: string };

/**
 * Creates a workflow after its pre-flight checks pass for its type, and starts its first run. The
 * owner is the creator: the workflow runs with the creator's connections.
 */
export async function createWorkflow(
  lexbridge: Lexbridge,
  actor: Actor,
  body: CreateWorkflowBody,
  options: { startNow?: boolean } = {},
): Promise<{ workflow: WorkflowRow; run: RunRow | null }> {
  const input = createWorkflowBodySchema.parse(body);
  const preflight = await runPreflight(lexbridge, actor.id, { source: input.source, target: input.target });
  const blocked = preflight.blockedTypes.find((b) => b.type === input.type);
  if (blocked || !preflight.resolved) {
    throw new AppError(
      'workflow_preflight_failed',
      blocked?.reasons.join(' ') ?? 'The locations could not be checked.',
      { checks: preflight.checks },
    );
  }
  const now = new Date();
  const workflow = await lexbridge.store.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(workflows)
      .values({
        id: randomUUID(),
        ownerId: actor.id,
        name: input.name,
        type: input.type,
        sourceConnectorId: input.source.connectorId,
        sourceLocation: { ...preflight.resolved!.source },
        targetConnectorId: input.target.connectorId,
        targetLocation: { ...preflight.resolved!.target },
        options: workflowOptionsSchema.parse(input.options ?? {}),
        triggers: workflowTriggersSchema.parse(input.triggers ?? {}),
        intervalMinutes: input.intervalMinutes,
        // A sync created to be previewed first is not scheduled: its first real run (Run now) confirms it.
        nextRunAt:
          isOngoing(input.type) && options.startNow !== false
            ? new Date(now.getTime() + input.intervalMinutes * 60_000)
            : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    await recordAudit(tx, {
      action: 'workflow.create',
      actorUserId: actor.id,
      targetType: 'workflow',
      targetId: row!.id,
      ip: actor.ip ?? null,
      details: { type: input.type, name: input.name },
    });
    return row!;
  });
  const run =
    options.startNow === false
      ? null
      : await requestRun(lexbridge, workflow, { trigger: 'manual', requestedBy: actor.id });
  return { workflow, run };
}

/**
 * Starts a run limited to the items that failed in `run`, which must be the workflow's latest real run
 * and have finished with failures (a later run already tried them again).
 */
export async function retryFailedItems(
  lexbridge: Lexbridge,
  actor: Actor,
  workflow: WorkflowRow,
  run: RunRow,
): Promise<RunRow> {
  const refuse = (message: string) => {
    throw new AppError('workflow_retry_unavailable', message, { runId: run.id });
  };
  if (!(retriableTypes as readonly string[]).includes(workflow.type))
    refuse('A two-way sync or an archive tries failed items again on its next run: choose Run now.');
  if (run.dryRun) refuse('A dry run changes nothing, so there is nothing to retry: choose Run now.');
  if ((activeRunStatuses as readonly string[]).includes(run.status))
    refuse('This run has not finished yet. Wait for it to finish, then retry what failed.');
  if (run.failed === 0) refuse('Nothing failed in this run.');
  const [latest] = await lexbridge.store.db
    .select({ id: workflowRuns.id })
    .from(workflowRuns)
    .where(and(eq(workflowRuns.workflowId, workflow.id), eq(workflowRuns.dryRun, false)))
    .orderBy(desc(workflowRuns.createdAt))
    .limit(1);
  if (latest?.id !== run.id)
    refuse(
      'A later run of this workflow already tried these items again. Open the latest run to retry its failures.',
    );
  const retry = await requestRun(lexbridge, workflow, { trigger: retryTrigger, requestedBy: actor.id });
  await recordAudit(lexbridge.store.db, {
    action: 'workflow.run.retry',
    actorUserId: actor.id,
    targetType: 'workflow',
    targetId: workflow.id,
    ip: actor.ip ?? null,
    details: { runId: retry.id, retriedRunId: run.id, failed: run.failed },
  });
  return retry;
}

/** The workflows the user may see: their own, or all for Admins and Connector Admins. */
export async function listWorkflows(
  lexbridge: Lexbridge,
  user: Pick<RequestUser, 'id' | 'roles'>,
): Promise<WorkflowRow[]> {
  return lexbridge.store.db
    .select()
    .from(workflows)
    .where(
      and(
        isNull(workflows.deletedAt),
        isWorkflow(),
        seesAllWorkflows(user) ? undefined : eq(workflows.ownerId, user.id),
      ),
    )
    .orderBy(desc(workflows.createdAt));
}

/** Changes name, options, triggers, interval or pause state. Resuming needs usable connections. */
export async function updateWorkflow(
  lexbridge: Lexbridge,
  actor: Actor,
  row: WorkflowRow,
  body: UpdateWorkflowBody,
): Promise<WorkflowRow> {
  const changes: Partial<typeof workflows.$inferInsert> = { updatedAt: new Date() };
  if (body.name !== undefined) changes.name = body.name;
  if (body.options)
    changes.options = workflowOptionsSchema.parse({ ...workflowOptions(row), ...body.options });
  if (body.triggers)
    changes.triggers = workflowTriggersSchema.parse({ ...workflowTriggers(row), ...body.triggers });
  if (body.intervalMinutes !== undefined) changes.intervalMinutes = body.intervalMinutes;
  if (body.status === 'paused' && row.status !== 'paused')
    Object.assign(changes, { status: 'paused', pauseReason: 'user' });
  if (body.status === 'active' && row.status === 'paused') {
    for (const connectorId of [row.sourceConnectorId, row.targetConnectorId]) {
      const usable = connectorId
        ? await connectionUsable(lexbridge, { connectorId, userId: row.ownerId })
        : { usable: false, reason: 'A connector was deleted.' };
      if (!usable.usable)
        throw new AppError('workflow_paused', `The workflow stays paused: ${usable.reason}`, {
          pauseReason: pauseReasonReauthorise,
        });
    }
    Object.assign(changes, { status: 'active', pauseReason: null, nextRunAt: new Date() });
  }
  return lexbridge.store.db.transaction(async (tx) => {
    const [updated] = await tx.update(workflows).set(changes).where(eq(workflows.id, row.id)).returning();
    await recordAudit(tx, {
      action: 'workflow.update',
      actorUserId: actor.id,
      targetType: 'workflow',
      targetId: row.id,
      ip: actor.ip ?? null,
      details: { fields: Object.keys(body) },
    });
    return updated!;
  });
}

/** Deletes a workflow (its history stays readable to admins in the audit log); cancels an active run. */
export async function deleteWorkflow(lexbridge: Lexbridge, actor: Actor, row: WorkflowRow): Promise<void> {
  const active = await lexbridge.store.db
    .select()
    .from(workflowRuns)
    .where(and(eq(workflowRuns.workflowId, row.id), inArray(workflowRuns.status, [...activeRunStatuses])));
  for (const run of active) await cancelRun(lexbridge, run);
  await lexbridge.store.db.transaction(async (tx) => {
    await tx
      .update(workflows)
      .set({ deletedAt: new Date(), updatedAt: new Date() })
      .where(eq(workflows.id, row.id));
    await recordAudit(tx, {
      action: 'workflow.delete',
      actorUserId: actor.id,
      targetType: 'workflow',
      targetId: row.id,
      ip: actor.ip ?? null,
      details: { name: row.name },
    });
  });
}
