/**
 * POST /auth/oauth2/token: authorization_code, refresh_token and password grants, with RFC 6749
 * error bodies. Client authentication is accepted in the form body or by HTTP Basic (not both).
 * A refresh request may omit client credentials entirely (one real client does); the client is then
 * the one the refresh token was issued to.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { type Application, applicationAllowsUser } from '../model.ts';
import { checkCredentials } from '../sign-in.ts';
import { normaliseScope } from './scope.ts';
import { OAuthError, sendTokenError } from './token-errors.ts';
import type { IssuedTokens } from './token-store.ts';

type Form = Record<string, string | undefined>;

function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new OAuthError('invalid_client', 'malformed Basic credentials', 401);
  // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
  return {
    id: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
    secret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
  };
}

function verifyPkce(challenge: string, method: 'S256' | 'plain', verifier: string): boolean {
  const derived = method === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return sameSecret(derived, challenge);
}

export function registerToken(app: FastifyInstance, ctx: EmulatorContext): void {
  /** The authenticated client, or undefined for a refresh request that sent no client credentials. */
  function authenticateClient(request: FastifyRequest, form: Form): Application | undefined {
    const basic = basicCredentials(request.headers.authorization);
    if (basic && (form.client_secret !== undefined || (form.client_id && form.client_id !== basic.id))) {
      throw new OAuthError('invalid_request', 'use either HTTP Basic or form client credentials, not both');
    }
    const clientId = basic?.id ?? form.client_id;
    const secret = basic?.secret ?? form.client_secret;
    if (!clientId) {
      if (form.grant_type === 'refresh_token') return undefined;
      throw new OAuthError('invalid_client', 'client authentication is required', 401);
    }
    const client = ctx.store.applications.get(clientId);
    const secretOk =
      client &&
      (client.client_secret === null ? secret === undefined : sameSecret(secret ?? '', client.client_secret));
    if (!client || !secretOk)
      throw new OAuthError('invalid_client', 'unknown client or wrong client secret', 401);
    return client;
  }

  function requireEnabled(client: Application): void {
    if (!client.enabled)
      throw new OAuthError('unauthorized_client', `the application "${client.name}" is disabled`);
  }

  function required(form: Form, name: string): string {
    const value = form[name];
    if (!value) throw new OAuthError('invalid_request', `${name} is required`);
    return value;
  }

  function authorizationCodeGrant(client: Application, form: Form): IssuedTokens {
    const record = ctx.tokens.codes.get(required(form, 'code'));
    if (!record || record.clientId !== client.client_id)
      throw new OAuthError('invalid_grant', 'unknown authorization code');
    if (record.usedAt !== undefined) {
      // A replayed code suggests it was stolen: revoke what the first exchange produced.
      for (const token of record.issuedAccessTokens) ctx.tokens.revokeAccessToken(token);
      if (record.issuedRefreshToken) ctx.tokens.revokeRefreshToken(record.issuedRefreshToken);
      throw new OAuthError('invalid_grant', 'authorization code was already used');
    }
    if (ctx.clock.now() >= record.expiresAt)
      throw new OAuthError('invalid_grant', 'authorization code has expired');
    if (required(form, 'redirect_uri') !== record.redirectUri) {
      throw new OAuthError('invalid_grant', 'redirect_uri does not match the authorization request');
    }
    if (record.codeChallenge && record.codeChallengeMethod) {
      const verifier = required(form, 'code_verifier');
      if (!verifyPkce(record.codeChallenge, record.codeChallengeMethod, verifier)) {
        throw new OAuthError('invalid_grant', 'code_verifier does not match code_challenge');
      }
    } else if (form.code_verifier !== undefined) {
      throw new OAuthError(
        'invalid_grant',
        'code_verifier sent but the authorization request had no code_challenge',
      );
    }
    record.usedAt = ctx.clock.now();
    const user = ctx.store.users.get(record.userId);
    if (!user || !applicationAllowsUser(client, user.id))
      throw new OAuthError('invalid_grant', 'the user may not use this application');
    const issued = ctx.tokens.issue(client, user.id, record.scope);
    record.issuedAccessTokens.push(issued.access.token);
    if (issued.refresh) record.issuedRefreshToken = issued.refresh.token;
    return issued;
  }

  function refreshTokenGrant(authenticated: Application | undefined, form: Form): IssuedTokens {
    const presented = required(form, 'refresh_token');
    const refresh = ctx.tokens.liveRefreshToken(presented);
    if (!refresh || (authenticated && refresh.clientId !== authenticated.client_id)) {
      throw new OAuthError('invalid_grant', 'refresh token is invalid, expired or revoked');
    }
    const client = authenticated ?? ctx.store.applications.get(refresh.clientId);
    if (!client) throw new OAuthError('invalid_grant', 'refresh token is invalid, expired or revoked');
    requireEnabled(client);
    if (!client.allow_refresh_token)
      throw new OAuthError('invalid_grant', 'the application no longer allows refresh tokens');
    if (!applicationAllowsUser(client, refresh.userId) || !ctx.store.users.has(refresh.userId)) {
      throw new OAuthError('invalid_grant', 'the user may not use this application');
    }
    if (client.rotate_refresh_token) {
      ctx.tokens.revokeRefreshToken(presented);
      return ctx.tokens.issue(client, refresh.userId, refresh.scope, true);
    }
    // Without rotation the same refresh token is returned (clients must store whatever comes back).
    return { ...ctx.tokens.issue(client, refresh.userId, refresh.scope, false), refresh };
  }

  function passwordGrant(client: Application, form: Form): IssuedTokens {
    const user = checkCredentials(ctx, required(form, 'username'), required(form, 'password'));
    if (!user) throw new OAuthError('invalid_grant', 'User ID or Password is incorrect');
    if (!applicationAllowsUser(client, user.id))
      throw new OAuthError('invalid_grant', 'the user may not use this application');
    const scope = normaliseScope(form.scope);
    if (!scope) throw new OAuthError('invalid_scope', 'scope must be "user" and/or "admin"');
    return ctx.tokens.issue(client, user.id, scope);
  }

  app.post(
    '/auth/oauth2/token',
    {
      onRequest: async (request, reply) => {
        const down = ctx.faults.tokenEndpointDown;
        if (down === 'reset') request.raw.socket.resetAndDestroy();
        else if (down === '503') {
          return reply.code(503).send({
            error: 'temporarily_unavailable',
            error_description: 'token endpoint is down (injected fault)',
          });
        }
        return undefined;
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
      const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Form;
      try {
        const grantType = form.grant_type;
        if (!grantType) throw new OAuthError('invalid_request', 'grant_type is required');
        if (!['authorization_code', 'refresh_token', 'password'].includes(grantType)) {
          throw new OAuthError('unsupported_grant_type', `grant_type "${grantType}" is not supported`);
        }
        const client = authenticateClient(request, form);
        if (client) requireEnabled(client);
        let issued: IssuedTokens;
        if (grantType === 'refresh_token') issued = refreshTokenGrant(client, form);
        else if (!client) throw new OAuthError('invalid_client', 'client authentication is required', 401);
        else
          issued =
            grantType === 'password' ? passwordGrant(client, form) : authorizationCodeGrant(client, form);
        return reply.send({
          access_token: issued.access.token,
          token_type: 'Bearer',
          expires_in: Math.round(issued.access.idleMs / 1000),
          scope: issued.access.scope,
          ...(issued.refresh ? { refresh_token: issued.refresh.token } : {}),
        });
      } catch (error) {
        if (!(error instanceof OAuthError)) throw error;
        if (error.status === 401 && /^Basic/i.test(request.headers.authorization ?? '')) {
          reply.header('www-authenticate', 'Basic realm="iManage Work"');
        }
        return sendTokenError(reply, error, ctx.strict.nonRfcTokenErrors);
      }
    },
  );
}
