import { randomUUID } from 'node:crypto';
import { type AuthorisationResultCode, authorisationResultCodes } from '@lexbridge/contracts';
import { and, eq, isNull } from 'drizzle-orm';
import * as oidc from 'openid-client';
import { recordAudit } from '../audit/record.ts';
import { lookUpAccount } from '../connectors/imanage/discovery.ts';
import { imanageServerFor } from '../connectors/imanage/server.ts';
import { getConnectorRow } from '../connectors/repository.ts';
import { isAppError } from '../errors.ts';
import type { RequestUser } from '../http/route.ts';
import type { Lexbridge } from '../runtime.ts';
import { connections, oauthAttempts } from '../store/schema.ts';
import { hashState } from './authorise.ts';
import { findConnection, resumeWorkflowsUsing } from './connections.ts';
import { oauthConfiguration, oauthErrorCode, oauthErrorDescription } from './oauth-client.ts';
import { sealedTokenColumns } from './tokens.ts';

/**
 * The end of a user's authorisation: the browser comes back from the iManage server to
 * /api/connectors/authorised. Checks, in order: the state matches an attempt (and marks it used, so
 * it cannot be replayed whatever happens next), the attempt is not expired, it belongs to this
 * session; then the server's own error, if any; then exchanges the code (PKCE verifier, client
 * secret), looks the account up with GET {server}/api, and stores the tokens sealed. Nothing is
 * stored for a failed attempt. Returns where to send the browser: the Connectors page with
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

/** The Connectors page, or the attempt's return path (kept with its own query), with the result added. */
function page(params: Record<string, string | undefined>, returnTo?: string | null): string {
  const url = new URL(returnTo || '/connectors', 'http://lexbridge.invalid');
  for (const [k, v] of Object.entries(params)) if (v) url.searchParams.set(k, v);
  return `${url.pathname}${url.search}`;
}

export async function completeAuthorisation(
  lexbridge: Lexbridge,
  query: CallbackQuery,
  user: RequestUser | null,
  ip?: string,
): Promise<string> {
  const { db } = lexbridge.store;
  let returnTo: string | null = null;
  const fail = async (code: AuthorisationResultCode, connectorId: string | undefined, detail: string) => {
    await recordAudit(db, {
      action: 'connection.authorise',
      actorUserId: user?.id ?? null,
      targetType: 'connector',
      targetId: connectorId ?? null,
      outcome: 'failure',
      ip: ip ?? null,
      details: { result: code, detail },
    });
    lexbridge.log.info({ result: code, connectorId, detail }, 'connector authorisation failed');
    return page({ error: code, connector: connectorId }, returnTo);
  };

  if (!query.state) return fail('state_invalid', undefined, 'no state parameter');
  const [attempt] = await db
    .update(oauthAttempts)
    .set({ usedAt: new Date() })
    .where(and(eq(oauthAttempts.stateHash, hashState(query.state)), isNull(oauthAttempts.usedAt)))
    .returning();
  if (!attempt) return fail('state_invalid', undefined, 'unknown or already used state');
  const connectorId = attempt.connectorId;
  returnTo = attempt.returnTo;
  if (attempt.expiresAt.getTime() <= Date.now())
    return fail('attempt_expired', connectorId, 'attempt older than 10 minutes');
  if (!user || user.sessionIdHash !== attempt.sessionIdHash || user.id !== attempt.userId) {
    return fail('session_mismatch', connectorId, user ? 'another session' : 'not signed in');
  }
  if (query.error) {
    const code = serverErrors.has(query.error) ? (query.error as AuthorisationResultCode) : 'unknown_error';
    return fail(
      code,
      connectorId,
      `server answered ${query.error}${query.error_description ? `: ${query.error_description}` : ''}`,
    );
  }

  let server: ReturnType<typeof imanageServerFor>;
  try {
    server = imanageServerFor(lexbridge, await getConnectorRow(db, connectorId));
  } catch (err) {
    return fail('unknown_error', connectorId, (err as Error).message);
  }
  const verifier = lexbridge.secrets.open(attempt.codeVerifier, {
    table: 'oauth_attempts',
    rowId: attempt.id,
    column: 'code_verifier',
  });
  const callbackUrl = new URL(attempt.redirectUri);
  for (const [k, v] of Object.entries(query)) if (typeof v === 'string') callbackUrl.searchParams.set(k, v);

  let tokens: oidc.TokenEndpointResponse;
  try {
    tokens = await oidc.authorizationCodeGrant(oauthConfiguration(server), callbackUrl, {
      pkceCodeVerifier: verifier,
      expectedState: query.state,
    });
  } catch (err) {
    const code = oauthErrorCode(err);
    if (code) {
      const known = serverErrors.has(code) ? (code as AuthorisationResultCode) : 'unknown_error';
      return fail(
        known,
        connectorId,
        `token endpoint answered ${code}${oauthErrorDescription(err) ? `: ${oauthErrorDescription(err)}` : ''}`,
      );
    }
    return fail('server_unreachable', connectorId, `code exchange failed: ${(err as Error).message}`);
  }

  let account: Awaited<ReturnType<typeof lookUpAccount>>;
  try {
    account = await lookUpAccount(server, tokens.access_token);
  } catch (err) {
    const code =
      isAppError(err) && err.code === 'imanage_unreachable' ? 'server_unreachable' : 'account_lookup_failed';
    return fail(code, connectorId, (err as Error).message);
  }

  const noRefresh = server.wantsRefreshToken && !tokens.refresh_token;
  const warning = noRefresh
    ? 'iManage issued no refresh token, so access stops when the token expires. Ask your iManage administrator to turn on "Allow refresh token" for the application in Control Center, then authorise again.'
    : null;
  await db.transaction(async (tx) => {
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
      status: 'authorised',
      scope: tokens.scope ?? server.scope,
      externalAccount: account as unknown as Record<string, unknown>,
      lastRefreshedAt: now,
      lastErrorCode: noRefresh ? 'refresh_token_not_issued' : null,
      lastError: warning,
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
        imanageUser: account.userId,
        customerId: account.customerId,
        dmsVersion: account.dmsVersion,
        refreshToken: Boolean(tokens.refresh_token),
        resumedWorkflows: resumed.map((w) => w.id),
      },
    });
  });
  return page(
    { authorised: connectorId, warning: noRefresh ? 'refresh_token_not_issued' : undefined },
    returnTo,
  );
}
