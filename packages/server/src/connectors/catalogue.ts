import type { ConnectorField, ConnectorType, ConnectorTypeId } from '@lexbridge/contracts';
import type { Config } from '../config/index.ts';
import { AppError } from '../errors.ts';
import {
  type ImanageConfig,
  imanageCloudAvailability,
  imanageFields,
  parseImanageSettings,
} from './imanage/settings.ts';
import {
  type LocalFolderConfig,
  localFolderAvailability,
  localFolderFields,
  parseLocalFolderSettings,
} from './local-folder/settings.ts';

/**
 * The connector types this server offers, each with its form fields and the validation of its
 * settings. A new type registers itself here with its own folder beside imanage/ and local-folder/.
 */
export interface ConnectorTypeDefinition {
  id: ConnectorTypeId;
  label: string;
  description: string;
  perUserAuthorisation: boolean;
  fields: ConnectorField[];
  availability(config: Config): { available: boolean; reason?: string };
  /**
   * Validates the settings of a create (no `previous`) or an edit (merged over `previous`). Returns
   * the non-secret settings (stored as JSON) and the secret ones (stored sealed).
   */
  parse(
    input: Record<string, unknown>,
    config: Config,
    previous?: { config: Record<string, unknown>; secrets: Record<string, string> },
  ): Promise<{ config: Record<string, unknown>; secrets: Record<string, string> }>;
}

const definitions: ConnectorTypeDefinition[] = [
  {
    id: 'imanage-onprem',
    label: 'iManage',
    description:
      'An iManage Work Server 10.2 or later on your premises or in iManage classic cloud, with your own application registered in Control Center.',
    perUserAuthorisation: true,
    fields: imanageFields,
    availability: () => ({ available: true }),
    async parse(input, _config, previous) {
      const parsed = parseImanageSettings(
        input,
        previous as { config: ImanageConfig; secrets: { secretKey?: string } } | undefined,
      );
      return { config: { ...parsed.config }, secrets: parsed.secrets };
    },
  },
  {
    id: 'imanage-cloud',
    label: 'iManage Cloud',
    description:
      'iManage Cloud (cloudimanage.com), with the application iManage registered for your firm. Nothing to fill in: the operator configures the application.',
    perUserAuthorisation: true,
    fields: [
      {
        key: 'name',
        label: 'Name',
        help: 'Any name that helps people recognise this connector, e.g. "iManage Cloud".',
        default: 'iManage Cloud',
        required: true,
        secret: false,
        type: 'text',
      },
    ],
    availability: imanageCloudAvailability,
    async parse(_input, config) {
      const availability = imanageCloudAvailability(config);
      if (!availability.available) throw new AppError('connector_type_not_configured', availability.reason);
      return { config: {}, secrets: {} };
    },
  },
  {
    id: 'local-folder',
    label: 'Local folder',
    description:
      'A folder on the Lexbridge server, under the roots the operator allows. Useful as a workflow target and for trying Lexbridge out.',
    perUserAuthorisation: false,
    fields: localFolderFields,
    availability: localFolderAvailability,
    async parse(input, config, previous) {
      const parsed = await parseLocalFolderSettings(
        input,
        config,
        previous?.config as LocalFolderConfig | undefined,
      );
      return { config: { ...parsed.config }, secrets: {} };
    },
  },
];

export function connectorTypeDefinitions(): ConnectorTypeDefinition[] {
  return definitions;
}

export function connectorTypeDefinition(type: string): ConnectorTypeDefinition {
  const found = definitions.find((d) => d.id === type);
  if (!found) {
    throw new AppError(
      'connector_type_unknown',
      `There is no connector type "${type}". Available: ${definitions.map((d) => d.id).join(', ')}.`,
      {
        available: definitions.map((d) => d.id),
      },
    );
  }
  return found;
}

/** The catalogue as GET /api/connector-types shows it. */
export function describeConnectorTypes(config: Config): ConnectorType[] {
  return definitions.map((d) => {
    const { available, reason } = d.availability(config);
    return {
      type: d.id,
      label: d.label,
      description: d.description,
      available,
      ...(reason ? { unavailableReason: reason } : {}),
      perUserAuthorisation: d.perUserAuthorisation,
      fields: d.fields,
    };
  });
}
