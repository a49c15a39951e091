/**
 * Authorization codes, access tokens and refresh tokens. Access tokens slide: every accepted use
 * pushes their expiry out by the application's idle minutes, as Control Center's "Access Token Expiry"
 * ("duration of inactivity allowed") describes. All expiry reads the emulator clock.
 */
import { randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Application } from '../model.ts';

export const AUTHORIZATION_CODE_LIFETIME_MS = 60_000;

export interface AuthorizationCode {
  code: string;
  clientId: string;
  redirectUri: string;
  userId: string;
  scope: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
  expiresAt: number;
  usedAt?: number;
  /** Tokens issued from this code, revoked if the code is replayed (RFC 6749 §4.1.2). */
  issuedAccessTokens: string[];
  issuedRefreshToken?: string;
}

export interface AccessToken {
  token: string;
  clientId: string;
  userId: string;
  scope: string;
  idleMs: number;
  expiresAt: number;
}

export interface RefreshToken {
  token: string;
  clientId: string;
  userId: string;
  scope: string;
  expiresAt: number;
}

export interface IssuedTokens {
  access: AccessToken;
  refresh?: RefreshToken;
}

const newSecret = () => randomBytes(32).toString('base64url');

export class TokenStore {
  readonly codes = new Map<string, AuthorizationCode>();
  readonly accessTokens = new Map<string, AccessToken>();
  readonly refreshTokens = new Map<string, RefreshToken>();
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  createCode(
    fields: Omit<AuthorizationCode, 'code' | 'expiresAt' | 'issuedAccessTokens'>,
  ): AuthorizationCode {
    const code: AuthorizationCode = {
      ...fields,
      code: newSecret(),
      expiresAt: this.#clock.now() + AUTHORIZATION_CODE_LIFETIME_MS,
      issuedAccessTokens: [],
    };
    this.codes.set(code.code, code);
    return code;
  }

  /** Issues an access token, and a refresh token when the application allows them. */
  issue(
    app: Application,
    userId: string,
    scope: string,
    withRefresh = app.allow_refresh_token,
  ): IssuedTokens {
    const idleMs = app.access_token_minutes * 60_000;
    const access: AccessToken = {
      token: newSecret(),
      clientId: app.client_id,
      userId,
      scope,
      idleMs,
      expiresAt: this.#clock.now() + idleMs,
    };
    this.accessTokens.set(access.token, access);
    if (!withRefresh) return { access };
    const refresh: RefreshToken = {
      token: newSecret(),
      clientId: app.client_id,
      userId,
      scope,
      expiresAt: this.#clock.now() + app.refresh_token_days * 86_400_000,
    };
    this.refreshTokens.set(refresh.token, refresh);
    return { access, refresh };
  }

  /** Returns the live token and slides its expiry, or undefined when unknown or idle too long. */
  useAccessToken(token: string): AccessToken | undefined {
    const access = this.accessTokens.get(token);
    if (!access) return undefined;
    const now = this.#clock.now();
    if (now >= access.expiresAt) {
      this.accessTokens.delete(token);
      return undefined;
    }
    access.expiresAt = now + access.idleMs;
    return access;
  }

  liveRefreshToken(token: string): RefreshToken | undefined {
    const refresh = this.refreshTokens.get(token);
    if (!refresh) return undefined;
    if (this.#clock.now() >= refresh.expiresAt) {
      this.refreshTokens.delete(token);
      return undefined;
    }
    return refresh;
  }

  revokeRefreshToken(token: string): void {
    this.refreshTokens.delete(token);
  }

  revokeAccessToken(token: string): void {
    this.accessTokens.delete(token);
  }

  /** Revokes every token of a user; returns how many were revoked. */
  revokeUser(userId: string): number {
    return this.revokeWhere((t) => t.userId === userId);
  }

  /** Revokes every token of an application (used when it is deleted). */
  revokeApplication(clientId: string): number {
    return this.revokeWhere((t) => t.clientId === clientId);
  }

  private revokeWhere(matches: (token: { userId: string; clientId: string }) => boolean): number {
    let count = 0;
    for (const map of [this.accessTokens, this.refreshTokens] as Map<string, AccessToken | RefreshToken>[]) {
      for (const [key, token] of map) {
        if (matches(token)) {
          map.delete(key);
          count++;
        }
      }
    }
    for (const [key, code] of this.codes)
      if (matches({ userId: code.userId, clientId: code.clientId })) this.codes.delete(key);
    return count;
  }
}
