import { AppError } from '../../errors.ts';
import type { ConnectorPlugin } from '../plugin.ts';
import { imanageCompatibility } from './compat/index.ts';
import { documentKey, openImanageContentStore } from './content-store.ts';
import { imanageDiagnostics } from './diagnostics.ts';
import { imanageAccountDetails } from './discovery.ts';
import { imanageIntegration } from './integration.ts';
import { workWebLink } from './items.ts';
import { imanageOAuth } from './oauth.ts';
import { imanageServer } from './server.ts';
import {
  type ImanageSettings,
  imanageCloudAvailability,
  imanageFields,
  parseImanageSettings,
  readImanageCloudSettings,
  readImanageSettings,
} from './settings.ts';

/**
 * iManage Work as two connector types that share everything but where their settings come from: an
 * on-premises (or classic cloud) Work Server with the firm's own application, and iManage Cloud with
 * the application the operator configures.
 */
const shared = {
  systemName: 'iManage',
  locationHint: 'The iManage folder id, e.g. ACTIVE!1234.',
  oauth: imanageOAuth,
  diagnostics: imanageDiagnostics,
  compatibility: imanageCompatibility,
  publishing: {
    itemKey(id) {
      const trimmed = id.trim();
      if (!/^[^!\s]+![0-9]+(\.[0-9]+)?$/.test(trimmed))
        throw new AppError(
          'publish_selection_invalid',
          `"${trimmed}" is not an iManage document or folder id (LIBRARY!number).`,
        );
      return documentKey(trimmed);
    },
    address: (connector) => connector.settings.serverAddress,
    tenantOf(account) {
      const { customerId } = imanageAccountDetails(account);
      return customerId === null ? null : String(customerId);
    },
  },
  webLink: ({ settings }, item) => workWebLink(settings.serverAddress, item),
  async openContentStore(context, connector, access) {
    if (!access) throw new AppError('connection_not_authorised');
    return openImanageContentStore(imanageServer(context, connector), access, context.signal);
  },
} satisfies Partial<ConnectorPlugin<ImanageSettings>>;

export const imanageOnPremPlugin: ConnectorPlugin<ImanageSettings> = {
  ...shared,
  id: 'imanage-onprem',
  label: 'iManage',
  description:
    'An iManage Work Server 10.2 or later on your premises or in iManage classic cloud, with your own application registered in Control Center.',
  fields: imanageFields,
  availability: () => ({ available: true }),
  integration: imanageIntegration,
  settings: {
    async parse(input, _config, previous) {
      const parsed = parseImanageSettings(input, previous);
      return { config: { ...parsed.config }, secrets: parsed.secrets };
    },
    read: (stored) => readImanageSettings(stored),
    invalidatesAuthorisations: ['serverAddress', 'clientId'],
  },
};

export const imanageCloudPlugin: ConnectorPlugin<ImanageSettings> = {
  ...shared,
  id: 'imanage-cloud',
  label: 'iManage Cloud',
  description:
    'iManage Cloud (cloudimanage.com), with the application iManage registered for your firm. Nothing to fill in: the operator configures the application.',
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
  settings: {
    async parse(_input, config) {
      readImanageCloudSettings(config);
      return { config: {}, secrets: {} };
    },
    read: (_stored, config) => readImanageCloudSettings(config),
    invalidatesAuthorisations: [],
  },
};
