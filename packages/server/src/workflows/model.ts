import {
  type RunItem,
  type Workflow,
  type WorkflowOptions,
  type WorkflowRun,
  type WorkflowTriggers,
  type WorkflowType,
  workflowOptionsSchema,
  workflowTriggersSchema,
  workflowTypes,
} from '@lexbridge/contracts';
import { and, desc, eq, inArray, isNull } from 'drizzle-orm';
import { AppError } from '../errors.ts';
import type { RequestUser } from '../identity/person.ts';
import type { DbOrTx } from '../store/db.ts';
import { connectors, type runItems, users, workflowRuns, workflows } from '../store/schema.ts';

export type WorkflowRow = typeof workflows.$inferSelect;
export type RunRow = typeof workflowRuns.$inferSelect;
export type RunItemRow = typeof runItems.$inferSelect;

/** A workflow end as stored: the item id plus what was shown when it was chosen. */
export interface StoredLocation {
  id: string;
  name: string;
  path: string;
  /** Ids of the location's ancestors, outermost first: lets conflict checks see nesting without calling the system. */
  ancestors: string[];
}

export const activeRunStatuses = ['queued', 'running'] as const;

/**
 * The type of the workflow rows that back publish channels (publishing/runs.ts): they hold a channel's
 * links and runs but are not workflows. Workflow queries select `isWorkflow`; nothing else names it.
 */
export const publishChannelType = 'publish';
/** The condition "this row is a workflow" (not a publish channel). */
export const isWorkflow = () => inArray(workflows.type, [...workflowTypes]);
/** The condition "this row backs a publish channel". */
export const isPublishChannel = () => eq(workflows.type, publishChannelType);

export function workflowOptions(row: Pick<WorkflowRow, 'options'>): WorkflowOptions {
  return workflowOptionsSchema.parse(row.options ?? {});
}

export function workflowTriggers(row: Pick<WorkflowRow, 'triggers'>): WorkflowTriggers {
  return workflowTriggersSchema.parse(row.triggers ?? {});
}

export function storedLocation(value: Record<string, unknown>): StoredLocation {
  return {
    id: String(value.id ?? ''),
    name: String(value.name ?? ''),
    path: String(value.path ?? ''),
    ancestors: Array.isArray(value.ancestors) ? value.ancestors.map(String) : [],
  };
}

/** Admins and Connector Admins see and edit every workflow; everyone else only their own. */
export function seesAllWorkflows(user: Pick<RequestUser, 'roles'>): boolean {
  return user.roles.includes('Admin') || user.roles.includes('ConnectorAdmin');
}

/**
 * Loads a workflow the user may see, or throws workflow_not_found (also for others' workflows, so ids
 * do not leak). Rows of other types (publishing's backing channels) are not workflows to the API.
 */
export async function loadWorkflowFor(
  db: DbOrTx,
  user: Pick<RequestUser, 'id' | 'roles'>,
  id: string,
): Promise<WorkflowRow> {
  const [row] = await db
    .select()
    .from(workflows)
    .where(
      and(eq(workflows.id, id), isNull(workflows.deletedAt), inArray(workflows.type, [...workflowTypes])),
    );
  if (!row || (!seesAllWorkflows(user) && row.ownerId !== user.id)) {
    throw new AppError('workflow_not_found', 'This workflow does not exist, or it is not yours to see.');
  }
  return row;
}

/** Loads a run of a workflow the user may see, or throws workflow_run_not_found. */
export async function loadRunFor(
  db: DbOrTx,
  user: Pick<RequestUser, 'id' | 'roles'>,
  runId: string,
): Promise<RunRow> {
  const [run] = await db.select().from(workflowRuns).where(eq(workflowRuns.id, runId));
  if (run) {
    try {
      await loadWorkflowFor(db, user, run.workflowId);
      return run;
    } catch {
      // fall through: not theirs
    }
  }
  throw new AppError('workflow_run_not_found');
}

export function toRunResponse(run: RunRow): WorkflowRun {
  const end = run.finishedAt ?? (run.status === 'running' ? new Date() : null);
  return {
    id: run.id,
    workflowId: run.workflowId,
    status: run.status,
    trigger: run.trigger as WorkflowRun['trigger'],
    dryRun: run.dryRun,
    fullReconcile: run.fullReconcile,
    counts: {
      created: run.created,
      updated: run.updated,
      deleted: run.deleted,
      skipped: run.skipped,
      failed: run.failed,
    },
    planned: run.planned,
    done: run.done,
    bytes: Number(run.bytes),
    bytesPlanned: Number(run.bytesPlanned),
    createdAt: run.createdAt.toISOString(),
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    durationMs: run.startedAt && end ? end.getTime() - run.startedAt.getTime() : null,
    errorCode: run.errorCode,
    error: run.error,
    waiting: run.status === 'running' ? ((run.waiting as WorkflowRun['waiting']) ?? null) : null,
  };
}

export function toRunItemResponse(item: RunItemRow): RunItem {
  return {
    id: item.id,
    action: item.action as RunItem['action'],
    kind: item.kind as RunItem['kind'],
    outcome: item.outcome as RunItem['outcome'],
    sourcePath: item.sourcePath,
    targetPath: item.targetPath,
    renamedFrom: item.renamedFrom,
    bytes: Number(item.bytes),
    errorCode: item.errorCode,
    error: item.error,
    detail: item.detail ?? null,
    direction: item.direction ?? null,
    conflict: (item.conflict as RunItem['conflict']) ?? null,
    at: item.at.toISOString(),
  };
}

/** The API view of workflows, with owner names, connector names and each one's latest run. */
export async function toWorkflowResponses(db: DbOrTx, rows: WorkflowRow[]): Promise<Workflow[]> {
  if (rows.length === 0) return [];
  const ownerIds = [...new Set(rows.map((r) => r.ownerId))];
  const connectorIds = [
    ...new Set(
      rows.flatMap((r) => [r.sourceConnectorId, r.targetConnectorId]).filter((id): id is string => !!id),
    ),
  ];
  const owners = new Map(
    (await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, ownerIds))).map(
      (u) => [u.id, u.name],
    ),
  );
  const names = new Map(
    connectorIds.length
      ? (
          await db
            .select({ id: connectors.id, name: connectors.name })
            .from(connectors)
            .where(inArray(connectors.id, connectorIds))
        ).map((c) => [c.id, c.name])
      : [],
  );
  const lastRuns = new Map<string, RunRow>();
  for (const row of rows) {
    const [run] = await db
      .select()
      .from(workflowRuns)
      .where(eq(workflowRuns.workflowId, row.id))
      .orderBy(desc(workflowRuns.createdAt))
      .limit(1);
    if (run) lastRuns.set(row.id, run);
  }
  const location = (connectorId: string | null, value: Record<string, unknown>) => {
    const loc = storedLocation(value);
    return {
      connectorId: connectorId ?? '00000000-0000-0000-0000-000000000000',
      id: loc.id,
      name: loc.name,
      path: loc.path,
      connectorName: (connectorId && names.get(connectorId)) || null,
    };
  };
  return rows.map((row) => {
    const lastRun = lastRuns.get(row.id);
    return {
      id: row.id,
      name: row.name,
      type: row.type as WorkflowType,
      ownerId: row.ownerId,
      ownerName: owners.get(row.ownerId) ?? null,
      source: location(row.sourceConnectorId, row.sourceLocation),
      target: location(row.targetConnectorId, row.targetLocation),
      options: workflowOptions(row),
      triggers: workflowTriggers(row),
      intervalMinutes: row.intervalMinutes,
      status: row.status,
      pauseReason: row.pauseReason,
      nextRunAt: row.nextRunAt?.toISOString() ?? null,
      lastRun: lastRun ? toRunResponse(lastRun) : null,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  });
}
