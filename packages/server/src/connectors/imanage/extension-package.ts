import { createRequire } from 'node:module';
import type { ImanageFlavour, ImanageSetup } from '@lexbridge/contracts';
import type * as Fflate from 'fflate';
// The manifest schema lives in contracts beside the emulator that accepts it; it is not part of the
// contracts index (it needs the yaml parser, which the web app does not).
import {
  type ImanageManifest,
  parseImanageManifest,
  stringifyImanageManifest,
} from '../../../../contracts/src/imanage-manifest.ts';
import type { Config } from '../../config/index.ts';
import { oauthCallbackPath } from '../plugin.ts';

/**
 * The Lexbridge extension package for iManage Control Center ("Add Application > Upload Package"):
 * a ZIP with manifest.yaml prefilled with this server's redirect URL, its address, the settings the
 * administrator confirms (Lexbridge host, iManage server URL), and a "Publish with Lexbridge"
 * context-menu command for documents and folders.
 */
export const publishPath = '/publish';

export function imanageSetup(config: Pick<Config, 'publicUrl' | 'LEXBRIDGE_EGRESS_IPS'>): ImanageSetup {
  return {
    redirectUrl: `${config.publicUrl}${oauthCallbackPath}`,
    lexbridgeHost: config.publicUrl,
    publishUrl: `${config.publicUrl}${publishPath}`,
    egressIps: config.LEXBRIDGE_EGRESS_IPS,
    packages: (['on-premises', 'classic-cloud'] as const).map((flavour) => ({
      flavour,
      url: `${config.publicUrl}/api/integrations/imanage/package?flavour=${flavour}`,
    })),
  };
}

export function buildManifest(
  config: Pick<Config, 'publicUrl' | 'LEXBRIDGE_IMANAGE_CLOUD_URL'>,
  flavour: ImanageFlavour,
): ImanageManifest {
  const cloud = flavour === 'classic-cloud';
  const host = new URL(config.publicUrl).host;
  const manifest = {
    schema_version: 1,
    name: cloud ? 'Lexbridge (iManage classic cloud)' : 'Lexbridge',
    description: `Connects iManage Work to Lexbridge at ${host}: each person authorises Lexbridge once, then workflows copy, sync and move documents on their behalf.`,
    publisher: 'Lexbridge',
    version: '1',
    application_type: 'web',
    redirect_urls: [`${config.publicUrl}${oauthCallbackPath}`],
    allow_refresh_token: true,
    // Each refresh hands out a new refresh token and retires the old one, so a stolen one stops
    // working at the next refresh; Lexbridge refreshes single-flight and never presents one twice.
    rotate_refresh_token: true,
    access_token_minutes: 30,
    // An authorisation nobody uses for 90 days lapses (workflows that run keep theirs fresh).
    refresh_token_days: 90,
    settings: [
      {
        key: 'lexbridge_host',
        label: 'Lexbridge host',
        help: 'The address of your Lexbridge server, as people open it in the browser.',
        default: config.publicUrl,
        required: true,
        type: 'url',
      },
      {
        key: 'imanage_server_url',
        label: 'iManage server URL',
        help: cloud
          ? 'Your iManage classic cloud address.'
          : 'The address of this iManage Work Server, as Lexbridge reaches it (the Server Address of the connector in Lexbridge).',
        ...(cloud ? { default: config.LEXBRIDGE_IMANAGE_CLOUD_URL.replace(/\/+$/, '') } : {}),
        required: true,
        type: 'url',
      },
    ],
    context_menu: [
      {
        id: 'lexbridge.publish',
        label: 'Publish with Lexbridge',
        url: `{settings.lexbridge_host}${publishPath}`,
        targets: ['document', 'folder'],
        multi_select: true,
        open_in: 'new_tab',
      },
    ],
  };
  // Checked against the schema Control Center (and the emulator) applies, so a bad package never ships.
  return parseImanageManifest(stringifyImanageManifest(manifest));
}

export function buildExtensionPackage(
  config: Pick<Config, 'publicUrl' | 'LEXBRIDGE_IMANAGE_CLOUD_URL'>,
  flavour: ImanageFlavour,
): { fileName: string; bytes: Uint8Array } {
  const manifest = buildManifest(config, flavour);
  const readme = [
    'Lexbridge extension for iManage Control Center',
    '',
    'Control Center > Settings > Applications > Add Application > Upload Package, and choose this file.',
    `Authentication: the Redirect URL is ${manifest.redirect_urls[0]}; generate a client secret; keep "Allow refresh token" on.`,
    'Settings: confirm the Lexbridge host and enter your iManage server URL. Review: tick "Enable Application", then Finish.',
    'Then, in Lexbridge: Connectors > Available Connectors > iManage, with the Client Id and the secret.',
    '',
  ].join('\n');
  // The zip library loads with the first package built, not at start.
  const { strToU8, zipSync } = createRequire(import.meta.url)('fflate') as typeof Fflate;
  const bytes = zipSync(
    { 'manifest.yaml': strToU8(stringifyImanageManifest(manifest)), 'README.txt': strToU8(readme) },
    { mtime: new Date('2024-01-01T00:00:00Z') },
  );
  return { fileName: `lexbridge-imanage-${flavour}.zip`, bytes };
}
