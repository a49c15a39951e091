import type { ConnectorField } from '@lexbridge/contracts';
import type { Config } from '../../config/index.ts';
import { AppError } from '../../errors.ts';
import { isLoopbackHost } from '../http.ts';
import type { StoredSettings } from '../plugin.ts';
import {
  documentClassFields,
  parseDocumentClass,
  parseWorkspaceClasses,
  workspaceClassMap,
} from './document-classes.ts';

/**
 * The settings of an iManage connector, named as firms know them from Control Center and from the
 * connector form: Name, Client Id, Secret Key, Scope, Refresh Token and Server Address. Two advanced,
 * optional fields serve unusual networks: a CA bundle for servers whose certificate a private CA
 * issued, and HTTP Basic client authentication for authorisation servers that require it.
 */
export const imanageFields: ConnectorField[] = [
  {
    key: 'name',
    label: 'Name',
    help: 'Any name that helps people recognise this iManage server, e.g. "iManage Sandbox" or "iManage US".',
    default: null,
    required: true,
    secret: false,
    type: 'text',
  },
  {
    key: 'clientId',
    label: 'Client Id',
    help: "The Client Id iManage generated for the Lexbridge application: Control Center > Settings > Applications, in the application's record.",
    default: null,
    required: true,
    secret: false,
    type: 'text',
  },
  {
    key: 'secretKey',
    label: 'Secret Key',
    help: "The client secret generated on the application's Authentication step. Paste it here; it is stored encrypted and never shown again. Leave empty when editing to keep the current one.",
    default: null,
    required: true,
    secret: true,
    type: 'password',
  },
  {
    key: 'scope',
    label: 'Scope',
    help: 'What Lexbridge asks iManage for on each user\'s behalf. Enter "user".',
    default: 'user',
    required: true,
    secret: false,
    type: 'text',
  },
  {
    key: 'refreshToken',
    label: 'Refresh Token',
    help: 'Keep on: Lexbridge renews each user\'s access without asking them to sign in again. Needs "Allow refresh token" on in Control Center.',
    default: true,
    required: false,
    secret: false,
    type: 'boolean',
  },
  {
    key: 'serverAddress',
    label: 'Server Address',
    help: 'The https address of your iManage Work Server as people reach it, e.g. https://imanage.firm.com. It must be reachable from the Lexbridge server.',
    default: null,
    required: true,
    secret: false,
    type: 'url',
  },
  {
    key: 'caBundle',
    label: 'Trusted certificates (PEM)',
    help: "Only when the iManage server's certificate comes from your firm's own certificate authority: paste that CA certificate (PEM). Leave empty for public certificates.",
    default: null,
    required: false,
    secret: false,
    type: 'textarea',
    advanced: true,
  },
  {
    key: 'clientAuthentication',
    label: 'Client authentication',
    help: 'How Lexbridge presents the Client Id and Secret Key to the token endpoint. iManage uses "client_secret_post"; choose "client_secret_basic" only for servers that require HTTP Basic.',
    default: 'client_secret_post',
    required: false,
    secret: false,
    type: 'select',
    options: ['client_secret_post', 'client_secret_basic'],
    advanced: true,
  },
  ...documentClassFields,
];

/** The non-secret settings stored in connectors.config for imanage-onprem. */
export interface ImanageConfig {
  clientId: string;
  scope: string;
  refreshToken: boolean;
  serverAddress: string;
  caBundle?: string;
  clientAuthentication: 'client_secret_post' | 'client_secret_basic';
  /** Absent on connectors stored before it existed: DOC. */
  documentClass?: string;
  /** `WORKSPACE_ID = CLASS` lines (document-classes.ts). */
  workspaceClasses?: string;
}

/**
 * Normalises a Server Address: https (http only for loopback hosts), no credentials, query or
 * fragment, lower-case host, no trailing slash. A path is kept (some servers sit under a prefix) but
 * always without its trailing slash, so `https://x/` and `https://x` are the same address.
 */
export function normaliseServerAddress(value: unknown, field = 'serverAddress'): string {
  const invalid = (why: string) => new AppError('connector_config_invalid', `${field}: ${why}`, { field });
  if (typeof value !== 'string' || value.trim() === '')
    throw invalid('enter the https address of your iManage server');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw invalid(`"${value}" is not an address; enter it like https://imanage.firm.com`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw invalid('the address must start with https://');
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw invalid(
      'the address must use https://; http:// is only accepted for this machine (localhost), for testing',
    );
  }
  if (url.username || url.password) throw invalid('the address must not contain a user name or password');
  url.search = '';
  url.hash = '';
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

/** "User" and "user" are the same scope; iManage's scopes are lower case. */
export function normaliseScope(value: unknown): string {
  const scope = (typeof value === 'string' ? value : 'user')
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
  if (!scope) return 'user';
  if (!/^[a-z0-9_:.-]+( [a-z0-9_:.-]+)*$/.test(scope)) {
    throw new AppError('connector_config_invalid', 'scope: use "user" (letters only)', { field: 'scope' });
  }
  return scope;
}

function parseBoolean(value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null || value === '') return fallback;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === 'on') return true;
  if (value === 'false' || value === 'off') return false;
  throw new AppError('connector_config_invalid', 'refreshToken: expected on or off (true or false)', {
    field: 'refreshToken',
  });
}

function requiredText(value: unknown, field: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new AppError('connector_config_invalid', `${field}: ${what}`, { field });
  return value.trim();
}

/**
 * Validates imanage-onprem settings for a create (no `previous`) or an edit (merged over `previous`;
 * an empty or absent secretKey keeps the stored one).
 */
export function parseImanageSettings(
  input: Record<string, unknown>,
  previous?: StoredSettings,
): { config: ImanageConfig; secrets: { secretKey: string } } {
  const pick = (key: keyof ImanageConfig) => (key in input ? input[key] : previous?.config[key]);
  const clientId = requiredText(
    pick('clientId'),
    'clientId',
    'copy the Client Id from the application in Control Center',
  );
  const givenSecret = typeof input.secretKey === 'string' ? input.secretKey.trim() : '';
  const secretKey = givenSecret || previous?.secrets.secretKey;
  if (!secretKey)
    throw new AppError('connector_config_invalid', 'secretKey: paste the client secret from Control Center', {
      field: 'secretKey',
    });
  const auth = pick('clientAuthentication') ?? 'client_secret_post';
  if (auth !== 'client_secret_post' && auth !== 'client_secret_basic') {
    throw new AppError(
      'connector_config_invalid',
      'clientAuthentication: choose client_secret_post or client_secret_basic',
      { field: 'clientAuthentication' },
    );
  }
  const caBundle = pick('caBundle');
  if (
    caBundle !== undefined &&
    caBundle !== null &&
    caBundle !== '' &&
    (typeof caBundle !== 'string' || !caBundle.includes('-----BEGIN CERTIFICATE-----'))
  ) {
    throw new AppError(
      'connector_config_invalid',
      'caBundle: paste one or more PEM certificates (-----BEGIN CERTIFICATE----- …)',
      { field: 'caBundle' },
    );
  }
  const workspaceClasses = parseWorkspaceClasses(pick('workspaceClasses'));
  return {
    config: {
      clientId,
      scope: normaliseScope(pick('scope')),
      refreshToken: parseBoolean(pick('refreshToken'), true),
      serverAddress: normaliseServerAddress(pick('serverAddress')),
      clientAuthentication: auth,
      ...(typeof caBundle === 'string' && caBundle.trim() ? { caBundle: caBundle.trim() } : {}),
      documentClass: parseDocumentClass(pick('documentClass')),
      ...(workspaceClasses ? { workspaceClasses } : {}),
    },
    secrets: { secretKey },
  };
}

/**
 * What Lexbridge needs to talk to one connector's iManage server, read from its stored settings (or,
 * for iManage Cloud, from the operator's configuration).
 */
export interface ImanageSettings {
  serverAddress: string;
  clientId: string;
  clientSecret: string;
  scope: string;
  wantsRefreshToken: boolean;
  clientAuthentication: 'client_secret_post' | 'client_secret_basic';
  caBundle?: string;
  /** The class of new documents, and per workspace id another where one is set. */
  documentClass?: string;
  workspaceClasses?: Record<string, string>;
}

/** Stored imanage-onprem settings, checked again by the same rules as the form. */
export function readImanageSettings(stored: StoredSettings): ImanageSettings {
  const { config, secrets } = parseImanageSettings({}, stored);
  return {
    serverAddress: config.serverAddress,
    clientId: config.clientId,
    clientSecret: secrets.secretKey,
    scope: config.scope,
    wantsRefreshToken: config.refreshToken,
    clientAuthentication: config.clientAuthentication,
    ...(config.caBundle ? { caBundle: config.caBundle } : {}),
    documentClass: config.documentClass ?? 'DOC',
    ...(config.workspaceClasses ? { workspaceClasses: workspaceClassMap(config.workspaceClasses) } : {}),
  };
}

/** iManage Cloud's settings, all from the operator's configuration. @throws connector_type_not_configured */
export function readImanageCloudSettings(config: Config): ImanageSettings {
  const availability = imanageCloudAvailability(config);
  if (!availability.available) throw new AppError('connector_type_not_configured', availability.reason);
  return {
    serverAddress: normaliseServerAddress(config.LEXBRIDGE_IMANAGE_CLOUD_URL, 'LEXBRIDGE_IMANAGE_CLOUD_URL'),
    clientId: config.LEXBRIDGE_IMANAGE_CLOUD_CLIENT_ID ?? '',
    clientSecret: config.LEXBRIDGE_IMANAGE_CLOUD_CLIENT_SECRET ?? '',
    scope: 'user',
    wantsRefreshToken: true,
    clientAuthentication: 'client_secret_post',
  };
}

/** The iManage Cloud connector takes everything from the operator's configuration. */
export function imanageCloudAvailability(config: Config): { available: boolean; reason?: string } {
  if (config.LEXBRIDGE_IMANAGE_CLOUD_CLIENT_ID && config.LEXBRIDGE_IMANAGE_CLOUD_CLIENT_SECRET)
    return { available: true };
  return {
    available: false,
    reason:
      'iManage Cloud is not set up on this Lexbridge server: the operator must set LEXBRIDGE_IMANAGE_CLOUD_CLIENT_ID and LEXBRIDGE_IMANAGE_CLOUD_CLIENT_SECRET (the application iManage registered for your firm). Until then, use the "iManage" connector.',
  };
}
