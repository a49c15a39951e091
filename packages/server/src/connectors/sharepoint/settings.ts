import type { ConnectorField } from '@lexbridge/contracts';
import { AppError } from '../../errors.ts';
import { normaliseServerAddress } from '../imanage/settings.ts';
import type { StoredSettings } from '../plugin.ts';

/**
 * The settings of a SharePoint connector (SharePoint Online, OneDrive and Teams files over Microsoft
 * Graph), named as on the connector form: Name, Client Id, Secret Key, Scope, Refresh Token and
 * Tenant ID, with the national cloud (or an explicit pair of sign-in and Graph hosts) and a CA bundle
 * as advanced options.
 */

/**
 * Sign-in (Entra ID) and Graph hosts of each Microsoft cloud, from "Microsoft Graph national cloud
 * deployments" (learn.microsoft.com/graph/deployments). GCC (moderate) tenants use the global hosts.
 */
export const clouds = {
  global: { login: 'https://login.microsoftonline.com', graph: 'https://graph.microsoft.com' },
  'us-gov-gcc-high': { login: 'https://login.microsoftonline.us', graph: 'https://graph.microsoft.us' },
  'us-gov-dod': { login: 'https://login.microsoftonline.us', graph: 'https://dod-graph.microsoft.us' },
  'china-21vianet': {
    login: 'https://login.chinacloudapi.cn',
    graph: 'https://microsoftgraph.chinacloudapi.cn',
  },
} as const;
export type Cloud = keyof typeof clouds;
const cloudNames = Object.keys(clouds) as Cloud[];

/** The scope each person is asked to grant: every delegated permission the app was given, and a refresh token. */
export const defaultScope = 'https://graph.microsoft.com/.default offline_access';

const field = (f: Omit<ConnectorField, 'default' | 'required' | 'secret'> & Partial<ConnectorField>) =>
  ({ default: null, required: false, secret: false, ...f }) as ConnectorField;

export const sharepointFields: ConnectorField[] = [
  field({
    key: 'name',
    label: 'Name',
    help: 'Any name that helps people recognise this connector, e.g. "SharePoint" or "Client portal (Teams)".',
    required: true,
    type: 'text',
  }),
  field({
    key: 'clientId',
    label: 'Client Id',
    help: "The Application (client) ID of the app you registered for Lexbridge: Microsoft Entra admin center > App registrations > the app's Overview.",
    required: true,
    type: 'text',
  }),
  field({
    key: 'secretKey',
    label: 'Secret Key',
    help: "The client secret's Value (not its Secret ID), copied from Certificates & secrets right after you add it: Entra shows it only once. Stored encrypted; leave empty when editing to keep the current one.",
    required: true,
    secret: true,
    type: 'password',
  }),
  field({
    key: 'scope',
    label: 'Scope',
    help: `What Lexbridge asks each person to grant. Keep "${defaultScope}": the delegated permissions you gave the app (with admin consent), and offline_access for the refresh token.`,
    default: defaultScope,
    required: true,
    type: 'text',
  }),
  field({
    key: 'refreshToken',
    label: 'Refresh Token',
    help: 'Keep on: Lexbridge renews each person\'s access without asking them to sign in again (needs "offline_access" in Scope).',
    default: true,
    type: 'boolean',
  }),
  field({
    key: 'tenantId',
    label: 'Tenant ID',
    help: "Your Directory (tenant) ID (a GUID, on the app's Overview) or your tenant's domain, e.g. firm.onmicrosoft.com.",
    required: true,
    type: 'text',
  }),
  field({
    key: 'cloud',
    label: 'Microsoft cloud',
    help: 'Where your Microsoft 365 tenant lives: global (also GCC), US Government GCC High, US Government DoD, or China (21Vianet). It sets the sign-in and Graph hosts.',
    default: 'global',
    type: 'select',
    options: cloudNames,
    advanced: true,
  }),
  field({
    key: 'signInHost',
    label: 'Sign-in host',
    help: 'Only for a cloud not listed, or an emulator: the https address of the Entra ID sign-in service (instead of the one the cloud sets). Give the Graph host too.',
    type: 'url',
    advanced: true,
  }),
  field({
    key: 'graphHost',
    label: 'Graph host',
    help: 'Only with a sign-in host: the https address of Microsoft Graph, without /v1.0.',
    type: 'url',
    advanced: true,
  }),
  field({
    key: 'caBundle',
    label: 'Trusted certificates (PEM)',
    help: 'Only when an outbound TLS-inspecting proxy (or an emulator) presents certificates from your own certificate authority: paste that CA certificate (PEM). Leave empty otherwise.',
    type: 'textarea',
    advanced: true,
  }),
];

/** The non-secret settings stored in connectors.config. */
export interface SharepointConfig {
  clientId: string;
  tenantId: string;
  scope: string;
  refreshToken: boolean;
  cloud: Cloud;
  signInHost?: string;
  graphHost?: string;
  caBundle?: string;
}

/** What Lexbridge needs to talk to one connector's tenant. */
export interface SharepointSettings {
  clientId: string;
  clientSecret: string;
  tenantId: string;
  scope: string;
  wantsRefreshToken: boolean;
  /** e.g. https://login.microsoftonline.com */
  loginHost: string;
  /** e.g. https://graph.microsoft.com (Graph calls go to `${graphHost}/v1.0`). */
  graphHost: string;
  caBundle?: string;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalid = (field: string, message: string, reason?: string) =>
  new AppError('connector_config_invalid', `${field}: ${message}`, { field, ...(reason ? { reason } : {}) });

function text(value: unknown, field: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(field, what);
  return value.trim();
}

function checkSecret(secret: string): void {
  if (guid.test(secret))
    throw invalid(
      'secretKey',
      'this looks like the Secret ID (a GUID), not the secret itself. In Certificates & secrets, copy the Value column of the secret (it is shown only right after you add it; if it is hidden, add a new secret).',
      'secret_id_pasted',
    );
}

function tenantOf(value: unknown): string {
  const tenant = text(value, 'tenantId', 'enter your Directory (tenant) ID or domain').toLowerCase();
  if (['common', 'organizations', 'consumers'].includes(tenant))
    throw invalid('tenantId', `"${tenant}" is not one tenant: enter your Directory (tenant) ID.`);
  if (!guid.test(tenant) && !/^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(tenant))
    throw invalid(
      'tenantId',
      `"${tenant}" is neither a tenant ID (a GUID) nor a domain such as firm.onmicrosoft.com.`,
    );
  return tenant;
}

function scopeOf(value: unknown): string {
  const scope = (typeof value === 'string' ? value : '').trim().split(/\s+/).filter(Boolean).join(' ');
  return scope || defaultScope;
}

function booleanOf(value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'on') return true;
  if (value === 'false' || value === 'off') return false;
  throw invalid('refreshToken', 'expected on or off (true or false)');
}

function optionalHost(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return normaliseServerAddress(value, field).replace(/\/v1\.0$/, '');
}

function caBundleOf(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !value.includes('-----BEGIN CERTIFICATE-----'))
    throw invalid('caBundle', 'paste one or more PEM certificates (-----BEGIN CERTIFICATE----- …)');
  return value.trim();
}

/**
 * Validates the form for a create (no `previous`) or an edit (merged over `previous`; an empty
 * secretKey keeps the stored one). A pasted Secret ID (a GUID) is refused with reason secret_id_pasted.
 */
export function parseSharepointSettings(
  input: Record<string, unknown>,
  previous?: StoredSettings,
): { config: SharepointConfig; secrets: { secretKey: string } } {
  const pick = (key: keyof SharepointConfig) => (key in input ? input[key] : previous?.config[key]);
  const given = typeof input.secretKey === 'string' ? input.secretKey.trim() : '';
  const secretKey = given || previous?.secrets.secretKey;
  if (!secretKey) throw invalid('secretKey', "paste the client secret's Value from Certificates & secrets");
  checkSecret(secretKey);
  const cloud = (pick('cloud') || 'global') as Cloud;
  if (!cloudNames.includes(cloud)) throw invalid('cloud', `choose one of ${cloudNames.join(', ')}`);
  const signInHost = optionalHost(pick('signInHost'), 'signInHost');
  const graphHost = optionalHost(pick('graphHost'), 'graphHost');
  if (Boolean(signInHost) !== Boolean(graphHost))
    throw invalid(
      signInHost ? 'graphHost' : 'signInHost',
      'give both the sign-in host and the Graph host, or neither',
    );
  const caBundle = caBundleOf(pick('caBundle'));
  return {
    config: {
      clientId: text(
        pick('clientId'),
        'clientId',
        'copy the Application (client) ID from the app registration',
      ),
      tenantId: tenantOf(pick('tenantId')),
      scope: scopeOf(pick('scope')),
      refreshToken: booleanOf(pick('refreshToken'), true),
      cloud,
      ...(signInHost && graphHost ? { signInHost, graphHost } : {}),
      ...(caBundle ? { caBundle } : {}),
    },
    secrets: { secretKey },
  };
}

/**
 * Stored settings, checked again by the form's rules. In a national cloud, a scope naming the global
 * Graph host is rewritten to that cloud's host, as Entra requires there.
 */
export function readSharepointSettings(stored: StoredSettings): SharepointSettings {
  const { config, secrets } = parseSharepointSettings({}, stored);
  const hosts =
    config.signInHost && config.graphHost
      ? { login: config.signInHost, graph: config.graphHost }
      : clouds[config.cloud];
  const scope = config.signInHost ? config.scope : config.scope.replaceAll(clouds.global.graph, hosts.graph);
  return {
    clientId: config.clientId,
    clientSecret: secrets.secretKey,
    tenantId: config.tenantId,
    scope,
    wantsRefreshToken: config.refreshToken,
    loginHost: hosts.login,
    graphHost: hosts.graph,
    ...(config.caBundle ? { caBundle: config.caBundle } : {}),
  };
}
