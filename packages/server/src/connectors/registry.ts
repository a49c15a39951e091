import type { ConnectorType } from '@lexbridge/contracts';
import type { Config } from '../config/index.ts';
import { AppError } from '../errors.ts';
import { imanageCloudPlugin, imanageOnPremPlugin } from './imanage/plugin.ts';
import { localFolderPlugin } from './local-folder/plugin.ts';
import type { ConnectorPlugin, IntegrationKit } from './plugin.ts';
import { sharepointPlugin } from './sharepoint/plugin.ts';

/**
 * The connector types this server offers: one line per plug-in. Adding a type is its folder beside
 * imanage/ and local-folder/ and one line here; nothing else in the server names a type.
 */
const builtIn: ConnectorPlugin[] = [
  imanageOnPremPlugin as ConnectorPlugin,
  imanageCloudPlugin as ConnectorPlugin,
  localFolderPlugin as ConnectorPlugin,
  sharepointPlugin as ConnectorPlugin,
];

const plugins = new Map<string, ConnectorPlugin>(builtIn.map((p) => [p.id, p]));

/**
 * Adds a plug-in at run time (tests, embedders); returns a function that removes it again. A type id
 * already registered is refused, so a plug-in can never stand in for another.
 */
export function registerConnectorPlugin<Settings>(plugin: ConnectorPlugin<Settings>): () => void {
  if (plugins.has(plugin.id)) throw new Error(`A connector plug-in "${plugin.id}" is already registered.`);
  plugins.set(plugin.id, plugin as ConnectorPlugin);
  return () => {
    plugins.delete(plugin.id);
  };
}

export function connectorPlugins(): ConnectorPlugin[] {
  return [...plugins.values()];
}

/** The plug-in of a connector type, or undefined when this server has none of that name. */
export function connectorRegistered(type: string): ConnectorPlugin | undefined {
  return plugins.get(type);
}

/** The plug-in of a connector type. @throws AppError connector_type_unknown */
export function connectorPlugin(type: string): ConnectorPlugin {
  const found = plugins.get(type);
  if (!found) {
    const available = [...plugins.keys()];
    throw new AppError(
      'connector_type_unknown',
      `There is no connector type "${type}". Available: ${available.join(', ')}.`,
      { available },
    );
  }
  return found;
}

/** The catalogue as GET /api/connector-types shows it. */
export function describeConnectorTypes(config: Config): ConnectorType[] {
  return connectorPlugins().map((p) => {
    const { available, reason } = p.availability(config);
    const messages = p.oauth?.messages?.results;
    return {
      type: p.id,
      label: p.label,
      systemName: p.systemName,
      description: p.description,
      available,
      ...(reason ? { unavailableReason: reason } : {}),
      perUserAuthorisation: Boolean(p.oauth),
      fields: p.fields,
      ...(p.locationHint ? { locationHint: p.locationHint } : {}),
      ...(messages ? { authorisationMessages: messages } : {}),
    };
  });
}

/** The registration kit published under this name (/api/integrations/{name}/…), if a plug-in has one. */
export function integrationKit(name: string): IntegrationKit | undefined {
  return connectorPlugins().find((plugin) => plugin.integration?.name === name)?.integration;
}
