/**
 * Authorization codes, access tokens and refresh tokens. Access and ID tokens are RS256 JWTs signed
 * by a key generated at start (published at /{tenant}/discovery/v2.0/keys); Graph never trusts a token
 * because of its signature, only because this store issued it and it is live. Refresh tokens rotate
 * strictly: each is redeemed once, and presenting it again fails (real Entra is laxer; a client that
 * obeys this works against both).
 */
import { createHash, generateKeyPairSync, type KeyObject, randomBytes, randomUUID, sign } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { AppRegistration, User } from '../model.ts';

export const ACCESS_TOKEN_SECONDS = 3599;
export const CODE_LIFETIME_MS = 10 * 60_000;
export const REFRESH_INACTIVITY_MS = 90 * 86_400_000;
export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export interface AuthorizationCode {
  code: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  oidc: string[];
  nonce: string | undefined;
  expiresAt: number;
  redeemedAt?: number;
}

export interface AccessToken {
  token: string;
  userId: string;
  clientId: string;
  tenantId: string;
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
  /** A client-credentials token: the app itself, no user (`userId` is empty), no `scp`. */
  appOnly?: boolean;
}

export interface RefreshToken {
  token: string;
  userId: string;
  clientId: string;
  scopes: string[];
  oidc: string[];
  issuedAt: number;
  /** Renewed at each use; 90 days without use and it expires. */
  lastUsedAt: number;
  redeemedAt?: number;
  revoked: boolean;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export class TokenService {
  readonly codes = new Map<string, AuthorizationCode>();
  readonly access = new Map<string, AccessToken>();
  readonly refresh = new Map<string, RefreshToken>();
  readonly #clock: Clock;
  readonly #key: KeyObject;
  readonly publicJwk: Record<string, unknown>;
  readonly keyId: string;

  constructor(clock: Clock) {
    this.#clock = clock;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.#key = privateKey;
    const der = publicKey.export({ type: 'spki', format: 'der' });
    this.keyId = createHash('sha256').update(der).digest('base64url').slice(0, 27);
    this.publicJwk = { ...publicKey.export({ format: 'jwk' }), kid: this.keyId, use: 'sig', alg: 'RS256' };
  }

  jwt(claims: Record<string, unknown>): string {
    const signingInput = `${base64url({ typ: 'JWT', alg: 'RS256', kid: this.keyId })}.${base64url(claims)}`;
    return `${signingInput}.${sign('sha256', Buffer.from(signingInput), this.#key).toString('base64url')}`;
  }

  createCode(fields: Omit<AuthorizationCode, 'code' | 'expiresAt'>): AuthorizationCode {
    const code: AuthorizationCode = {
      ...fields,
      code: `1.A${randomBytes(48).toString('base64url')}`,
      expiresAt: this.#clock.now() + CODE_LIFETIME_MS,
    };
    this.codes.set(code.code, code);
    return code;
  }

  issueAccessToken(app: AppRegistration, user: User, scopes: string[], graphUrl: string): AccessToken {
    const now = this.#clock.now();
    const seconds = Math.floor(now / 1000);
    const token = this.jwt({
      aud: GRAPH_APP_ID,
      iss: `https://sts.windows.net/${user.tenantId}/`,
      iat: seconds,
      nbf: seconds,
      exp: seconds + ACCESS_TOKEN_SECONDS,
      appid: app.clientId,
      app_displayname: app.displayName,
      name: user.displayName,
      oid: user.id,
      scp: scopes.join(' '),
      sub: createHash('sha256').update(`${user.id}:${app.clientId}`).digest('base64url').slice(0, 43),
      tid: user.tenantId,
      upn: user.userPrincipalName,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
      xms_graph_host: graphUrl,
    });
    const record: AccessToken = {
      token,
      userId: user.id,
      clientId: app.clientId,
      tenantId: user.tenantId,
      scopes,
      issuedAt: now,
      expiresAt: now + ACCESS_TOKEN_SECONDS * 1000,
      revoked: false,
    };
    this.access.set(token, record);
    return record;
  }

  /**
   * A client-credentials token (`idtyp` app). Its `roles` are the app's application permissions; an
   * app registered with delegated permissions only (as Lexbridge's is) has none, so the token carries
   * neither `scp` nor `roles`.
   */
  issueAppToken(app: AppRegistration, graphUrl: string): AccessToken {
    const now = this.#clock.now();
    const seconds = Math.floor(now / 1000);
    const servicePrincipal = createHash('sha256').update(`sp:${app.clientId}`).digest('hex');
    const oid = `${servicePrincipal.slice(0, 8)}-${servicePrincipal.slice(8, 12)}-${servicePrincipal.slice(12, 16)}-${servicePrincipal.slice(16, 20)}-${servicePrincipal.slice(20, 32)}`;
    const token = this.jwt({
      aud: 'https://graph.microsoft.com',
      iss: `https://sts.windows.net/${app.tenantId}/`,
      iat: seconds,
      nbf: seconds,
      exp: seconds + ACCESS_TOKEN_SECONDS,
      app_displayname: app.displayName,
      appid: app.clientId,
      idtyp: 'app',
      oid,
      sub: oid,
      tid: app.tenantId,
      uti: randomBytes(16).toString('base64url'),
      ver: '1.0',
      xms_graph_host: graphUrl,
    });
    const record: AccessToken = {
      token,
      userId: '',
      clientId: app.clientId,
      tenantId: app.tenantId,
      scopes: [],
      issuedAt: now,
      expiresAt: now + ACCESS_TOKEN_SECONDS * 1000,
      revoked: false,
      appOnly: true,
    };
    this.access.set(token, record);
    return record;
  }

  issueRefreshToken(fields: Pick<RefreshToken, 'userId' | 'clientId' | 'scopes' | 'oidc'>): RefreshToken {
    const now = this.#clock.now();
    const record: RefreshToken = {
      ...fields,
      token: `1.A${randomBytes(96).toString('base64url')}`,
      issuedAt: now,
      lastUsedAt: now,
      revoked: false,
    };
    this.refresh.set(record.token, record);
    return record;
  }

  idToken(app: AppRegistration, user: User, issuer: string, nonce: string | undefined): string {
    const seconds = Math.floor(this.#clock.now() / 1000);
    return this.jwt({
      aud: app.clientId,
      iss: issuer,
      iat: seconds,
      nbf: seconds,
      exp: seconds + ACCESS_TOKEN_SECONDS,
      name: user.displayName,
      oid: user.id,
      preferred_username: user.userPrincipalName,
      email: user.userPrincipalName,
      sub: createHash('sha256').update(`${user.id}:${app.clientId}:sub`).digest('base64url').slice(0, 43),
      tid: user.tenantId,
      ver: '2.0',
      ...(nonce ? { nonce } : {}),
      uti: randomUUID(),
    });
  }

  /** Revokes every access and refresh token of the user (refresh tokens then fail with AADSTS50173). */
  revokeUser(userId: string): number {
    let count = 0;
    for (const record of [...this.access.values(), ...this.refresh.values()]) {
      if (record.userId === userId && !record.revoked) {
        record.revoked = true;
        count++;
      }
    }
    return count;
  }
}
