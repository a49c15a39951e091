import { and, count, desc, eq, gte, like, lt, lte, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../store/db.ts';
import { auditEvents } from '../store/schema.ts';
import { labelAuditEvents } from './labels.ts';

export interface AuditFilter {
  /** Exact action, or a prefix ending in "." (e.g. "auth.") for a family of actions. */
  action?: string;
  actorUserId?: string;
  outcome?: string;
  from?: Date;
  to?: Date;
  /** Only events with a smaller id (keyset paging, newest first). */
  before?: number;
  limit: number;
}

/**
 * The audit log, newest first, filtered; `nextBefore` continues with older events, and `total` is how
 * many events match the filters on every page (the cursor does not change it).
 */
export async function listAuditEvents(db: DbOrTx, filter: AuditFilter) {
  const conditions: SQL[] = [];
  if (filter.action) {
    conditions.push(
      filter.action.endsWith('.')
        ? like(auditEvents.action, `${filter.action.replace(/[\\%_]/g, '\\$&')}%`)
        : eq(auditEvents.action, filter.action),
    );
  }
  if (filter.actorUserId) conditions.push(eq(auditEvents.actorUserId, filter.actorUserId));
  if (filter.outcome) conditions.push(eq(auditEvents.outcome, filter.outcome));
  if (filter.from) conditions.push(gte(auditEvents.at, filter.from));
  if (filter.to) conditions.push(lte(auditEvents.at, filter.to));
  const matching = conditions.length ? and(...conditions) : undefined;
  if (filter.before) conditions.push(lt(auditEvents.id, filter.before));
  const [rows, [counted]] = await Promise.all([
    db
      .select()
      .from(auditEvents)
      .where(conditions.length ? and(...conditions) : undefined)
      .orderBy(desc(auditEvents.id))
      .limit(filter.limit + 1),
    db.select({ total: count() }).from(auditEvents).where(matching),
  ]);
  const page = rows.slice(0, filter.limit);
  return {
    events: await labelAuditEvents(
      db,
      page.map((r) => ({ ...r, at: r.at.toISOString() })),
    ),
    nextBefore: rows.length > filter.limit ? page[page.length - 1]!.id : null,
    total: counted?.total ?? 0,
  };
}
