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

/**
 * Names for the objects of a page of audit events, as people know them: a workflow's or connector's
 * name (also after it was deleted), a person's name or email, "Run of <workflow>", "<person> on
 * <connector>" for a connection. Keyed by "type:id".
 */
async function objectNames(db: DbOrTx, events: Event[]): Promise<Map<string, string>> {
  const ids = (type: string) => [
    ...new Set(
      events.flatMap((e) => (e.targetType === type && e.targetId && isUuid(e.targetId) ? [e.targetId] : [])),
    ),
  ];
  const names = new Map<string, string>();
  const put = (type: string, rows: { id: string; name: string | null }[]) => {
    for (const row of rows) if (row.name) names.set(`${type}:${row.id}`, row.name);
  };
  const wanted = (type: string) => (ids(type).length ? ids(type) : null);
  const workflowIds = wanted('workflow');
  if (workflowIds)
    put(
      'workflow',
      await db
        .select({ id: workflows.id, name: workflows.name })
        .from(workflows)
        .where(inArray(workflows.id, workflowIds)),
    );
  const connectorIds = wanted('connector');
  if (connectorIds)
    put(
      'connector',
      await db
        .select({ id: connectors.id, name: connectors.name })
        .from(connectors)
        .where(inArray(connectors.id, connectorIds)),
    );
  const destinationIds = wanted('publish_destination');
  if (destinationIds)
    put(
      'publish_destination',
      await db
        .select({ id: publishDestinations.id, name: publishDestinations.name })
        .from(publishDestinations)
        .where(inArray(publishDestinations.id, destinationIds)),
    );
  const userIds = wanted('user');
  if (userIds) {
    const rows = await db
      .select({ id: users.id, name: users.name, email: users.email })
      .from(users)
      .where(inArray(users.id, userIds));
    put(
      'user',
      rows.map((r) => ({ id: r.id, name: r.name ?? r.email })),
    );
  }
  const runIds = wanted('workflow_run');
  if (runIds) {
    const rows = await db
      .select({ id: workflowRuns.id, name: workflows.name })
      .from(workflowRuns)
      .innerJoin(workflows, eq(workflows.id, workflowRuns.workflowId))
      .where(inArray(workflowRuns.id, runIds));
    put(
      'workflow_run',
      rows.map((r) => ({ id: r.id, name: `Run of ${r.name}` })),
    );
  }
  const connectionIds = wanted('connection');
  if (connectionIds) {
    const rows = await db
      .select({ id: connections.id, connector: connectors.name, name: users.name, email: users.email })
      .from(connections)
      .innerJoin(connectors, eq(connectors.id, connections.connectorId))
      .innerJoin(users, eq(users.id, connections.userId))
      .where(inArray(connections.id, connectionIds));
    put(
      'connection',
      rows.map((r) => ({ id: r.id, name: `${r.name ?? r.email ?? 'Someone'} on ${r.connector}` })),
    );
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
