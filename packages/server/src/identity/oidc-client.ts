import * as client from 'openid-client';
import type { Config } from '../config/index.ts';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';

/**
 * The OpenID Connect client side of sign-in: which provider, which client, and the discovered
 * configuration. The embedded identity provider is reached through exactly this code, like any
 * external one; only the settings differ.
 */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  /** Absent for the embedded provider, whose client is public and relies on PKCE alone. */
  clientSecret?: string;
  scopes: string[];
  /** `${LEXBRIDGE_PUBLIC_URL}/signin-oidc`: the address firms register with their provider. */
  redirectUri: string;
  /** Where the provider sends people after RP-initiated logout. */
  postLogoutRedirectUri: string;
  embedded: boolean;
}

/** Client id of Lexbridge at its embedded identity provider. */
export const embeddedClientId = 'lexbridge-local';
/** Path under LEXBRIDGE_PUBLIC_URL where the embedded identity provider answers. */
export const embeddedIdpPath = '/idp';

export function oidcSettings(config: Config): OidcSettings {
  const common = {
    scopes: config.LEXBRIDGE_OIDC_SCOPES.includes('openid')
      ? config.LEXBRIDGE_OIDC_SCOPES
      : ['openid', ...config.LEXBRIDGE_OIDC_SCOPES],
    redirectUri: `${config.publicUrl}/signin-oidc`,
    postLogoutRedirectUri: `${config.publicUrl}/`,
  };
  if (!config.LEXBRIDGE_OIDC_ISSUER) {
    return {
      ...common,
      issuer: `${config.publicUrl}${embeddedIdpPath}`,
      clientId: embeddedClientId,
      embedded: true,
    };
  }
  if (!config.LEXBRIDGE_OIDC_CLIENT_ID) {
    throw new AppError(
      'idp_misconfigured',
      'LEXBRIDGE_OIDC_ISSUER is set but LEXBRIDGE_OIDC_CLIENT_ID is not. Set the client (application) id that the identity provider gave Lexbridge.',
    );
  }
  return {
    ...common,
    issuer: config.LEXBRIDGE_OIDC_ISSUER.replace(/\/+$/, ''),
    clientId: config.LEXBRIDGE_OIDC_CLIENT_ID,
    ...(config.LEXBRIDGE_OIDC_CLIENT_SECRET ? { clientSecret: config.LEXBRIDGE_OIDC_CLIENT_SECRET } : {}),
    embedded: false,
  };
}

/** True for http(s) URLs on localhost, 127.0.0.0/8 or ::1. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host === '[::1]' ||
    /^127(\.\d{1,3}){3}$/.test(host)
  );
}

const discovered = new WeakMap<Lexbridge, Promise<client.Configuration>>();

/**
 * The provider's discovered configuration, fetched once per process and kept; a failed discovery is
 * not kept, so the next sign-in tries again. Plain http is allowed only for loopback issuers (the
 * embedded provider, tests): a firm's provider must use https.
 */
export function oidcConfiguration(lexbridge: Lexbridge): Promise<client.Configuration> {
  let pending = discovered.get(lexbridge);
  if (!pending) {
    pending = discover(oidcSettings(lexbridge.config));
    discovered.set(lexbridge, pending);
    pending.catch(() => discovered.delete(lexbridge));
  }
  return pending;
}

async function discover(settings: OidcSettings): Promise<client.Configuration> {
  const issuer = new URL(settings.issuer);
  if (issuer.protocol !== 'https:' && !isLoopbackUrl(settings.issuer)) {
    throw new AppError(
      'idp_misconfigured',
      `LEXBRIDGE_OIDC_ISSUER must be an https address; ${settings.issuer} is not.`,
    );
  }
  const auth = settings.clientSecret ? client.ClientSecretPost(settings.clientSecret) : client.None();
  try {
    const configuration = await client.discovery(issuer, settings.clientId, settings.clientSecret, auth, {
      timeout: 10,
      ...(issuer.protocol === 'http:' ? { execute: [client.allowInsecureRequests] } : {}),
    });
    return configuration;
  } catch (err) {
    throw providerError(err, `Discovery at ${settings.issuer}/.well-known/openid-configuration failed`);
  }
}

/**
 * Maps a failure talking to the provider to a stable code: unreachable (network error, timeout, 5xx)
 * → idp_unavailable; anything else it answered (404, wrong issuer, malformed metadata) → idp_misconfigured.
 */
export function providerError(err: unknown, what: string): AppError {
  if (err instanceof AppError) return err;
  const status =
    (err as { status?: number; response?: { status?: number } }).status ??
    (err as { response?: { status?: number } }).response?.status;
  const unreachable =
    err instanceof TypeError ||
    (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) ||
    (typeof status === 'number' && status >= 500);
  const detail = err instanceof Error ? err.message : String(err);
  return unreachable
    ? new AppError('idp_unavailable', undefined, { reason: `${what}: ${detail}` }, { cause: err })
    : new AppError('idp_misconfigured', undefined, { reason: `${what}: ${detail}` }, { cause: err });
}
