import { createHash, randomUUID } from 'node:crypto';
import * as oidc from 'openid-client';
import { recordAudit } from '../audit/record.ts';
import { oauthCallbackPath } from '../connectors/plugin.ts';
import { getConnectorRow } from '../connectors/repository.ts';
import type { Lexbridge } from '../context.ts';
import type { RequestUser } from '../identity/person.ts';
import { safeReturnTo } from '../identity/return-to.ts';
import { oauthAttempts } from '../store/schema.ts';
import { oauthConfiguration, oauthConnector } from './oauth-client.ts';

/** How long a user has to finish signing in at the system's server. */
export const attemptLifetimeMs = 10 * 60_000;

export function redirectUriFor(lexbridge: Pick<Lexbridge, 'config'>): string {
  return `${lexbridge.config.publicUrl}${oauthCallbackPath}`;
}

export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('base64url');
}

/**
 * Starts a user's authorisation of a connector: records an attempt (random single-use state, stored
 * hashed; PKCE verifier, stored sealed; bound to the session and connector; valid 10 minutes) and
 * returns the authorization URL (from the connector's plug-in) to redirect the browser to. `returnTo`, a relative path on this
 * server (anything else is ignored), is where the callback sends the browser instead of the Connectors
 * page, e.g. the publish page with the person's selection.
 */
export async function startAuthorisation(
  lexbridge: Lexbridge,
  connectorId: string,
  user: RequestUser,
  ip?: string,
  options: { returnTo?: string } = {},
): Promise<string> {
  const { server } = oauthConnector(lexbridge, await getConnectorRow(lexbridge.store.db, connectorId));
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
      returnTo: options.returnTo ? safeReturnTo(options.returnTo) : null,
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
