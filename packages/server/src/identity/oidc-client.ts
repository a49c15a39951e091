import * as client from 'openid-client';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import { isLoopbackUrl, type OidcSettings, oidcSettings } from './settings.ts';

/**
 * The OpenID Connect client side of sign-in: the provider's discovered configuration. The settings
 * themselves are read in settings.ts.
 */
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
