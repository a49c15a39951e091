import { randomUUID } from 'node:crypto';
import { type AuthorisationResultCode, authorisationResultCodes } from '@lexbridge/contracts';
import { and, eq, isNull } from 'drizzle-orm';
import * as oidc from 'openid-client';
import { recordAudit } from '../audit/record.ts';
import type { ExternalAccount } from '../connectors/plugin.ts';
import { getConnectorRow } from '../connectors/repository.ts';
import type { Lexbridge } from '../context.ts';
import { isAppError } from '../errors.ts';
import type { RequestUser } from '../identity/person.ts';
import { connections, oauthAttempts } from '../store/schema.ts';
import { hashState, resultPage as page } from './authorise.ts';
import { findConnection, resumeWorkflowsUsing } from './connections.ts';
import {
  nonConformAnswer,
  type OAuthConnector,
  oauthConfiguration,
  oauthConnector,
  oauthErrorCode,
  oauthErrorDescription,
} from './oauth-client.ts';
import { sealedTokenColumns } from './tokens.ts';

/**
 * The end of a user's authorisation: the browser comes back from the system's authorization server
 * to /api/connectors/authorised. Checks, in order: the state matches an attempt (and marks it used,
 * so it cannot be replayed whatever happens next), the attempt is not expired, it belongs to this
 * session; then the server's own error, if any; then exchanges the code (PKCE verifier, client
 * secret), asks the connector's plug-in whose account the token is, and stores the tokens sealed.
 * Nothing is stored for a failed attempt. Returns where to send the browser: the Connectors page with
 * `authorised=<id>` or `error=<code>&connector=<id>` (codes: authorisationResultCodes in contracts).
 */
export interface CallbackQuery {
  state?: string;
  code?: string;
  error?: string;
  error_description?: string;
  [key: string]: string | undefined;
}

const serverErrors = new Set<string>(authorisationResultCodes);

type Attempt = typeof oauthAttempts.$inferSelect;

/** A failed step: the result code for the page and a detail for the log and the audit event. */
class Refused {
  constructor(
    readonly code: AuthorisationResultCode,
    readonly detail: string,
  ) {}
}

function resultCode(code: string): AuthorisationResultCode {
  return serverErrors.has(code) ? (code as AuthorisationResultCode) : 'unknown_error';
}

export async function completeAuthorisation(
  lexbridge: Lexbridge,
  query: CallbackQuery,
  user: RequestUser | null,
  ip?: string,
): Promise<string> {
  let attempt: Attempt | undefined;
  try {
    attempt = await claimAttempt(lexbridge, query);
    checkAttempt(attempt, query, user);
    const target = await oauthConnectorOf(lexbridge, attempt.connectorId);
    const tokens = await exchangeCode(lexbridge, target, attempt, query);
    const account = await accountOf(lexbridge, target, tokens);
    const noRefresh = target.server.wantsRefreshToken && !tokens.refresh_token;
    await storeConnection(lexbridge, target, attempt, tokens, account, ip);
    return page(
      { authorised: attempt.connectorId, warning: noRefresh ? 'refresh_token_not_issued' : undefined },
      attempt.returnTo,
    );
  } catch (err) {
    if (!(err instanceof Refused)) throw err;
    const connectorId = attempt?.connectorId;
    await recordAudit(lexbridge.store.db, {
      action: 'connection.authorise',
      actorUserId: user?.id ?? null,
      targetType: 'connector',
      targetId: connectorId ?? null,
      outcome: 'failure',
      ip: ip ?? null,
      details: { result: err.code, detail: err.detail },
    });
    lexbridge.log.info(
      { result: err.code, connectorId, detail: err.detail },
      'connector authorisation failed',
    );
    return page({ error: err.code, connector: connectorId }, attempt?.returnTo);
  }
}

/** Marks the attempt with this state used, so that it cannot be replayed whatever happens next. */
async function claimAttempt(lexbridge: Lexbridge, query: CallbackQuery): Promise<Attempt> {
  if (!query.state) throw new Refused('state_invalid', 'no state parameter');
  const [attempt] = await lexbridge.store.db
    .update(oauthAttempts)
    .set({ usedAt: new Date() })
    .where(and(eq(oauthAttempts.stateHash, hashState(query.state)), isNull(oauthAttempts.usedAt)))
    .returning();
  if (!attempt) throw new Refused('state_invalid', 'unknown or already used state');
  return attempt;
}

function checkAttempt(attempt: Attempt, query: CallbackQuery, user: RequestUser | null): void {
  if (attempt.expiresAt.getTime() <= Date.now())
    throw new Refused('attempt_expired', 'attempt older than 10 minutes');
  if (!user || user.sessionIdHash !== attempt.sessionIdHash || user.id !== attempt.userId)
    throw new Refused('session_mismatch', user ? 'another session' : 'not signed in');
  if (query.error) {
    throw new Refused(
      resultCode(query.error),
      `server answered ${query.error}${query.error_description ? `: ${query.error_description}` : ''}`,
    );
  }
}

async function oauthConnectorOf(lexbridge: Lexbridge, connectorId: string): Promise<OAuthConnector> {
  try {
    return oauthConnector(lexbridge, await getConnectorRow(lexbridge.store.db, connectorId));
  } catch (err) {
    throw new Refused('unknown_error', (err as Error).message);
  }
}

async function exchangeCode(
  lexbridge: Lexbridge,
  target: OAuthConnector,
  attempt: Attempt,
  query: CallbackQuery,
): Promise<oidc.TokenEndpointResponse> {
  const verifier = lexbridge.secrets.open(attempt.codeVerifier, {
    table: 'oauth_attempts',
    rowId: attempt.id,
    column: 'code_verifier',
  });
  const callbackUrl = new URL(attempt.redirectUri);
  for (const [k, v] of Object.entries(query)) if (typeof v === 'string') callbackUrl.searchParams.set(k, v);
  try {
    return await oidc.authorizationCodeGrant(oauthConfiguration(target.server), callbackUrl, {
      pkceCodeVerifier: verifier,
      expectedState: query.state,
    });
  } catch (err) {
    const answer = target.oauth.tokenErrorCode ? await nonConformAnswer(err) : undefined;
    const code = oauthErrorCode(err) ?? (answer ? target.oauth.tokenErrorCode?.(answer) : undefined);
    if (!code) throw new Refused('server_unreachable', `code exchange failed: ${(err as Error).message}`);
    const description = oauthErrorDescription(err);
    throw new Refused(
      resultCode(code),
      `token endpoint answered ${code}${description ? `: ${description}` : ''}`,
    );
  }
}

async function accountOf(
  lexbridge: Lexbridge,
  target: OAuthConnector,
  tokens: oidc.TokenEndpointResponse,
): Promise<ExternalAccount> {
  try {
    return await target.oauth.lookUpAccount(lexbridge, target.loaded.connector, {
      accessToken: tokens.access_token,
      ...(tokens.scope ? { scope: tokens.scope } : {}),
      ...(tokens.id_token ? { idToken: tokens.id_token } : {}),
    });
  } catch (err) {
    const unreachable = isAppError(err) && err.code === 'connector_unreachable';
    throw new Refused(unreachable ? 'server_unreachable' : 'account_lookup_failed', (err as Error).message);
  }
}

/** The sentence for a connection that got no refresh token, in the system's own terms where it has them. */
export function noRefreshTokenWarning(target: Pick<OAuthConnector, 'loaded' | 'oauth'>): string {
  const advice =
    target.oauth.messages?.noRefreshToken ??
    "Ask the system's administrator to allow refresh tokens for the application";
  return `${target.loaded.plugin.systemName} issued no refresh token, so access stops when the token expires. ${advice}, then authorise again.`;
}

/** Stores the sealed tokens and the account, resumes the owner's paused workflows, audits: one transaction. */
async function storeConnection(
  lexbridge: Lexbridge,
  target: OAuthConnector,
  attempt: Attempt,
  tokens: oidc.TokenEndpointResponse,
  account: ExternalAccount,
  ip?: string,
): Promise<void> {
  const { connectorId } = attempt;
  const noRefresh = target.server.wantsRefreshToken && !tokens.refresh_token;
  await lexbridge.store.db.transaction(async (tx) => {
    const existing = await findConnection(tx, connectorId, attempt.userId);
    const id = existing?.id ?? randomUUID();
    const now = new Date();
    const values = {
      ...sealedTokenColumns(
        lexbridge,
        id,
        { ...tokens, refresh_token: tokens.refresh_token ?? undefined },
        undefined,
        now,
      ),
      status: 'authorised' as const,
      scope: tokens.scope ?? target.server.scope,
      externalAccount: account,
      lastRefreshedAt: now,
      lastErrorCode: noRefresh ? 'refresh_token_not_issued' : null,
      lastError: noRefresh ? noRefreshTokenWarning(target) : null,
      updatedAt: now,
    };
    if (existing) {
      await tx
        .update(connections)
        .set({ ...values, createdAt: now, tokenVersion: existing.tokenVersion + 1 })
        .where(eq(connections.id, id));
    } else {
      await tx
        .insert(connections)
        .values({ id, connectorId, userId: attempt.userId, ...values, createdAt: now, tokenVersion: 1 });
    }
    const resumed = await resumeWorkflowsUsing(tx, connectorId, attempt.userId);
    await recordAudit(tx, {
      action: 'connection.authorise',
      actorUserId: attempt.userId,
      targetType: 'connection',
      targetId: id,
      ip: ip ?? null,
      details: {
        connectorId,
        externalAccount: account.id,
        facts: account.facts,
        refreshToken: Boolean(tokens.refresh_token),
        resumedWorkflows: resumed.map((w) => w.id),
      },
    });
  });
}
