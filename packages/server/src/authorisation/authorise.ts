import { createHash, randomUUID } from 'node:crypto';
import * as oidc from 'openid-client';
import { recordAudit } from '../audit/record.ts';
import { isAddressRefusal } from '../connectors/address-guard.ts';
import { oauthCallbackPath, type SignInCheck } from '../connectors/plugin.ts';
import { getConnectorRow } from '../connectors/repository.ts';
import type { Lexbridge } from '../context.ts';
import type { RequestUser } from '../identity/person.ts';
import { safeReturnTo } from '../identity/return-to.ts';
import { oauthAttempts } from '../store/schema.ts';
import { type OAuthConnector, oauthConfiguration, oauthConnector } from './oauth-client.ts';

/** How long a user has to finish signing in at the system's server. */
export const attemptLifetimeMs = 10 * 60_000;

export function redirectUriFor(lexbridge: Pick<Lexbridge, 'config'>): string {
  return `${lexbridge.config.publicUrl}${oauthCallbackPath}`;
}

export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('base64url');
}

/** The Connectors page, or the attempt's return path (kept with its own query), with the result added. */
export function resultPage(params: Record<string, string | undefined>, returnTo?: string | null): string {
  const url = new URL(returnTo || '/connectors', 'http://lexbridge.invalid');
  for (const [k, v] of Object.entries(params)) if (v) url.searchParams.set(k, v);
  return `${url.pathname}${url.search}`;
}

/**
 * Starts a user's authorisation of a connector: records an attempt (random single-use state, stored
 * hashed; PKCE verifier, stored sealed; bound to the session and connector; valid 10 minutes) and
 * returns the authorization URL (from the connector's plug-in) to redirect the browser to. `returnTo`, a relative path on this
 * server (anything else is ignored), is where the callback sends the browser instead of the Connectors
 * page, e.g. the publish page with the person's selection. Before any of that the plug-in's
 * `precheck` runs: when it finds that signing in cannot work (the server does not answer, or refuses
 * the Client Id or Secret Key), the person stays in Lexbridge, sent to the Connectors page (or
 * `returnTo`) with `error=<code>&checked=before-sign-in`, where the page shows Test's diagnosis.
 */
export async function startAuthorisation(
  lexbridge: Lexbridge,
  connectorId: string,
  user: RequestUser,
  ip?: string,
  options: { returnTo?: string } = {},
): Promise<string> {
  const target = oauthConnector(lexbridge, await getConnectorRow(lexbridge.store.db, connectorId));
  const { server } = target;
  const returnTo = options.returnTo ? safeReturnTo(options.returnTo) : null;
  const refused = await checkBeforeSignIn(lexbridge, target, user, ip);
  if (refused)
    return resultPage({ error: refused, connector: connectorId, checked: 'before-sign-in' }, returnTo);
  const state = oidc.randomState();
  const verifier = oidc.randomPKCECodeVerifier();
  const challenge = await oidc.calculatePKCECodeChallenge(verifier);
  const id = randomUUID();
  const redirectUri = redirectUriFor(lexbridge);
  await lexbridge.store.db.transaction(async (tx) => {
    await tx.insert(oauthAttempts).values({
      id,
      stateHash: hashState(state),
      sessionIdHash: user.sessionIdHash,
      userId: user.id,
      connectorId,
      codeVerifier: lexbridge.secrets.seal(verifier, {
        table: 'oauth_attempts',
        rowId: id,
        column: 'code_verifier',
      }),
      redirectUri,
      returnTo,
      expiresAt: new Date(Date.now() + attemptLifetimeMs),
    });
    await recordAudit(tx, {
      action: 'connection.authorise_start',
      actorUserId: user.id,
      targetType: 'connector',
      targetId: connectorId,
      ip: ip ?? null,
      details: { attemptId: id, serverAddress: server.address },
    });
  });
  const url = oidc.buildAuthorizationUrl(oauthConfiguration(server), {
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: server.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...server.authorizationParameters,
  });
  return url.href;
}

/** The plug-in's check before sign-in; a refusal is audited and returned as the page's result code. */
async function checkBeforeSignIn(
  lexbridge: Lexbridge,
  target: OAuthConnector,
  user: RequestUser,
  ip?: string,
): Promise<string | undefined> {
  // An address the operator does not allow is not reached: the Connectors page's Test says why.
  const check = await target.oauth
    .precheck?.(lexbridge, target.loaded.connector)
    .catch((err: unknown): SignInCheck => {
      if (isAddressRefusal(err)) return { steps: [], refusal: 'server_unreachable' };
      throw err;
    });
  if (!check?.refusal) return undefined;
  const failed = check.steps.find((s) => !s.ok);
  await recordAudit(lexbridge.store.db, {
    action: 'connection.authorise',
    actorUserId: user.id,
    targetType: 'connector',
    targetId: target.loaded.connector.id,
    outcome: 'failure',
    ip: ip ?? null,
    details: { result: check.refusal, checked: 'before-sign-in', step: failed?.name ?? null },
  });
  lexbridge.log.info(
    { result: check.refusal, connectorId: target.loaded.connector.id, step: failed?.name },
    'authorisation stopped before sign-in',
  );
  return check.refusal;
}
