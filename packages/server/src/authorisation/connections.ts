import type { Connection } from '@lexbridge/contracts';
import { and, eq, or, sql } from 'drizzle-orm';
import { recordAudit } from '../audit/record.ts';
import type { ExternalAccount } from '../connectors/plugin.ts';
import type { Lexbridge } from '../context.ts';
import { notify } from '../notifications/notify.ts';
import type { DbOrTx } from '../store/db.ts';
import { connections, workflows } from '../store/schema.ts';

/**
 * Each user's connection to a connector: its status, the external account behind it, and the sealed
 * tokens (read and written by tokens.ts). Also the two side effects of a connection going bad or
 * coming back: the owner's workflows that use the connector pause with pause_reason 'reauthorise',
 * and resume once the owner authorises again.
 */
export type ConnectionRow = typeof connections.$inferSelect;

/** The account stored with a connection (recorded by the plug-in at authorisation), or null. */
export function storedAccount(value: unknown): ExternalAccount | null {
  if (!value || typeof value !== 'object') return null;
  const v = value as Record<string, unknown>;
  if (typeof v.id !== 'string') return null;
  const text = (x: unknown) => (typeof x === 'string' ? x : null);
  const facts = Array.isArray(v.facts)
    ? v.facts.filter(
        (f): f is { label: string; value: string } =>
          typeof f?.label === 'string' && typeof f?.value === 'string',
      )
    : [];
  const details = v.details && typeof v.details === 'object' ? (v.details as Record<string, unknown>) : {};
  return { id: v.id, name: text(v.name), email: text(v.email), facts, details };
}

export const pauseReasonReauthorise = 'reauthorise';

export async function findConnection(
  db: DbOrTx,
  connectorId: string,
  userId: string,
): Promise<ConnectionRow | undefined> {
  const rows = await db
    .select()
    .from(connections)
    .where(and(eq(connections.connectorId, connectorId), eq(connections.userId, userId)))
    .limit(1);
  return rows[0];
}

/** What the user sees of their connection; never tokens. */
export function connectionView(row: ConnectionRow | undefined): Connection {
  if (!row) return { status: 'unauthorised' };
  const { status } = row;
  const account = storedAccount(row.externalAccount);
  const expiresAt = row.refreshToken ? row.refreshTokenExpiresAt : row.accessTokenExpiresAt;
  return {
    status,
    // On an authorised connection a reason is a warning (no refresh token issued, a renewal that failed
    // for now); otherwise it says why the connection cannot be used.
    ...(row.lastError ? { reason: row.lastError } : {}),
    ...(row.lastErrorCode ? { reasonCode: row.lastErrorCode } : {}),
    ...(account && status !== 'unauthorised'
      ? {
          account: { id: account.id, name: account.name, email: account.email, facts: account.facts },
        }
      : {}),
    ...(expiresAt && status === 'authorised' ? { expiresAt: expiresAt.toISOString() } : {}),
    ...(status === 'authorised' ? { authorisedAt: row.createdAt.toISOString() } : {}),
    ...(status === 'expired' || status === 'error' ? { since: row.updatedAt.toISOString() } : {}),
  };
}

/** The condition "this workflow reads from or writes to the connector". */
export function usesConnector(connectorId: string) {
  return or(eq(workflows.sourceConnectorId, connectorId), eq(workflows.targetConnectorId, connectorId));
}

/** Pauses the workflows of `ownerId` (or of every owner) that read from or write to the connector. */
export async function pauseWorkflowsUsing(
  tx: DbOrTx,
  connectorId: string,
  ownerId?: string,
): Promise<{ id: string; name: string }[]> {
  return tx
    .update(workflows)
    .set({ status: 'paused', pauseReason: pauseReasonReauthorise, updatedAt: new Date() })
    .where(
      and(
        usesConnector(connectorId),
        eq(workflows.status, 'active'),
        ownerId ? eq(workflows.ownerId, ownerId) : sql`true`,
      ),
    )
    .returning({ id: workflows.id, name: workflows.name });
}

/** Resumes the owner's workflows paused only because this connection needed re-authorisation. */
export async function resumeWorkflowsUsing(
  tx: DbOrTx,
  connectorId: string,
  ownerId: string,
): Promise<{ id: string }[]> {
  return tx
    .update(workflows)
    .set({ status: 'active', pauseReason: null, updatedAt: new Date() })
    .where(
      and(
        usesConnector(connectorId),
        eq(workflows.ownerId, ownerId),
        eq(workflows.status, 'paused'),
        eq(workflows.pauseReason, pauseReasonReauthorise),
      ),
    )
    .returning({ id: workflows.id });
}

/** The columns of a connection that can no longer be used: tokens forgotten, the reason recorded. */
export function expiredColumns(reason: { code: string; message: string }) {
  return {
    status: 'expired' as const,
    accessToken: null,
    refreshToken: null,
    accessTokenExpiresAt: null,
    refreshTokenExpiresAt: null,
    lastErrorCode: reason.code,
    lastError: reason.message,
    tokenVersion: sql`${connections.tokenVersion} + 1`,
    updatedAt: new Date(),
  };
}

/**
 * Marks a connection expired: forgets its tokens, records why, pauses the owner's workflows on the
 * connector and writes the audit event, all in the caller's transaction.
 */
export async function expireConnection(
  tx: DbOrTx,
  row: Pick<ConnectionRow, 'id' | 'connectorId' | 'userId'>,
  reason: { code: string; message: string },
  actor: { userId?: string | null; label?: string } = { label: 'system' },
): Promise<void> {
  await tx.update(connections).set(expiredColumns(reason)).where(eq(connections.id, row.id));
  const paused = await pauseWorkflowsUsing(tx, row.connectorId, row.userId);
  await notify(tx, {
    type: 'connection.expired',
    connectorId: row.connectorId,
    userId: row.userId,
    reason: reason.message,
    pausedWorkflows: paused,
  });
  await recordAudit(tx, {
    action: 'connection.expire',
    actorUserId: actor.userId ?? null,
    actorLabel: actor.label ?? null,
    targetType: 'connection',
    targetId: row.id,
    outcome: 'failure',
    details: {
      connectorId: row.connectorId,
      userId: row.userId,
      code: reason.code,
      pausedWorkflows: paused.map((w) => w.id),
    },
  });
}

/** Disconnects: deletes the user's connection and its tokens. */
export async function disconnect(
  lexbridge: Lexbridge,
  connectorId: string,
  userId: string,
  ip?: string,
): Promise<boolean> {
  return lexbridge.store.db.transaction(async (tx) => {
    const removed = await tx
      .delete(connections)
      .where(and(eq(connections.connectorId, connectorId), eq(connections.userId, userId)))
      .returning({ id: connections.id });
    if (removed.length === 0) return false;
    await pauseWorkflowsUsing(tx, connectorId, userId);
    await recordAudit(tx, {
      action: 'connection.disconnect',
      actorUserId: userId,
      targetType: 'connection',
      targetId: removed[0]!.id,
      ip: ip ?? null,
      details: { connectorId },
    });
    return true;
  });
}
