import { randomUUID } from 'node:crypto';
import type { Connector } from '@lexbridge/contracts';
import { and, eq, isNull } from 'drizzle-orm';
import { recordAudit } from '../audit/record.ts';
import {
  type ConnectionRow,
  connectionView,
  expiredColumns,
  pauseWorkflowsUsing,
  usesConnector,
} from '../authorisation/connections.ts';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import { notify } from '../notifications/notify.ts';
import type { DbOrTx } from '../store/db.ts';
import { connections, connectors, workflows } from '../store/schema.ts';
import { isPublishChannel, isWorkflow } from '../workflows/model.ts';
import type { ConnectorPlugin, StoredConnector } from './plugin.ts';
import { connectorPlugin } from './registry.ts';

/**
 * Connectors: create, read, edit, delete. Non-secret settings live in connectors.config (JSON);
 * secret ones (a client secret) are sealed into connectors.secret_config and leave this module only
 * inside a `StoredConnector` handed to the connector's own plug-in.
 */
export type ConnectorRow = typeof connectors.$inferSelect;

/** Who is making a change, for the audit log. */
export interface Actor {
  userId: string;
  ip?: string;
}

const secretSlot = (id: string) => ({ table: 'connectors', rowId: id, column: 'secret_config' });

export async function getConnectorRow(db: DbOrTx, id: string): Promise<ConnectorRow> {
  const rows = await db.select().from(connectors).where(eq(connectors.id, id)).limit(1);
  if (!rows[0]) throw new AppError('connector_not_found', undefined, { connectorId: id });
  return rows[0];
}

function openConnectorSecrets(
  lexbridge: Pick<Lexbridge, 'secrets'>,
  row: ConnectorRow,
): Record<string, string> {
  return row.secretConfig
    ? lexbridge.secrets.openJson<Record<string, string>>(row.secretConfig, secretSlot(row.id))
    : {};
}

/** A connector with its plug-in, its settings read by the plug-in's own schema. */
export interface LoadedConnector {
  plugin: ConnectorPlugin;
  connector: StoredConnector<unknown>;
}

/**
 * The plug-in's view of a stored connector. @throws AppError connector_type_unknown, or the plug-in's
 * own error when the stored settings no longer pass its checks (connector_config_invalid,
 * connector_type_not_configured).
 */
export function loadedConnector(
  lexbridge: Pick<Lexbridge, 'secrets' | 'config'>,
  row: ConnectorRow,
): LoadedConnector {
  const plugin = connectorPlugin(row.type);
  const settings = plugin.settings.read(
    { config: row.config, secrets: openConnectorSecrets(lexbridge, row) },
    lexbridge.config,
  );
  return { plugin, connector: { id: row.id, name: row.name, type: row.type, settings } };
}

export async function loadConnector(lexbridge: Lexbridge, id: string): Promise<LoadedConnector> {
  return loadedConnector(lexbridge, await getConnectorRow(lexbridge.store.db, id));
}

export function connectorView(
  row: ConnectorRow,
  connection: ConnectionRow | undefined,
  secrets: Record<string, string> = {},
): Connector {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    config: row.config,
    secretsSet: Object.keys(secrets).filter((k) => secrets[k]),
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    connection: connectionView(connection),
  };
}

function secretKeysOf(lexbridge: Lexbridge, row: ConnectorRow): Record<string, string> {
  // Only the keys are shown; decrypting tells us which secret fields are set without a second column.
  const secrets = openConnectorSecrets(lexbridge, row);
  return Object.fromEntries(Object.keys(secrets).map((k) => [k, secrets[k] ? 'set' : '']));
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
  const mine = await db
    .select()
    .from(connections)
    .where(and(eq(connections.connectorId, id), eq(connections.userId, userId)))
    .limit(1);
  return connectorView(row, mine[0], secretKeysOf(lexbridge, row));
}

function nameFrom(name: string | undefined, config: Record<string, unknown>): string | undefined {
  const fromConfig = typeof config.name === 'string' ? config.name.trim() : undefined;
  return name?.trim() || fromConfig || undefined;
}

function withoutName(config: Record<string, unknown>): Record<string, unknown> {
  const { name: _name, ...rest } = config;
  return rest;
}

export async function createConnector(
  lexbridge: Lexbridge,
  input: { type: string; name: string; config: Record<string, unknown> },
  actor: Actor,
): Promise<Connector> {
  const plugin = connectorPlugin(input.type);
  const parsed = await plugin.settings.parse(withoutName(input.config), lexbridge.config);
  const name = nameFrom(input.name, input.config);
  if (!name) throw new AppError('connector_config_invalid', 'name: enter a name', { field: 'name' });
  const id = randomUUID();
  const secretConfig =
    Object.keys(parsed.secrets).length > 0
      ? lexbridge.secrets.sealJson(parsed.secrets, secretSlot(id))
      : null;
  const row = await lexbridge.store.db.transaction(async (tx) => {
    const [inserted] = await tx
      .insert(connectors)
      .values({ id, type: plugin.id, name, config: parsed.config, secretConfig, createdBy: actor.userId })
      .returning();
    await recordAudit(tx, {
      action: 'connector.create',
      actorUserId: actor.userId,
      targetType: 'connector',
      targetId: id,
      ip: actor.ip ?? null,
      details: { type: plugin.id, name, config: parsed.config },
    });
    return inserted!;
  });
  return connectorView(row, undefined, parsed.secrets);
}

/**
 * A stored secret belongs to the server it was made for: when an edit points the connector at another
 * authorization server or application (a setting that invalidates authorisations), every secret field
 * must be entered again, so the old secret is never sent to the new address.
 */
function requireSecretsAgain(
  fields: readonly { key: string; label: string; secret?: boolean }[],
  input: Record<string, unknown>,
  changedLabels: string[],
): void {
  if (changedLabels.length === 0) return;
  for (const field of fields) {
    const given = input[field.key];
    if (!field.secret || (typeof given === 'string' && given.trim() !== '')) continue;
    throw new AppError(
      'connector_config_invalid',
      `${field.key}: enter the ${field.label} again — the ${changedLabels.join(' and ')} changed, and the stored ${field.label} is never sent to another server.`,
      { field: field.key },
    );
  }
}

export async function updateConnector(
  lexbridge: Lexbridge,
  id: string,
  input: { name?: string; config?: Record<string, unknown> },
  actor: Actor,
): Promise<Connector> {
  const { db } = lexbridge.store;
  const before = await getConnectorRow(db, id);
  const plugin = connectorPlugin(before.type);
  const previous = { config: before.config, secrets: openConnectorSecrets(lexbridge, before) };
  const parsed = await plugin.settings.parse(withoutName(input.config ?? {}), lexbridge.config, previous);
  const name = nameFrom(input.name, input.config ?? {}) ?? before.name;
  const changed = Object.keys({ ...before.config, ...parsed.config }).filter(
    (k) => JSON.stringify(before.config[k]) !== JSON.stringify(parsed.config[k]),
  );
  const secretChanged = JSON.stringify(previous.secrets) !== JSON.stringify(parsed.secrets);
  const invalidates = changed.filter((k) => plugin.settings.invalidatesAuthorisations.includes(k));
  const labelOf = (key: string) => plugin.fields.find((f) => f.key === key)?.label ?? key;
  requireSecretsAgain(plugin.fields, input.config ?? {}, invalidates.map(labelOf));
  const secretConfig =
    Object.keys(parsed.secrets).length > 0
      ? lexbridge.secrets.sealJson(parsed.secrets, secretSlot(id))
      : null;
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx
      .update(connectors)
      .set({ name, config: parsed.config, secretConfig, updatedAt: new Date() })
      .where(eq(connectors.id, id))
      .returning();
    let expired = 0;
    if (invalidates.length > 0) {
      const reason = `A Connector Admin changed this connector's ${invalidates.map(labelOf).join(' and ')}. Authorise again.`;
      const rows = await tx
        .update(connections)
        .set(expiredColumns({ code: 'connection_expired', message: reason }))
        .where(eq(connections.connectorId, id))
        .returning({ id: connections.id, userId: connections.userId });
      for (const r of rows)
        await notify(tx, { type: 'connection.expired', connectorId: id, userId: r.userId, reason });
      expired = rows.length;
      if (expired > 0) await pauseWorkflowsUsing(tx, id);
    }
    await recordAudit(tx, {
      action: 'connector.update',
      actorUserId: actor.userId,
      targetType: 'connector',
      targetId: id,
      ip: actor.ip ?? null,
      details: { changed, nameChanged: name !== before.name, secretChanged, expiredConnections: expired },
    });
    return updated!;
  });
  const mine = await db
    .select()
    .from(connections)
    .where(and(eq(connections.connectorId, id), eq(connections.userId, actor.userId)))
    .limit(1);
  return connectorView(row, mine[0], parsed.secrets);
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
    const paused =
      using.length > 0
        ? await tx
            .update(workflows)
            .set({ status: 'paused', pauseReason: 'connector_deleted', updatedAt: new Date() })
            .where(and(usesConnector(id), isNull(workflows.deletedAt), isWorkflow()))
            .returning({ id: workflows.id })
        : [];
    for (const w of paused)
      await notify(tx, {
        type: 'workflow.paused',
        workflowId: w.id,
        reason: 'A Connector Admin deleted a connector it uses. Edit it to use another, then resume it.',
      });
    // Publish channels (publishing/runs.ts) go with the connector, as its destinations and publish runs do.
    await tx.delete(workflows).where(and(usesConnector(id), isPublishChannel()));
    await tx.delete(connectors).where(eq(connectors.id, id));
    await recordAudit(tx, {
      action: 'connector.delete',
      actorUserId: actor.userId,
      targetType: 'connector',
      targetId: id,
      ip: actor.ip ?? null,
      details: { force: options.force, pausedWorkflows: paused.map((w) => w.id) },
    });
    return { pausedWorkflows: paused.map((w) => w.id) };
  });
}
