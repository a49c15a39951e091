import * as oidc from 'openid-client';
import type { fetch as undiciFetch } from 'undici';
import type { AuthorizationServer, ConnectorOAuth } from '../connectors/plugin.ts';
import { type ConnectorRow, type LoadedConnector, loadedConnector } from '../connectors/repository.ts';
import { undici } from '../connectors/undici.ts';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';

/**
 * The openid-client Configuration for a connector's authorisation server, built by hand from what its
 * plug-in says (many document systems publish no discovery document). Requests go through the
 * plug-in's dispatcher (CA bundle, proxy) when it has one; plain http is allowed only where the
 * plug-in's settings validation allowed it (loopback addresses, for tests and emulators).
 */
export function oauthConfiguration(server: AuthorizationServer): oidc.Configuration {
  const metadata: oidc.ServerMetadata = {
    issuer: server.issuer,
    authorization_endpoint: server.authorizationEndpoint,
    token_endpoint: server.tokenEndpoint,
  };
  const clientAuth =
    server.clientAuthentication === 'client_secret_basic'
      ? oidc.ClientSecretBasic(server.clientSecret)
      : oidc.ClientSecretPost(server.clientSecret);
  const config = new oidc.Configuration(metadata, server.clientId, undefined, clientAuth);
  const { dispatcher } = server;
  if (dispatcher) {
    config[oidc.customFetch] = ((url: string, options: Parameters<typeof undiciFetch>[1]) =>
      undici().fetch(url, { ...options, dispatcher })) as unknown as oidc.CustomFetch;
  }
  config.timeout = 30;
  if (server.tokenEndpoint.startsWith('http:') || server.authorizationEndpoint.startsWith('http:'))
    oidc.allowInsecureRequests(config);
  return config;
}

/** The OAuth error code of a failed token or authorisation call, or undefined for transport failures. */
export function oauthErrorCode(err: unknown): string | undefined {
  if (err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError)
    return err.error;
  if (err instanceof oidc.WWWAuthenticateChallengeError) {
    // A 401 with a challenge (HTTP Basic client authentication failed) is invalid_client (RFC 6749 §5.2).
    const named = err.cause.map((c) => c.parameters.error).find(Boolean);
    return named ?? (err.status === 401 ? 'invalid_client' : undefined);
  }
  return undefined;
}

/** The status, type and start of the body of a token-endpoint answer openid-client found not conform. */
export async function nonConformAnswer(
  err: unknown,
): Promise<{ status: number; contentType: string; body: string } | undefined> {
  // The answer is a fetch Response (undici's own class when the plug-in has a dispatcher).
  const response = err instanceof oidc.ClientError ? (err.cause as Response | undefined) : undefined;
  if (typeof response?.status !== 'number' || typeof response.text !== 'function') return undefined;
  const body = await response
    .text()
    .then((text: string) => text.slice(0, 2000))
    .catch(() => '');
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', body };
}

export function oauthErrorDescription(err: unknown): string | undefined {
  if (err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError)
    return err.error_description;
  return undefined;
}

/** A connector whose users authorise it, with its plug-in's OAuth part and authorization server. */
export interface OAuthConnector {
  loaded: LoadedConnector;
  oauth: ConnectorOAuth<unknown>;
  server: AuthorizationServer;
}

/**
 * The OAuth view of a connector. @throws AppError connector_config_invalid for types that need no
 * authorisation, or the plug-in's error when its settings cannot be read.
 */
export function oauthConnector(
  lexbridge: Pick<Lexbridge, 'config' | 'log' | 'secrets'>,
  row: ConnectorRow,
): OAuthConnector {
  const loaded = loadedConnector(lexbridge, row);
  const { oauth } = loaded.plugin;
  if (!oauth) {
    throw new AppError(
      'connector_config_invalid',
      `The connector "${row.name}" (${row.type}) needs no authorisation.`,
    );
  }
  return { loaded, oauth, server: oauth.authorizationServer(lexbridge, loaded.connector) };
}

/** How the plug-in reads a token-endpoint error: re-authorise, fix the client credentials, or as is. */
export function tokenErrorKind(
  oauth: ConnectorOAuth<unknown>,
  error: { code: string; description?: string },
): 'reauthorise' | 'credentials' | 'refused' {
  if (error.code === 'invalid_client' || error.code === 'unauthorized_client') return 'credentials';
  return oauth.classifyTokenError?.(error) ?? (error.code === 'invalid_grant' ? 'reauthorise' : 'refused');
}
