import * as oidc from 'openid-client';
import { fetch as undiciFetch } from 'undici';
import type { ImanageServer } from '../connectors/imanage/server.ts';

/**
 * The openid-client Configuration for a connector's authorisation server, built by hand (iManage has
 * no discovery document): authorization endpoint {server}/auth/oauth2/authorize, token endpoint
 * {server}/auth/oauth2/token. Client authentication is client_secret_post (what iManage clients send)
 * unless the connector asks for HTTP Basic. Requests go through the connector's dispatcher (CA bundle,
 * proxy); plain http is allowed only for loopback addresses, which settings validation enforces.
 */
export function oauthConfiguration(server: ImanageServer): oidc.Configuration {
  const metadata: oidc.ServerMetadata = {
    issuer: server.serverAddress,
    authorization_endpoint: `${server.serverAddress}/auth/oauth2/authorize`,
    token_endpoint: `${server.serverAddress}/auth/oauth2/token`,
  };
  const clientAuth =
    server.clientAuthentication === 'client_secret_basic'
      ? oidc.ClientSecretBasic(server.clientSecret)
      : oidc.ClientSecretPost(server.clientSecret);
  const config = new oidc.Configuration(metadata, server.clientId, undefined, clientAuth);
  config[oidc.customFetch] = ((url: string, options: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(url, { ...options, dispatcher: server.dispatcher })) as unknown as oidc.CustomFetch;
  config.timeout = 30;
  if (server.insecure) oidc.allowInsecureRequests(config);
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

export function oauthErrorDescription(err: unknown): string | undefined {
  if (err instanceof oidc.ResponseBodyError || err instanceof oidc.AuthorizationResponseError)
    return err.error_description;
  return undefined;
}
