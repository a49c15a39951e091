import type { Connector, ConnectorField } from '@lexbridge/contracts';
import { and, eq, isNull } from 'drizzle-orm';
import { recordAudit } from '../audit/record.ts';
import {
  type ConnectionRow,
  connectionView,
  expiredColumns,
  findConnection,
  pauseWorkflowsUsing,
  usesConnector,
} from '../authorisation/connections.ts';
import { assertAddressAllowed } from '../connectors/http.ts';
import { connectorPlugin } from '../connectors/registry.ts';
import {
  type Actor,
  type ConnectorRow,
  connectorFields,
  getConnectorRow,
  parseConnectorEdit,
  parseNewConnector,
  sealConnectorSecrets,
  secretKeysOf,
} from '../connectors/repository.ts';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import { notify } from '../notifications/notify.ts';
import type { DbOrTx } from '../store/db.ts';
import { connections, connectors, workflows } from '../store/schema.ts';
import { isPublishChannel, isWorkflow } from '../workflows/model.ts';

/**
 * What Connector Admins do to connectors, with what follows for everyone else: an edit that points a
 * connector elsewhere expires every user's authorisation and pauses their workflows; a delete pauses
 * (or refuses while) workflows use it. This sits above connectors/, authorisation/ and workflows/,
 * which each keep their own rows.
 */
export function connectorView(
  row: ConnectorRow,
  connection: ConnectionRow | undefined,
  secrets: Record<string, string> = {},
): Connector {
  return { ...connectorFields(row, secrets), connection: connectionView(connection) };
}

/** Every connector, each with the given user's own connection. */
export async function listConnectors(lexbridge: Lexbridge, userId: string): Promise<Connector[]> {
  const { db } = lexbridge.store;
  const rows = await db.select().from(connectors).orderBy(connectors.name, connectors.createdAt);
  const mine = await db.select().from(connections).where(eq(connections.userId, userId));
  const byConnector = new Map(mine.map((c) => [c.connectorId, c]));
  return rows.map((row) => connectorView(row, byConnector.get(row.id), secretKeysOf(lexbridge, row)));
}

export async function getConnector(lexbridge: Lexbridge, id: string, userId: string): Promise<Connector> {
  const { db } = lexbridge.store;
  const row = await getConnectorRow(db, id);
  return connectorView(row, await findConnection(db, id, userId), secretKeysOf(lexbridge, row));
}

export async function createConnector(
  lexbridge: Lexbridge,
  input: { type: string; name: string; config: Record<string, unknown> },
  actor: Actor,
): Promise<Connector> {
  const { id, plugin, name, config, secrets } = await parseNewConnector(lexbridge, input);
  await assertAddressesAllowed(lexbridge, plugin.fields, config, Object.keys(config));
  const secretConfig = sealConnectorSecrets(lexbridge, id, secrets);
  const row = await lexbridge.store.db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(connectors)
      .values({ id, type: plugin.id, name, config, secretConfig, createdBy: actor.userId })
      .returning();
    await recordAudit(tx, {
      action: 'connector.create',
      actorUserId: actor.userId,
      targetType: 'connector',
      targetId: id,
      ip: actor.ip ?? null,
      details: { type: plugin.id, name, config },
    });
    return inserted!;
  });
  return connectorView(row, undefined, secrets);
}

export async function updateConnector(
  lexbridge: Lexbridge,
  id: string,
  input: { name?: string; config?: Record<string, unknown> },
  actor: Actor,
): Promise<Connector> {
  const { db } = lexbridge.store;
  const before = await getConnectorRow(db, id);
  const edit = await parseConnectorEdit(lexbridge, before, input);
  await assertAddressesAllowed(lexbridge, connectorPlugin(before.type).fields, edit.config, edit.changed);
  const secretConfig = sealConnectorSecrets(lexbridge, id, edit.secrets);
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(connectors)
      .set({ name: edit.name, config: edit.config, secretConfig, updatedAt: new Date() })
      .where(eq(connectors.id, id))
      .returning();
    const expired = edit.invalidates.length > 0 ? await expireAuthorisations(tx, id, edit.invalidates) : 0;
    await recordAudit(tx, {
      action: 'connector.update',
      actorUserId: actor.userId,
      targetType: 'connector',
      targetId: id,
      ip: actor.ip ?? null,
      details: {
        changed: edit.changed,
        nameChanged: edit.name !== before.name,
        secretChanged: edit.secretChanged,
        expiredConnections: expired,
      },
    });
    return updated!;
  });
  return connectorView(row, await findConnection(db, id, actor.userId), edit.secrets);
}

/**
 * The servers a connector's address fields name (Server Address; SharePoint's sign-in and Graph
 * hosts) must be on addresses the operator allows: public ones, or those allowed for private networks
 * (connectors/address-guard.ts). Checked for the fields given, at each save; again at each connection.
 */
async function assertAddressesAllowed(
  lexbridge: Lexbridge,
  fields: readonly ConnectorField[],
  config: Record<string, unknown>,
  keys: string[],
): Promise<void> {
  for (const field of fields) {
    const value = config[field.key];
    if (field.type !== 'url' || !keys.includes(field.key) || typeof value !== 'string' || !value) continue;
    try {
      await assertAddressAllowed(lexbridge.config, value);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      throw new AppError(err.code, `${field.key}: ${err.message}`, { ...err.details, field: field.key });
    }
  }
}

/** Every user's connection to the connector expires (they are told), and the workflows using it pause. */
async function expireAuthorisations(
  tx: DbOrTx,
  connectorId: string,
  changedLabels: string[],
): Promise<number> {
  const reason = `A Connector Admin changed this connector's ${changedLabels.join(' and ')}. Authorise again.`;
  const rows = await tx
    .update(connections)
    .set(expiredColumns({ code: 'connection_expired', message: reason }))
    .where(eq(connections.connectorId, connectorId))
    .returning({ id: connections.id, userId: connections.userId });
  for (const r of rows)
    await notify(tx, { type: 'connection.expired', connectorId, userId: r.userId, reason });
  if (rows.length > 0) await pauseWorkflowsUsing(tx, connectorId);
  return rows.length;
}

/**
 * Deletes a connector. Refused with connector_in_use (listing the workflows) while workflows use it,
 * unless `force`, which pauses those workflows first; the connector's connections go with it.
 */
export async function deleteConnector(
  lexbridge: Lexbridge,
  id: string,
  options: { force: boolean },
  actor: Actor,
): Promise<{ pausedWorkflows: string[] }> {
  return lexbridge.store.db.transaction(async (tx) => {
    await getConnectorRow(tx, id);
    const using = await tx
      .select({
        id: workflows.id,
        name: workflows.name,
        ownerId: workflows.ownerId,
        status: workflows.status,
      })
      .from(workflows)
      .where(and(usesConnector(id), isNull(workflows.deletedAt), isWorkflow()));
    if (using.length > 0 && !options.force) {
      throw new AppError(
        'connector_in_use',
        `${using.length} workflow${using.length === 1 ? ' uses' : 's use'} this connector: ${using.map((w) => `"${w.name}"`).join(', ')}. Change or delete them first, or delete with force, which pauses them.`,
        { workflows: using },
      );
    }
    const paused = using.length > 0 ? await pauseForDeletedConnector(tx, id) : [];
    // Publish channels (publishing/runs.ts) go with the connector, as its destinations and publish runs do.
    await tx.delete(workflows).where(and(usesConnector(id), isPublishChannel()));
    await tx.delete(connectors).where(eq(connectors.id, id));
    await recordAudit(tx, {
      action: 'connector.delete',
      actorUserId: actor.userId,
      targetType: 'connector',
      targetId: id,
      ip: actor.ip ?? null,
      details: { force: options.force, pausedWorkflows: paused },
    });
    return { pausedWorkflows: paused };
  });
}

async function pauseForDeletedConnector(tx: DbOrTx, connectorId: string): Promise<string[]> {
  const paused = await tx
    .update(workflows)
    .set({ status: 'paused', pauseReason: 'connector_deleted', updatedAt: new Date() })
    .where(and(usesConnector(connectorId), isNull(workflows.deletedAt), isWorkflow()))
    .returning({ id: workflows.id });
  for (const w of paused)
    await notify(tx, {
      type: 'workflow.paused',
      workflowId: w.id,
      reason: 'A Connector Admin deleted a connector it uses. Edit it to use another, then resume it.',
    });
  return paused.map((w) => w.id);
}
