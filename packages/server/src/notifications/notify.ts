import { randomUUID } from 'node:crypto';
import type { NotificationEventType } from '@lexbridge/contracts';
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Config } from '../config/index.ts';
import type { DbOrTx } from '../store/db.ts';
import { connectors, notifications, runItems, users, workflowRuns, workflows } from '../store/schema.ts';
import { plainText } from './plain-text.ts';

/**
 * The events Lexbridge tells people about, and `notify`, which records one as notices in the outbox
 * (table notifications) — in the caller's transaction, so a notice exists exactly when what caused it
 * does, and nothing is sent while the caller waits. The dispatcher (dispatch.ts) later groups notices
 * into digests and hands them to the job queue for delivery. Facts are captured now (names, counts,
 * plain reasons), never tokens or secrets.
 */
export type NotificationEvent =
  /** A run ended `failed`, or `partial` (finished with failures). Dry runs and publishes are not reported. */
  | { type: 'run.failed'; runId: string }
  /**
   * A run has been waiting for an unavailable system for longer than LEXBRIDGE_NOTIFY_OUTAGE_MINUTES
   * (see `outageNoticeDue`). Emit it once per outage of a run; a second one while the first waits is dropped.
   */
  | { type: 'run.waiting'; runId: string; system: string; since: Date }
  /** A connection can no longer be used; its owner must re-authorise. */
  | {
      type: 'connection.expired';
      connectorId: string;
      userId: string;
      reason: string;
      pausedWorkflows?: readonly { name: string }[];
    }
  /** Lexbridge paused a workflow (not the person themselves). */
  | { type: 'workflow.paused'; workflowId: string; reason: string }
  /** A connector's client secret expires at `expiresAt`, as the connected system reports it. */
  | { type: 'secret.expiring'; connectorId: string; expiresAt: Date };

interface Notice {
  userIds: string[];
  dedupeKey: string;
  facts: Record<string, unknown>;
}

/** Records the event as one notice per recipient; events nobody should hear about record nothing. */
export async function notify(db: DbOrTx, event: NotificationEvent): Promise<number> {
  const notice = await resolve(db, event);
  const userIds = [...new Set(notice?.userIds ?? [])];
  if (!notice || userIds.length === 0) return 0;
  const rows = await db
    .insert(notifications)
    .values(
      userIds.map((userId) => ({
        id: randomUUID(),
        type: event.type satisfies NotificationEventType,
        userId,
        dedupeKey: notice.dedupeKey,
        facts: notice.facts,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: notifications.id });
  return rows.length;
}

/** True once a run waiting since `since` should be reported as waiting on an outage. */
export function outageNoticeDue(
  config: Pick<Config, 'LEXBRIDGE_NOTIFY_OUTAGE_MINUTES'>,
  since: Date,
  now = new Date(),
) {
  return now.getTime() - since.getTime() >= config.LEXBRIDGE_NOTIFY_OUTAGE_MINUTES * 60_000;
}

function resolve(db: DbOrTx, event: NotificationEvent): Promise<Notice | undefined> {
  switch (event.type) {
    case 'run.failed':
      return runFailed(db, event.runId);
    case 'run.waiting':
      return runWaiting(db, event);
    case 'connection.expired':
      return connectionExpired(db, event);
    case 'workflow.paused':
      return workflowPaused(db, event);
    case 'secret.expiring':
      return secretExpiring(db, event);
  }
}

async function runWithWorkflow(db: DbOrTx, runId: string) {
  const [row] = await db
    .select({ run: workflowRuns, workflow: workflows })
    .from(workflowRuns)
    .innerJoin(workflows, eq(workflows.id, workflowRuns.workflowId))
    .where(eq(workflowRuns.id, runId));
  return row && !row.run.dryRun && row.workflow.type !== 'publish' ? row : undefined;
}

async function runFailed(db: DbOrTx, runId: string): Promise<Notice | undefined> {
  const row = await runWithWorkflow(db, runId);
  if (!row || (row.run.status !== 'failed' && row.run.status !== 'partial')) return undefined;
  const { run, workflow } = row;
  const firstFailures = await db
    .select({ path: runItems.sourcePath, error: runItems.error })
    .from(runItems)
    .where(and(eq(runItems.runId, runId), eq(runItems.outcome, 'failed')))
    .orderBy(runItems.id)
    .limit(3);
  return {
    userIds: [workflow.ownerId],
    dedupeKey: `run.failed:${runId}`,
    facts: {
      runId,
      workflowId: workflow.id,
      workflowName: workflow.name,
      status: run.status,
      done: run.done,
      planned: run.planned,
      failed: run.failed,
      error: run.error ? plainText(run.error) : null,
      firstFailures: firstFailures.map((f) => ({
        path: f.path ?? '',
        error: plainText(f.error ?? 'failed'),
      })),
    },
  };
}

async function runWaiting(
  db: DbOrTx,
  event: Extract<NotificationEvent, { type: 'run.waiting' }>,
): Promise<Notice | undefined> {
  const row = await runWithWorkflow(db, event.runId);
  if (!row) return undefined;
  return {
    userIds: [row.workflow.ownerId],
    dedupeKey: `run.waiting:${event.runId}`,
    facts: {
      runId: event.runId,
      workflowId: row.workflow.id,
      workflowName: row.workflow.name,
      system: plainText(event.system),
      since: event.since.toISOString(),
    },
  };
}

async function connectorName(db: DbOrTx, connectorId: string) {
  const [row] = await db
    .select({ name: connectors.name, createdBy: connectors.createdBy })
    .from(connectors)
    .where(eq(connectors.id, connectorId));
  return row;
}

async function connectionExpired(
  db: DbOrTx,
  event: Extract<NotificationEvent, { type: 'connection.expired' }>,
): Promise<Notice | undefined> {
  const connector = await connectorName(db, event.connectorId);
  return {
    userIds: [event.userId],
    dedupeKey: `connection.expired:${event.connectorId}`,
    facts: {
      connectorId: event.connectorId,
      connectorName: connector?.name ?? 'a connector',
      reason: plainText(event.reason),
      pausedWorkflows: (event.pausedWorkflows ?? []).map((w) => w.name),
    },
  };
}

async function workflowPaused(
  db: DbOrTx,
  event: Extract<NotificationEvent, { type: 'workflow.paused' }>,
): Promise<Notice | undefined> {
  const [workflow] = await db.select().from(workflows).where(eq(workflows.id, event.workflowId));
  if (!workflow || workflow.type === 'publish') return undefined;
  // A pause because a connection expired is already told by the waiting connection.expired notice.
  const [told] = await db
    .select({ id: notifications.id })
    .from(notifications)
    .where(
      and(
        eq(notifications.userId, workflow.ownerId),
        eq(notifications.type, 'connection.expired'),
        eq(notifications.emailState, 'pending'),
        inArray(sql`${notifications.facts}->>'connectorId'`, [
          workflow.sourceConnectorId ?? '',
          workflow.targetConnectorId ?? '',
        ]),
      ),
    )
    .limit(1);
  if (told) return undefined;
  return {
    userIds: [workflow.ownerId],
    dedupeKey: `workflow.paused:${workflow.id}`,
    facts: { workflowId: workflow.id, workflowName: workflow.name, reason: plainText(event.reason) },
  };
}

async function secretExpiring(
  db: DbOrTx,
  event: Extract<NotificationEvent, { type: 'secret.expiring' }>,
): Promise<Notice | undefined> {
  const connector = await connectorName(db, event.connectorId);
  if (!connector) return undefined;
  const admins = await db
    .select({ id: users.id })
    .from(users)
    .where(and(isNotNull(users.email), sql`${users.roles} @> '["ConnectorAdmin"]'::jsonb`));
  const expiresAt = event.expiresAt.toISOString();
  return {
    userIds: [...(connector.createdBy ? [connector.createdBy] : []), ...admins.map((a) => a.id)],
    dedupeKey: `secret.expiring:${event.connectorId}:${expiresAt.slice(0, 10)}`,
    facts: { connectorId: event.connectorId, connectorName: connector.name, expiresAt },
  };
}
