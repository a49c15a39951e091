import { authorisationResultMessages } from '@lexbridge/contracts';
import { eq, inArray } from 'drizzle-orm';
import { errorCodes } from '../errors.ts';
import type { DbOrTx } from '../store/db.ts';
import {
  connections,
  connectors,
  publishDestinations,
  users,
  workflowRuns,
  workflows,
} from '../store/schema.ts';

type Event = {
  targetType: string | null;
  targetId: string | null;
  outcome: string;
  details: Record<string, unknown> | null;
};

const isUuid = (value: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

type Named = { id: string; name: string | null };
type Lookup = (db: DbOrTx, ids: string[]) => Promise<Named[]>;

/** A lookup of the name column of a table whose objects people know by name. */
function byName(table: typeof workflows | typeof connectors | typeof publishDestinations): Lookup {
  return (db, ids) => db.select({ id: table.id, name: table.name }).from(table).where(inArray(table.id, ids));
}

/**
 * How each kind of object is named, as people know it: a workflow's or connector's name (also after it
 * was deleted, through the event's own details), a person's name or email, "Run of <workflow>",
 * "<person> on <connector>" for a connection.
 */
const lookups: Record<string, Lookup> = {
  workflow: byName(workflows),
  connector: byName(connectors),
  publish_destination: byName(publishDestinations),
  user: async (db, ids) => {
    const rows = await db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(inArray(users.id, ids));
    return rows.map((r) => ({ id: r.id, name: r.name ?? r.email }));
  },
  workflow_run: async (db, ids) => {
    const rows = await db
      .select({ id: workflowRuns.id, name: workflows.name })
      .from(workflowRuns)
      .innerJoin(workflows, eq(workflows.id, workflowRuns.workflowId))
      .where(inArray(workflowRuns.id, ids));
    return rows.map((r) => ({ id: r.id, name: `Run of ${r.name}` }));
  },
  connection: async (db, ids) => {
    const rows = await db
      .select({ id: connections.id, connector: connectors.name, name: users.name, email: users.email })
      .from(connections)
      .innerJoin(connectors, eq(connectors.id, connections.connectorId))
      .innerJoin(users, eq(users.id, connections.userId))
      .where(inArray(connections.id, ids));
    return rows.map((r) => ({ id: r.id, name: `${r.name ?? r.email ?? 'Someone'} on ${r.connector}` }));
  },
};

/** Names for the objects of a page of audit events, keyed by "type:id"; one query per kind present. */
async function objectNames(db: DbOrTx, events: Event[]): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  for (const [type, lookup] of Object.entries(lookups)) {
    const ids = [
      ...new Set(
        events.flatMap((e) =>
          e.targetType === type && e.targetId && isUuid(e.targetId) ? [e.targetId] : [],
        ),
      ),
    ];
    if (ids.length === 0) continue;
    for (const row of await lookup(db, ids)) if (row.name) names.set(`${type}:${row.id}`, row.name);
  }
  return names;
}

const typeWords: Record<string, string> = {
  workflow: 'Workflow',
  workflow_run: 'Run',
  connector: 'Connector',
  connection: 'Connection',
  publish_destination: 'Publish destination',
  user: 'Person',
  route: 'Page or API',
  notification_settings: 'Notification settings',
  job: 'Job',
};

/** Why an action failed or was denied, in words, from the code (and detail) its event recorded. */
export function failureReason(event: Pick<Event, 'outcome' | 'details'>): string | null {
  if (event.outcome === 'success' || !event.details) return null;
  const code = [event.details.code, event.details.result].find((c): c is string => typeof c === 'string');
  const known =
    code && code in authorisationResultMessages
      ? authorisationResultMessages[code as keyof typeof authorisationResultMessages].message
      : code && code in errorCodes
        ? errorCodes[code as keyof typeof errorCodes].message
        : null;
  const detail = typeof event.details.detail === 'string' ? event.details.detail : null;
  const words = known ?? detail ?? code ?? null;
  if (!words) return null;
  return code && !known ? words : `${words}${code ? ` (${code})` : ''}`;
}

/** Each event with its object's name ("Workflow “Acme copy”") and, for failures, the reason. */
export async function labelAuditEvents<T extends Event>(
  db: DbOrTx,
  events: T[],
): Promise<(T & { targetLabel: string | null; reason: string | null })[]> {
  const names = await objectNames(db, events);
  return events.map((event) => {
    const name = event.targetId ? names.get(`${event.targetType}:${event.targetId}`) : undefined;
    const fallback = typeof event.details?.name === 'string' ? event.details.name : undefined;
    const type = event.targetType ? (typeWords[event.targetType] ?? event.targetType) : null;
    const shown = name ?? fallback;
    const targetLabel = !type
      ? null
      : shown
        ? `${type} “${shown}”`
        : event.targetId && !isUuid(event.targetId)
          ? `${type} ${event.targetId}`
          : type;
    return { ...event, targetLabel, reason: failureReason(event) };
  });
}
