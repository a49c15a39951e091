import { AppError } from '../../errors.ts';
import type { ConnectorPlugin } from '../plugin.ts';
import { SharepointContentStore } from './content-store.ts';
import { sharepointDiagnostics } from './diagnostics.ts';
import { sharepointOAuth } from './oauth.ts';
import { graphClientFor, sharepointServer } from './server.ts';
import {
  parseSharepointSettings,
  readSharepointSettings,
  type SharepointSettings,
  sharepointFields,
} from './settings.ts';
import { sharepointWebLink } from './web-link.ts';

/**
 * SharePoint Online, OneDrive and Teams files through Microsoft Graph, each person with their own
 * delegated access (so their own SharePoint rights apply), in the firm's own Entra app registration.
 */
export const sharepointPlugin: ConnectorPlugin<SharepointSettings> = {
  id: 'sharepoint',
  label: 'SharePoint',
  description:
    'SharePoint Online sites, Teams channel files and OneDrive, through Microsoft Graph with your own app registration in Microsoft Entra ID; each person signs in with their Microsoft 365 account.',
  systemName: 'SharePoint',
  locationHint:
    'Choose a document library, a OneDrive, a Teams channel or one of their folders in the browser.',
  fields: sharepointFields,
  availability: () => ({ available: true }),
  settings: {
    async parse(input, _config, previous) {
      const parsed = parseSharepointSettings(input, previous);
      return { config: { ...parsed.config }, secrets: parsed.secrets };
    },
    read: (stored) => readSharepointSettings(stored),
    invalidatesAuthorisations: ['tenantId', 'clientId', 'cloud', 'signInHost', 'graphHost'],
  },
  oauth: sharepointOAuth,
  diagnostics: sharepointDiagnostics,
  webLink: (connector, item) => sharepointWebLink(connector.id, item),
  async openContentStore(context, connector, access) {
    if (!access) throw new AppError('connection_not_authorised');
    return new SharepointContentStore(graphClientFor(sharepointServer(context, connector), access));
  },
};
