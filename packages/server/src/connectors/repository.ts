import { randomUUID } from 'node:crypto';
import type { Connector } from '@lexbridge/contracts';
import { eq } from 'drizzle-orm';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import type { DbOrTx } from '../store/db.ts';
import { connectors } from '../store/schema.ts';
import type { ConnectorPlugin, StoredConnector } from './plugin.ts';
import { connectorPlugin } from './registry.ts';

/**
 * Connectors as stored: rows, their sealed secrets, and the plug-in's reading of their settings.
 * Non-secret settings live in connectors.config (JSON); secret ones (a client secret) are sealed into
 * connectors.secret_config and leave this module only inside a `StoredConnector` handed to the
 * connector's own plug-in. What an edit means for people's authorisations and workflows is decided
 * above this layer (connector-admin/).
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

export function openConnectorSecrets(
  lexbridge: Pick<Lexbridge, 'secrets'>,
  row: ConnectorRow,
): Record<string, string> {
  return row.secretConfig
    ? lexbridge.secrets.openJson<Record<string, string>>(row.secretConfig, secretSlot(row.id))
    : {};
}

/** The sealed form of a connector's secrets, for its secret_config column (null when there are none). */
export function sealConnectorSecrets(
  lexbridge: Pick<Lexbridge, 'secrets'>,
  id: string,
  secrets: Record<string, string>,
): string | null {
  return Object.keys(secrets).length > 0 ? lexbridge.secrets.sealJson(secrets, secretSlot(id)) : null;
}

/** Which secret fields are set, without their values. */
export function secretKeysOf(
  lexbridge: Pick<Lexbridge, 'secrets'>,
  row: ConnectorRow,
): Record<string, string> {
  // Only the keys are shown; decrypting tells us which secret fields are set without a second column.
  const secrets = openConnectorSecrets(lexbridge, row);
  return Object.fromEntries(Object.keys(secrets).map((k) => [k, secrets[k] ? 'set' : '']));
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

/** A connector as the API shows it, but for the user's own connection. */
export function connectorFields(
  row: ConnectorRow,
  secrets: Record<string, string> = {},
): Omit<Connector, 'connection'> {
  return {
    id: row.id,
    type: row.type,
    name: row.name,
    config: row.config,
    secretsSet: Object.keys(secrets).filter((k) => secrets[k]),
    status: row.status,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

function nameFrom(name: string | undefined, config: Record<string, unknown>): string | undefined {
  const fromConfig = typeof config.name === 'string' ? config.name.trim() : undefined;
  return name?.trim() || fromConfig || undefined;
}

function withoutName(config: Record<string, unknown>): Record<string, unknown> {
  const { name: _name, ...rest } = config;
  return rest;
}

/** A new connector's settings, read by its plug-in. @throws AppError connector_config_invalid */
export async function parseNewConnector(
  lexbridge: Lexbridge,
  input: { type: string; name: string; config: Record<string, unknown> },
) {
  const plugin = connectorPlugin(input.type);
  const parsed = await plugin.settings.parse(withoutName(input.config), lexbridge.config);
  const name = nameFrom(input.name, input.config);
  if (!name) throw new AppError('connector_config_invalid', 'name: enter a name', { field: 'name' });
  return { id: randomUUID(), plugin, name, ...parsed };
}

/**
 * An edit's new settings, read by the plug-in against the stored ones, with what changed: `invalidates`
 * names (by label) the changed settings that make users' authorisations void.
 */
export async function parseConnectorEdit(
  lexbridge: Lexbridge,
  before: ConnectorRow,
  input: { name?: string; config?: Record<string, unknown> },
) {
  const plugin = connectorPlugin(before.type);
  const previous = { config: before.config, secrets: openConnectorSecrets(lexbridge, before) };
  const parsed = await plugin.settings.parse(withoutName(input.config ?? {}), lexbridge.config, previous);
  const name = nameFrom(input.name, input.config ?? {}) ?? before.name;
  const changed = Object.keys({ ...before.config, ...parsed.config }).filter(
    (k) => JSON.stringify(before.config[k]) !== JSON.stringify(parsed.config[k]),
  );
  const secretChanged = JSON.stringify(previous.secrets) !== JSON.stringify(parsed.secrets);
  const labelOf = (key: string) => plugin.fields.find((f) => f.key === key)?.label ?? key;
  const invalidates = changed
    .filter((k) => plugin.settings.invalidatesAuthorisations.includes(k))
    .map(labelOf);
  requireSecretsAgain(plugin.fields, input.config ?? {}, invalidates);
  return { name, ...parsed, changed, secretChanged, invalidates };
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
