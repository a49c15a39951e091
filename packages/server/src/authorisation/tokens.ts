import { and, eq, sql } from 'drizzle-orm';
import * as oidc from 'openid-client';
import type { RefreshObservation } from '../connectors/compatibility.ts';
import type { AccessGrant } from '../connectors/plugin.ts';
import { getConnectorRow } from '../connectors/repository.ts';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import { countTokenRefresh } from '../metrics/registry.ts';
import type { DbOrTx } from '../store/db.ts';
import { connections } from '../store/schema.ts';
import { type ConnectionRow, expireConnection, findConnection, storedAccount } from './connections.ts';
import {
  nonConformAnswer,
  oauthConfiguration,
  oauthConnector,
  oauthErrorCode,
  oauthErrorDescription,
  tokenErrorKind,
} from './oauth-client.ts';

/**
 * The token lifecycle of a user's connection: hand out a live access token, refreshing it when it is
 * within `refreshMarginMs` of expiry (some systems' access tokens expire after idle minutes).
 *
 * Refresh is single-flight, because with rotating refresh tokens a refresh token presented twice
 * fails (and some servers then revoke the whole grant):
 * - in one process, concurrent callers share one promise per connection;
 * - on PostgreSQL, across processes, the refresh runs in a transaction holding the connection row
 *   (SELECT … FOR UPDATE). After taking the lock the row is read again: when another process
 *   refreshed meanwhile (token_version moved, token fresh) its token is used and nothing is sent.
 *   The token call happens while the lock is held, so a second process waits instead of presenting
 *   the same refresh token. The call has a 30 s timeout, which bounds the wait. Known failure mode:
 *   if this process dies after the server rotated the token but before the commit, the new refresh
 *   token is lost and the next refresh gets invalid_grant (the user re-authorises); no lock TTL can
 *   expire under a slow token call, since the lock is the transaction itself.
 * - on the embedded database (PGlite) there is one process (the data directory lock) and one
 *   database connection. A transaction held across the token call would stall every other request
 *   for its duration, so there the row is read, the token call made outside any transaction, and the
 *   result written with compare-and-swap on token_version. The in-process single flight is what
 *   keeps the refresh token from being presented twice.
 */
export type AccessTokenGrant = AccessGrant;

export interface ConnectionKey {
  connectorId: string;
  userId: string;
}

/** Tokens closer than this to expiry are refreshed before use. */
export const refreshMarginMs = 2 * 60_000;
/** When a token response has no expires_in, assume 30 minutes (a common idle time). */
const defaultLifetimeSeconds = 30 * 60;

export const tokenSlot = (rowId: string, column: 'access_token' | 'refresh_token') => ({
  table: 'connections',
  rowId,
  column,
});

/** The sealed token columns for a token endpoint response, ready for an insert or update. */
export function sealedTokenColumns(
  lexbridge: Pick<Lexbridge, 'secrets'>,
  connectionId: string,
  tokens: Pick<oidc.TokenEndpointResponse, 'access_token' | 'refresh_token' | 'expires_in' | 'scope'> & {
    refresh_expires_in?: unknown;
  },
  previous?: { refreshToken: string | null; refreshTokenExpiresAt: Date | null },
  now = new Date(),
) {
  const lifetime =
    typeof tokens.expires_in === 'number' && tokens.expires_in > 0
      ? tokens.expires_in
      : defaultLifetimeSeconds;
  const refreshLifetime =
    typeof tokens.refresh_expires_in === 'number' ? tokens.refresh_expires_in : undefined;
  return {
    accessToken: lexbridge.secrets.seal(tokens.access_token, tokenSlot(connectionId, 'access_token')),
    accessTokenExpiresAt: new Date(now.getTime() + lifetime * 1000),
    // A server that does not rotate may omit the refresh token from a refresh answer: keep ours.
    refreshToken: tokens.refresh_token
      ? lexbridge.secrets.seal(tokens.refresh_token, tokenSlot(connectionId, 'refresh_token'))
      : (previous?.refreshToken ?? null),
    refreshTokenExpiresAt: tokens.refresh_token
      ? refreshLifetime
        ? new Date(now.getTime() + refreshLifetime * 1000)
        : null
      : (previous?.refreshTokenExpiresAt ?? null),
    ...(tokens.scope ? { scope: tokens.scope } : {}),
  };
}

function grantFrom(lexbridge: Pick<Lexbridge, 'secrets'>, row: ConnectionRow): AccessTokenGrant {
  return {
    accessToken: lexbridge.secrets.open(row.accessToken!, tokenSlot(row.id, 'access_token')),
    account: storedAccount(row.externalAccount) ?? {
      id: 'unknown',
      name: null,
      email: null,
      facts: [],
      details: {},
    },
  };
}

function assertUsable(row: ConnectionRow | undefined): asserts row is ConnectionRow {
  if (!row || row.status === 'unauthorised') throw new AppError('connection_not_authorised');
  if (row.status !== 'authorised') {
    throw new AppError('connection_expired', row.lastError ? `${row.lastError}` : undefined, {
      reasonCode: row.lastErrorCode ?? undefined,
    });
  }
}

/** Whether the stored token can be used as is (`stale`: a token the caller saw rejected). */
function usable(
  lexbridge: Pick<Lexbridge, 'secrets'>,
  row: ConnectionRow,
  options: { stale?: string; margin: number },
  now = Date.now(),
): boolean {
  if (row.status !== 'authorised' || !row.accessToken || !row.accessTokenExpiresAt) return false;
  if (row.accessTokenExpiresAt.getTime() - now <= options.margin) return false;
  return (
    !options.stale ||
    lexbridge.secrets.open(row.accessToken, tokenSlot(row.id, 'access_token')) !== options.stale
  );
}

/** Fresh enough; or, with no refresh token to renew it, still valid at all. */
function needsNoRefresh(
  lexbridge: Pick<Lexbridge, 'secrets'>,
  row: ConnectionRow,
  options: { stale?: string; margin: number },
): boolean {
  return (
    usable(lexbridge, row, options) ||
    (!row.refreshToken && usable(lexbridge, row, { ...options, margin: 0 }))
  );
}

/**
 * A live access token for the user's connection, refreshed first when within the margin of expiry.
 *
 * @throws AppError connection_not_authorised | connection_expired | refresh_token_not_issued |
 *   token_refresh_failed | connector_rejected_credentials | oauth_provider_error
 */
export async function getAccessToken(lexbridge: Lexbridge, key: ConnectionKey): Promise<AccessTokenGrant> {
  const row = await findConnection(lexbridge.store.db, key.connectorId, key.userId);
  assertUsable(row);
  if (usable(lexbridge, row, { margin: refreshMarginMs })) return grantFrom(lexbridge, row);
  return refreshConnection(lexbridge, key);
}

const inFlight = new WeakMap<object, Map<string, Promise<AccessTokenGrant>>>();

/**
 * Refreshes the connection's access token (single-flight, see above) and returns the new one. Pass
 * `staleAccessToken` after a 401 to force a refresh unless someone already replaced that token.
 */
export function refreshConnection(
  lexbridge: Lexbridge,
  key: ConnectionKey,
  options: { staleAccessToken?: string; margin?: number } = {},
): Promise<AccessTokenGrant> {
  let flights = inFlight.get(lexbridge.store);
  if (!flights) {
    flights = new Map();
    inFlight.set(lexbridge.store, flights);
  }
  const flightKey = `${key.connectorId}:${key.userId}`;
  const existing = flights.get(flightKey);
  if (existing) return existing;
  const run = lexbridge.store.kind === 'postgres' ? refreshUnderRowLock : refreshWithCompareAndSwap;
  const promise = run(lexbridge, key, {
    stale: options.staleAccessToken,
    margin: options.margin ?? refreshMarginMs,
  }).finally(() => flights.delete(flightKey));
  flights.set(flightKey, promise);
  return promise;
}

type Outcome = { grant: AccessTokenGrant } | { fail: AppError };

async function refreshUnderRowLock(
  lexbridge: Lexbridge,
  key: ConnectionKey,
  options: { stale?: string; margin: number },
): Promise<AccessTokenGrant> {
  const outcome = await lexbridge.store.db.transaction(async (tx): Promise<Outcome> => {
    const [row] = await tx
      .select()
      .from(connections)
      .where(and(eq(connections.connectorId, key.connectorId), eq(connections.userId, key.userId)))
      .for('update');
    assertUsable(row);
    if (needsNoRefresh(lexbridge, row, options)) return { grant: grantFrom(lexbridge, row) };
    const result = await callTokenEndpoint(lexbridge, row);
    countTokenRefresh('error' in result ? result.error.code : undefined);
    return applyResult(lexbridge, tx, row, result, true);
  });
  if ('fail' in outcome) throw outcome.fail;
  return outcome.grant;
}

async function refreshWithCompareAndSwap(
  lexbridge: Lexbridge,
  key: ConnectionKey,
  options: { stale?: string; margin: number },
): Promise<AccessTokenGrant> {
  const { db } = lexbridge.store;
  const row = await findConnection(db, key.connectorId, key.userId);
  assertUsable(row);
  if (needsNoRefresh(lexbridge, row, options)) return grantFrom(lexbridge, row);
  const result = await callTokenEndpoint(lexbridge, row);
  countTokenRefresh('error' in result ? result.error.code : undefined);
  const outcome = await db.transaction((tx) => applyResult(lexbridge, tx, row, result, false));
  if ('fail' in outcome) throw outcome.fail;
  return outcome.grant;
}

type TokenCall =
  | { tokens: oidc.TokenEndpointResponse; refreshToken: RefreshObservation['refreshToken'] }
  | { error: AppError; expire?: { code: string; message: string } };

async function callTokenEndpoint(lexbridge: Lexbridge, row: ConnectionRow): Promise<TokenCall> {
  const target = oauthConnector(lexbridge, await getConnectorRow(lexbridge.store.db, row.connectorId));
  const { name } = target.loaded.connector;
  const { systemName } = target.loaded.plugin;
  if (!row.refreshToken) {
    const advice =
      target.oauth.messages?.noRefreshToken ??
      "Ask the system's administrator to allow refresh tokens for the application";
    const message = target.server.wantsRefreshToken
      ? `Your access to "${name}" has run out and ${systemName} issued no refresh token to renew it. ${advice}, then re-authorise.`
      : `Your access to "${name}" has run out. Refresh tokens are off on this connector, so Lexbridge cannot renew access: re-authorise, or ask a Connector Admin to turn them on.`;
    return {
      error: new AppError('refresh_token_not_issued', message),
      expire: { code: 'refresh_token_not_issued', message },
    };
  }
  const refreshToken = lexbridge.secrets.open(row.refreshToken, tokenSlot(row.id, 'refresh_token'));
  try {
    const tokens = await oidc.refreshTokenGrant(oauthConfiguration(target.server), refreshToken);
    // What the answer did with the refresh token, for `lexbridge doctor`'s compatibility report.
    const next = tokens.refresh_token;
    return { tokens, refreshToken: !next ? 'omitted' : next === refreshToken ? 'unchanged' : 'rotated' };
  } catch (err) {
    const answer = target.oauth.tokenErrorCode ? await nonConformAnswer(err) : undefined;
    const code = oauthErrorCode(err) ?? (answer ? target.oauth.tokenErrorCode?.(answer) : undefined);
    if (!code) {
      lexbridge.log.warn(
        { connectionId: row.id, err: { message: (err as Error).message } },
        'token refresh failed',
      );
      return {
        error: new AppError(
          'token_refresh_failed',
          `The token endpoint of ${target.server.address} did not answer: ${(err as Error).message}. Try again shortly.`,
          undefined,
          { cause: err },
        ),
      };
    }
    const description = oauthErrorDescription(err);
    const kind = tokenErrorKind(target.oauth, { code, ...(description ? { description } : {}) });
    if (kind === 'reauthorise') {
      const message = `${systemName} no longer accepts your authorisation of "${name}" (${description ?? 'it was revoked or has expired'}). Re-authorise on the Connectors page.`;
      return {
        error: new AppError('connection_expired', message, { reasonCode: code }),
        expire: { code, message },
      };
    }
    return {
      error: new AppError(
        kind === 'credentials' ? 'connector_rejected_credentials' : 'oauth_provider_error',
        `${systemName} refused to renew the access token of "${name}": ${code}${description ? ` (${description})` : ''}.`,
        { oauthError: code },
        { cause: err },
      ),
    };
  }
}

async function applyResult(
  lexbridge: Lexbridge,
  tx: DbOrTx,
  row: ConnectionRow,
  result: TokenCall,
  locked: boolean,
): Promise<Outcome> {
  if ('error' in result) {
    if (result.expire) await expireConnection(tx, row, result.expire);
    else {
      await tx
        .update(connections)
        .set({ lastErrorCode: result.error.code, lastError: result.error.message, updatedAt: new Date() })
        .where(eq(connections.id, row.id));
    }
    return { fail: result.error };
  }
  const now = new Date();
  const [updated] = await tx
    .update(connections)
    .set({
      ...sealedTokenColumns(lexbridge, row.id, result.tokens, row, now),
      externalAccount: {
        ...row.externalAccount,
        lastRefresh: { at: now.toISOString(), refreshToken: result.refreshToken },
      },
      lastRefreshedAt: now,
      lastErrorCode: null,
      lastError: null,
      tokenVersion: sql`${connections.tokenVersion} + 1`,
      updatedAt: now,
    })
    .where(
      locked
        ? eq(connections.id, row.id)
        : and(eq(connections.id, row.id), eq(connections.tokenVersion, row.tokenVersion)),
    )
    .returning();
  if (!updated) {
    return {
      fail: new AppError(
        'token_refresh_failed',
        'The authorisation changed while its token was being renewed. Try again.',
      ),
    };
  }
  return { grant: grantFrom(lexbridge, updated) };
}
