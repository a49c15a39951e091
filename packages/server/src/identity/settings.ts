import type { Config } from '../config/index.ts';
import { AppError } from '../errors.ts';

// Which identity provider Lexbridge signs people in with, read from the configuration alone: no
// OpenID Connect client is loaded here, so `serve` can check the set-up first thing, before it opens
// its data directory (cli/main.ts).

/**
 * Sign-in settings: which provider, which client. The embedded identity provider is reached through
 * the same client code as any external one (oidc-client.ts); only the settings differ.
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

/**
 * Checks the sign-in settings without touching anything, so `serve` and `start` can refuse a wrong
 * set-up before opening the database: idp_misconfigured (issuer without client id) or
 * embedded_idp_not_allowed (embedded provider on a non-loopback public URL, not explicitly allowed).
 */
export function assertIdentityConfig(config: Config): void {
  const settings = oidcSettings(config);
  if (settings.embedded && !isLoopbackUrl(config.publicUrl) && !config.LEXBRIDGE_ALLOW_EMBEDDED_IDP) {
    throw new AppError(
      'embedded_idp_not_allowed',
      `LEXBRIDGE_OIDC_ISSUER is not set, so Lexbridge would use its embedded identity provider, which is for local use only, ` +
        `but LEXBRIDGE_PUBLIC_URL (${config.publicUrl}) is not a loopback address. Set LEXBRIDGE_OIDC_ISSUER, LEXBRIDGE_OIDC_CLIENT_ID ` +
        `and LEXBRIDGE_OIDC_CLIENT_SECRET to use the firm's identity provider (docs/identity-provider.md), or set ` +
        `LEXBRIDGE_ALLOW_EMBEDDED_IDP=true if you really mean to serve the embedded one.`,
    );
  }
}
