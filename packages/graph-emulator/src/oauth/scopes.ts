/**
 * The v2 `scope` parameter: Graph permissions by short name (`Files.ReadWrite.All`) or full name
 * (`https://graph.microsoft.com/Files.ReadWrite.All`), `https://graph.microsoft.com/.default` for every
 * permission the app has consent for, and the OpenID scopes (openid, profile, email, offline_access).
 */
import type { AppRegistration } from '../model.ts';
import { AadstsError } from './aadsts.ts';

const GRAPH_RESOURCE = 'https://graph.microsoft.com/';
export const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

export interface RequestedScopes {
  /** Graph permissions (short names), or ['.default']. */
  graph: string[];
  oidc: string[];
}

export function parseScopes(scope: string | undefined): RequestedScopes {
  const graph: string[] = [];
  const oidc: string[] = [];
  for (const raw of (scope ?? '').split(/\s+/).filter(Boolean)) {
    if (OIDC_SCOPES.has(raw.toLowerCase())) {
      oidc.push(raw.toLowerCase());
      continue;
    }
    const name = raw.toLowerCase().startsWith(GRAPH_RESOURCE) ? raw.slice(GRAPH_RESOURCE.length) : raw;
    if (raw.includes('://') && !raw.toLowerCase().startsWith(GRAPH_RESOURCE))
      throw new AadstsError(70011, raw);
    if (!/^(\.default|[A-Za-z]+(\.[A-Za-z]+)+)$/.test(name)) throw new AadstsError(70011, raw);
    graph.push(name);
  }
  if (graph.includes('.default') && graph.length > 1) throw new AadstsError(70011, scope ?? '');
  if (graph.length === 0 && oidc.length === 0) throw new AadstsError(900144, 'scope');
  return { graph, oidc };
}

/** The Graph permissions the app has consent for that were asked for; throws 65001 for any other. */
export function grantedScopes(app: AppRegistration, requested: RequestedScopes): string[] {
  const consented = new Map(app.grantedScopes.map((scope) => [scope.toLowerCase(), scope]));
  for (const scope of requested.oidc) {
    if (scope !== 'openid' && !consented.has(scope))
      throw new AadstsError(65001, app.clientId, app.displayName);
  }
  if (requested.graph[0] === '.default') {
    return app.grantedScopes.filter((scope) => !OIDC_SCOPES.has(scope.toLowerCase()));
  }
  return requested.graph.map((scope) => {
    const granted = consented.get(scope.toLowerCase());
    if (!granted) throw new AadstsError(65001, app.clientId, app.displayName);
    return granted;
  });
}
