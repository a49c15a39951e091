/**
 * The client-credentials grant (grant_type=client_credentials), as Entra answers it: the scope must be
 * one resource's `/.default` (AADSTS1002012 otherwise; AADSTS500011 for a resource that is not Graph),
 * and the token is the app's own, with its application permissions as `roles`. The demo app, like
 * Lexbridge's registration, has delegated permissions only, so its token has no `roles` (and no
 * `scp`): Graph then refuses every request with it (graph/auth.ts), /me included.
 */
import type { EmulatorContext } from '../context.ts';
import type { AppRegistration, Tenant } from '../model.ts';
import { AadstsError } from './aadsts.ts';
import { ACCESS_TOKEN_SECONDS, GRAPH_APP_ID } from './tokens.ts';

const DEFAULT_SUFFIX = '/.default';

export function clientCredentialsGrant(
  ctx: EmulatorContext,
  registration: AppRegistration,
  tenant: Tenant,
  scope: string | undefined,
): Record<string, unknown> {
  if (!scope) throw new AadstsError(900144, 'scope');
  const scopes = scope.split(/\s+/).filter(Boolean);
  const [only] = scopes;
  if (scopes.length !== 1 || !only?.endsWith(DEFAULT_SUFFIX)) throw new AadstsError(1002012, scope);
  const resource = only.slice(0, -DEFAULT_SUFFIX.length).replace(/\/$/, '').toLowerCase();
  const graph = ['https://graph.microsoft.com', GRAPH_APP_ID, ctx.urls().graph.toLowerCase()];
  if (!graph.includes(resource)) throw new AadstsError(500011, resource, tenant.domains[0] ?? tenant.id);
  const access = ctx.tokens.issueAppToken(registration, ctx.urls().graph);
  return {
    token_type: 'Bearer',
    expires_in: ACCESS_TOKEN_SECONDS,
    ext_expires_in: ACCESS_TOKEN_SECONDS,
    access_token: access.token,
  };
}
