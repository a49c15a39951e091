import { createHash, randomUUID } from 'node:crypto';
import * as oidc from 'openid-client';
import { recordAudit } from '../audit/record.ts';
import { imanageServerFor, imanageTypes } from '../connectors/imanage/server.ts';
import { getConnectorRow } from '../connectors/repository.ts';
import { AppError } from '../errors.ts';
import type { RequestUser } from '../http/route.ts';
import { safeReturnTo } from '../identity/return-to.ts';
import type { Lexbridge } from '../runtime.ts';
import { oauthAttempts } from '../store/schema.ts';
import { oauthConfiguration } from './oauth-client.ts';

/** How long a user has to finish signing in at the iManage server. */
export const attemptLifetimeMs = 10 * 60_000;

export const callbackPath = '/api/connectors/authorised';

export function redirectUriFor(lexbridge: Pick<Lexbridge, 'config'>): string {
  return `${lexbridge.config.publicUrl}${callbackPath}`;
}

export function hashState(state: string): string {
  return createHash('sha256').update(state).digest('base64url');
}

/**
 * Starts a user's authorisation of a connector: records an attempt (random single-use state, stored
 * hashed; PKCE verifier, stored sealed; bound to the session and connector; valid 10 minutes) and
 * returns the iManage authorize URL to redirect the browser to. `returnTo`, a relative path on this
 * server (anything else is ignored), is where the callback sends the browser instead of the Connectors
 * page, e.g. the publish page with the person's iManage selection.
 */
export async function startAuthorisation(
  lexbridge: Lexbridge,
  connectorId: string,
  user: RequestUser,
  ip?: string,
  options: { returnTo?: string } = {},
): Promise<string> {
  const row = await getConnectorRow(lexbridge.store.db, connectorId);
  if (!imanageTypes.has(row.type)) {
    throw new AppError(
      'connector_config_invalid',
      `The connector "${row.name}" (${row.type}) needs no authorisation.`,
    );
  }
  const server = imanageServerFor(lexbridge, row);
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
      details: { attemptId: id, serverAddress: server.serverAddress },
    });
  });
  const url = oidc.buildAuthorizationUrl(oauthConfiguration(server), {
    response_type: 'code',
    redirect_uri: redirectUri,
    scope: server.scope,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  return url.href;
}
