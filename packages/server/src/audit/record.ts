import type { DbOrTx } from '../store/db.ts';
import { auditEvents } from '../store/schema.ts';

/**
 * Who did what to which object, when and from where. Write the event in the same transaction as the
 * change it describes, so the log never claims a change that was rolled back. Details must not hold
 * secrets or tokens.
 */
export interface AuditEvent {
  /** Dotted verb, e.g. `auth.sign_in`, `connector.create`, `connection.authorise`, `access.denied`. */
  action: string;
  actorUserId?: string | null;
  /** A readable actor when there is no user row (e.g. `system`, an e-mail address at failed sign-in). */
  actorLabel?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  outcome?: 'success' | 'failure' | 'denied';
  ip?: string | null;
  details?: Record<string, unknown> | null;
}

export async function recordAudit(db: DbOrTx, event: AuditEvent): Promise<void> {
  await db.insert(auditEvents).values({
    action: event.action,
    actorUserId: event.actorUserId ?? null,
    actorLabel: event.actorLabel ?? null,
    targetType: event.targetType ?? null,
    targetId: event.targetId ?? null,
    outcome: event.outcome ?? 'success',
    ip: event.ip ?? null,
    details: event.details ?? null,
  });
}
