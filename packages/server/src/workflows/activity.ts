import type { RunStatus, WorkflowRunList, WorkflowType } from '@lexbridge/contracts';
import { and, desc, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { AppError } from '../errors.ts';
import type { RequestUser } from '../identity/person.ts';
import type { DbOrTx } from '../store/db.ts';
import { users, workflowRuns, workflows } from '../store/schema.ts';
import { isWorkflow, seesAllWorkflows, toRunResponse } from './model.ts';

export interface RunListOptions {
  status?: RunStatus[];
  /** `nextCursor` of the previous page. */
  cursor?: string;
  /** Only runs created before this instant. */
  before?: Date;
  limit: number;
}

/** Position of a run in the newest-first order: created_at in microseconds (exact, unlike a JS Date) and the id. */
interface Position {
  micros: string;
  id: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function encodeCursor(position: Position): string {
  return Buffer.from(`${position.micros}.${position.id}`).toString('base64url');
}

function decodeCursor(cursor: string): Position {
  const [micros, id] = Buffer.from(cursor, 'base64url').toString().split('.');
  if (!micros || !/^\d{1,19}$/.test(micros) || !id || !uuidPattern.test(id)) {
    throw new AppError(
      'validation_failed',
      'The cursor is not one this server gave out; start again without it.',
      { field: 'cursor' },
    );
  }
  return { micros, id };
}

/**
 * Runs of every workflow the user may see (their own; everyone's for Admins and Connector Admins),
 * newest first, with the workflow's name, type and owner: one query joining runs to workflows (and
 * owners), served by workflow_runs_created (0005). Publish channels' runs are not workflow runs and
 * are left out, as are runs of deleted workflows.
 */
export async function listRunsAcrossWorkflows(
  db: DbOrTx,
  user: Pick<RequestUser, 'id' | 'roles'>,
  options: RunListOptions,
): Promise<WorkflowRunList> {
  const after = options.cursor ? decodeCursor(options.cursor) : null;
  const rows = await db
    .select({
      run: workflowRuns,
      workflowName: workflows.name,
      workflowType: workflows.type,
      ownerId: workflows.ownerId,
      ownerName: users.name,
      micros: sql<string>`(extract(epoch from ${workflowRuns.createdAt}) * 1000000)::bigint::text`,
    })
    .from(workflowRuns)
    .innerJoin(workflows, eq(workflows.id, workflowRuns.workflowId))
    .leftJoin(users, eq(users.id, workflows.ownerId))
    .where(
      and(
        isNull(workflows.deletedAt),
        isWorkflow(),
        seesAllWorkflows(user) ? undefined : eq(workflows.ownerId, user.id),
        options.status?.length ? inArray(workflowRuns.status, options.status) : undefined,
        options.before ? lt(workflowRuns.createdAt, options.before) : undefined,
        after
          ? sql`(${workflowRuns.createdAt}, ${workflowRuns.id}) < (timestamptz 'epoch' + ${after.micros}::bigint * interval '1 microsecond', ${after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(workflowRuns.createdAt), desc(workflowRuns.id))
    .limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    runs: page.map((row) => ({
      ...toRunResponse(row.run),
      workflowName: row.workflowName,
      workflowType: row.workflowType as WorkflowType,
      ownerId: row.ownerId,
      ownerName: row.ownerName,
    })),
    nextCursor:
      rows.length > options.limit && last ? encodeCursor({ micros: last.micros, id: last.run.id }) : null,
  };
}
