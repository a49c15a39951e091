import { and, eq } from 'drizzle-orm';
import type { ConnectionRow } from '../authorisation/connections.ts';
import { userAccess } from '../authorisation/user-access.ts';
import type {
  CompatibilityReport,
  ConnectionObservations,
  RefreshObservation,
} from '../connectors/compatibility.ts';
import { loadConnector } from '../connectors/repository.ts';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import { connections, users } from '../store/schema.ts';

/**
 * `lexbridge doctor --<name> <connector>`: the connector's plug-in asks the firm's real server, with
 * one person's authorisation and read-only calls, how it behaves where the connector depends on it.
 * The person is `userRef` (a Lexbridge user id or e-mail address), or else the only one who has
 * authorised the connector.
 *
 * @throws AppError connector_not_found | compatibility_check_unavailable | compatibility_user_required
 *   | connection_not_authorised | connection_expired (and what the server's answers raise)
 */
export async function runCompatibilityCheck(
  lexbridge: Lexbridge,
  name: string,
  connectorId: string,
  userRef?: string,
): Promise<CompatibilityReport> {
  const { plugin, connector } = await loadConnector(lexbridge, connectorId);
  const compatibility = plugin.compatibility;
  if (!compatibility || compatibility.name !== name)
    throw new AppError(
      'compatibility_check_unavailable',
      `Connector ${connectorId} is a ${plugin.label} connector, which --${name} does not check${compatibility ? `; use --${compatibility.name}` : ''}.`,
    );
  const row = await connectionFor(lexbridge, connectorId, userRef);
  usable(row, plugin.systemName);
  const access = userAccess(lexbridge, { connectorId, userId: row.userId });
  const report = await compatibility.run(lexbridge, connector, access, observationsOf(row));
  return {
    ...report,
    connector: { id: connector.id, type: connector.type },
    generatedAt: new Date().toISOString(),
  };
}

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function connectionFor(
  lexbridge: Lexbridge,
  connectorId: string,
  userRef?: string,
): Promise<ConnectionRow> {
  const { db } = lexbridge.store;
  if (userRef) {
    const [user] = await db
      .select({ id: users.id })
      .from(users)
      .where(uuidShape.test(userRef) ? eq(users.id, userRef) : eq(users.email, userRef))
      .limit(1);
    if (!user)
      throw new AppError(
        'compatibility_user_required',
        `No Lexbridge user has the ${uuidShape.test(userRef) ? 'id' : 'e-mail address'} ${userRef}. Name a person who has authorised the connector (--user <e-mail address>).`,
      );
    const [row] = await db
      .select()
      .from(connections)
      .where(and(eq(connections.connectorId, connectorId), eq(connections.userId, user.id)));
    if (!row || row.status === 'unauthorised')
      throw new AppError(
        'connection_not_authorised',
        `${userRef} has not authorised connector ${connectorId}. They choose Authorise on the Connectors page; then run the check again.`,
      );
    return row;
  }
  const rows = (await db.select().from(connections).where(eq(connections.connectorId, connectorId))).filter(
    (r) => r.status !== 'unauthorised',
  );
  if (rows.length === 0)
    throw new AppError(
      'connection_not_authorised',
      `No one has authorised connector ${connectorId} yet. Authorise it on the Connectors page, then run the check again.`,
    );
  const authorised = rows.filter((r) => r.status === 'authorised');
  if (rows.length === 1) return rows[0]!;
  if (authorised.length === 1) return authorised[0]!;
  throw new AppError(
    'compatibility_user_required',
    `${rows.length} people have authorised connector ${connectorId}: say whose authorisation to use with --user <e-mail address>.`,
  );
}

function usable(row: ConnectionRow, systemName: string): void {
  if (row.status === 'authorised') return;
  throw new AppError(
    'connection_expired',
    `This authorisation of the connector is ${row.status} since ${row.updatedAt.toISOString()}${row.lastError ? ` (${row.lastError})` : ''}. Re-authorise on the Connectors page (sign in to ${systemName} again), then run the check again.`,
    row.lastErrorCode ? { reasonCode: row.lastErrorCode } : undefined,
  );
}

/** What Lexbridge recorded of the connection's token calls (tokens.ts records the last refresh). */
function observationsOf(row: ConnectionRow): ConnectionObservations {
  const lastRefresh = (row.externalAccount as { lastRefresh?: RefreshObservation } | null)?.lastRefresh;
  const recorded =
    lastRefresh &&
    typeof lastRefresh.at === 'string' &&
    ['rotated', 'unchanged', 'omitted'].includes(lastRefresh.refreshToken);
  return { authorisedAt: row.createdAt, ...(recorded ? { lastRefresh } : {}) };
}
