import { createHash } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import * as client from 'openid-client';
import { recordAudit } from '../audit/record.ts';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import { signInAttempts } from '../store/schema.ts';
import { equalSecrets } from './csrf.ts';
import { oidcConfiguration, providerError } from './oidc-client.ts';
import { safeReturnTo } from './return-to.ts';
import { createSession, endSession, type NewSession } from './sessions.ts';
import { oidcSettings } from './settings.ts';
import { profileFromClaims, type SignInProfile, upsertUser } from './users.ts';

/**
 * Sign-in with the authorization code flow, PKCE (S256), state and nonce, through openid-client.
 *
 * The pending sign-in lives in the database (sign_in_attempts, keyed by the state's hash, verifier
 * encrypted) and the browser holds the state in a short-lived httpOnly cookie. The callback deletes the
 * row as it reads it, so a replayed callback finds nothing, and it must present the same state in the
 * cookie and the query, so a callback link made in someone else's browser is refused (login CSRF).
 */
export const signInCookieName = 'lexbridge_signin';
export const signInAttemptMinutes = 10;

const stateSlot = (stateHash: string) => ({
  table: 'sign_in_attempts',
  rowId: stateHash,
  column: 'code_verifier',
});
const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

export interface BegunSignIn {
  authorizationUrl: string;
  /** Goes into the lexbridge_signin cookie. */
  state: string;
}

/** Records a pending sign-in and returns the provider's authorization URL. */
export async function beginSignIn(
  lexbridge: Lexbridge,
  returnTo: unknown,
  now = new Date(),
): Promise<BegunSignIn> {
  const settings = oidcSettings(lexbridge.config);
  const configuration = await oidcConfiguration(lexbridge);
  const state = client.randomState();
  const nonce = client.randomNonce();
  const codeVerifier = client.randomPKCECodeVerifier();
  const stateHash = sha256(state);
  const { db } = lexbridge.store;
  await db.delete(signInAttempts).where(lt(signInAttempts.expiresAt, now));
  await db.insert(signInAttempts).values({
    stateHash,
    codeVerifier: lexbridge.secrets.seal(codeVerifier, stateSlot(stateHash)),
    nonce,
    returnTo: safeReturnTo(returnTo),
    expiresAt: new Date(now.getTime() + signInAttemptMinutes * 60_000),
    createdAt: now,
  });
  const url = client.buildAuthorizationUrl(configuration, {
    redirect_uri: settings.redirectUri,
    scope: settings.scopes.join(' '),
    response_type: 'code',
    code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { authorizationUrl: url.href, state };
}

export interface CompletedSignIn {
  session: NewSession;
  userId: string;
  profile: SignInProfile;
  returnTo: string;
}

export interface CallbackInput {
  /** The query string the provider sent to /signin-oidc. */
  query: URLSearchParams;
  /** The state from the lexbridge_signin cookie. */
  cookieState: string | undefined;
  ip?: string;
  userAgent?: string;
}

/**
 * Completes a sign-in at the callback: checks state, exchanges the code, validates the ID token, and in
 * one transaction upserts the user (roles recomputed from the claims), creates the session and records
 * auth.sign_in. On any failure nothing is created, the attempt is gone, and a failed auth.sign_in is
 * recorded with the error code.
 */
export async function completeSignIn(
  lexbridge: Lexbridge,
  input: CallbackInput,
  now = new Date(),
): Promise<CompletedSignIn> {
  try {
    return await exchangeAndSignIn(lexbridge, input, now);
  } catch (err) {
    const code = err instanceof AppError ? err.code : 'oidc_callback_failed';
    await recordAudit(lexbridge.store.db, {
      action: 'auth.sign_in',
      outcome: 'failure',
      actorLabel: 'unknown',
      ip: input.ip ?? null,
      details: { code },
    }).catch((auditErr: unknown) =>
      lexbridge.log.warn({ err: auditErr }, 'could not record the failed sign-in'),
    );
    throw err;
  }
}

async function exchangeAndSignIn(
  lexbridge: Lexbridge,
  input: CallbackInput,
  now: Date,
): Promise<CompletedSignIn> {
  const attempt = await consumeAttempt(lexbridge, input, now);
  const settings = oidcSettings(lexbridge.config);
  const configuration = await oidcConfiguration(lexbridge);
  const callbackUrl = new URL(settings.redirectUri);
  callbackUrl.search = input.query.toString();
  let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
  try {
    tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
      pkceCodeVerifier: attempt.codeVerifier,
      expectedState: attempt.state,
      expectedNonce: attempt.nonce,
      idTokenExpected: true,
    });
  } catch (err) {
    throw callbackError(err);
  }
  const claims: Record<string, unknown> = { ...tokens.claims() };
  // Some providers keep the e-mail address out of the ID token; their userinfo endpoint has it.
  if (!claims.email && configuration.serverMetadata().userinfo_endpoint && typeof claims.sub === 'string') {
    const userinfo = await client
      .fetchUserInfo(configuration, tokens.access_token, claims.sub)
      .catch(() => undefined);
    if (typeof userinfo?.email === 'string') claims.email = userinfo.email;
  }
  const profile = profileFromClaims(claims, String(claims.iss ?? settings.issuer), {
    claimNames: lexbridge.config.LEXBRIDGE_OIDC_ROLE_CLAIMS,
    prefix: lexbridge.config.LEXBRIDGE_OIDC_ROLE_PREFIX,
  });
  return lexbridge.store.db.transaction(async (tx) => {
    const user = await upsertUser(tx, profile, now);
    const session = await createSession(
      tx,
      user.id,
      {
        idleMinutes: lexbridge.config.LEXBRIDGE_SESSION_IDLE_MINUTES,
        absoluteHours: lexbridge.config.LEXBRIDGE_SESSION_ABSOLUTE_HOURS,
      },
      {
        ip: input.ip,
        userAgent: input.userAgent,
        idToken: tokens.id_token ? { value: tokens.id_token, secrets: lexbridge.secrets } : null,
      },
      now,
    );
    await recordAudit(tx, {
      action: 'auth.sign_in',
      actorUserId: user.id,
      actorLabel: profile.email,
      targetType: 'user',
      targetId: user.id,
      ip: input.ip ?? null,
      details: { roles: profile.roles, issuer: profile.issuer },
    });
    return { session, userId: user.id, profile, returnTo: attempt.returnTo };
  });
}

/** Takes the pending sign-in out of the database (single use) and checks it belongs to this callback. */
async function consumeAttempt(lexbridge: Lexbridge, input: CallbackInput, now: Date) {
  const queryState = input.query.get('state');
  const cookieState = input.cookieState;
  if (!cookieState) {
    throw new AppError(
      'oidc_state_invalid',
      'This sign-in was not started in this browser, or it took longer than 10 minutes. Start signing in again.',
    );
  }
  const stateHash = sha256(cookieState);
  const rows = await lexbridge.store.db
    .delete(signInAttempts)
    .where(eq(signInAttempts.stateHash, stateHash))
    .returning();
  const row = rows[0];
  if (!row || !queryState || !equalSecrets(queryState, cookieState)) {
    throw new AppError('oidc_state_invalid');
  }
  if (row.expiresAt.getTime() <= now.getTime()) {
    throw new AppError(
      'oidc_state_invalid',
      'This sign-in took longer than 10 minutes. Start signing in again.',
    );
  }
  return {
    state: cookieState,
    nonce: row.nonce,
    returnTo: row.returnTo,
    codeVerifier: lexbridge.secrets.open(row.codeVerifier, stateSlot(stateHash)),
  };
}

/** The provider refused (error in the callback, code rejected, bad ID token), or could not be reached. */
function callbackError(err: unknown): AppError {
  if (err instanceof client.AuthorizationResponseError) {
    return new AppError(
      'oidc_callback_failed',
      err.error === 'access_denied'
        ? 'The identity provider did not let you sign in to Lexbridge. If you should have access, ask your administrator to assign you to the Lexbridge application.'
        : undefined,
      {
        providerError: err.error,
        ...(err.error_description ? { providerDescription: err.error_description } : {}),
      },
      { cause: err },
    );
  }
  if (err instanceof client.ResponseBodyError) {
    return new AppError('oidc_callback_failed', undefined, { providerError: err.error }, { cause: err });
  }
  const mapped = providerError(err, 'The code exchange failed');
  if (mapped.code === 'idp_unavailable') return mapped;
  return new AppError(
    'oidc_callback_failed',
    undefined,
    { reason: err instanceof Error ? err.message : String(err) },
    { cause: err },
  );
}

export interface SignedOut {
  /** The provider's end-session URL when it offers RP-initiated logout, else null. */
  redirectTo: string | null;
}

/** Ends the session and, when the provider supports it, builds its end-session URL. */
export async function signOut(
  lexbridge: Lexbridge,
  user: { id: string; email: string | null; sessionIdHash: string },
  ip?: string,
): Promise<SignedOut> {
  const ended = await lexbridge.store.db.transaction(async (tx) => {
    const result = await endSession(tx, lexbridge.secrets, user.sessionIdHash);
    await recordAudit(tx, {
      action: 'auth.sign_out',
      actorUserId: user.id,
      actorLabel: user.email,
      targetType: 'user',
      targetId: user.id,
      ip: ip ?? null,
    });
    return result;
  });
  try {
    const configuration = await oidcConfiguration(lexbridge);
    if (!configuration.serverMetadata().end_session_endpoint) return { redirectTo: null };
    const settings = oidcSettings(lexbridge.config);
    const url = client.buildEndSessionUrl(configuration, {
      post_logout_redirect_uri: settings.postLogoutRedirectUri,
      client_id: settings.clientId,
      ...(ended?.idToken ? { id_token_hint: ended.idToken } : {}),
    });
    return { redirectTo: url.href };
  } catch (err) {
    lexbridge.log.warn(
      { err },
      'signed out locally; the identity provider could not be asked for its sign-out address',
    );
    return { redirectTo: null };
  }
}
