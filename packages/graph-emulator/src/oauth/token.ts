/**
 * POST /{tenant}/oauth2/v2.0/token: authorization_code (with PKCE), refresh_token and
 * client_credentials (client-credentials.ts) grants, client
 * authentication by client_secret_post or client_secret_basic, and Entra's AADSTS error bodies.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import type { AppRegistration, Tenant, User } from '../model.ts';
import { AadstsError, entraTimestamp } from './aadsts.ts';
import { clientCredentialsGrant } from './client-credentials.ts';
import { grantedScopes } from './scopes.ts';
import { ACCESS_TOKEN_SECONDS, REFRESH_INACTIVITY_MS } from './tokens.ts';

type Form = Record<string, string | undefined>;

interface Grant {
  user: User;
  scopes: string[];
  oidc: string[];
  nonce?: string;
}

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const part = (text: string) => decodeURIComponent(text.replace(/\+/g, ' '));
  return colon < 0
    ? undefined
    : { id: part(decoded.slice(0, colon)), secret: part(decoded.slice(colon + 1)) };
}

function required(form: Form, name: string): string {
  const value = form[name];
  if (!value) throw new AadstsError(900144, name);
  return value;
}

export function registerToken(app: FastifyInstance, ctx: EmulatorContext): void {
  function authenticateClient(request: FastifyRequest, tenant: Tenant, form: Form): AppRegistration {
    const basic = basicCredentials(request.headers.authorization);
    const clientId = basic?.id ?? required(form, 'client_id');
    const registration = ctx.store.apps.get(clientId);
    if (!registration || registration.tenantId !== tenant.id) {
      throw new AadstsError(700016, clientId, tenant.domains[0] ?? tenant.id);
    }
    const secret = basic?.secret ?? form.client_secret;
    if (!secret) throw new AadstsError(7000218);
    const match = registration.secrets.find((candidate) => same(candidate.value, secret));
    if (!match) throw new AadstsError(7000215, clientId);
    if (match.expiresAt <= ctx.clock.now()) throw new AadstsError(7000222, clientId);
    return registration;
  }

  /** Assignment and consent, checked again at every redemption (an admin may have changed them). */
  function checkStillAllowed(registration: AppRegistration, user: User, scopes: string[], oidc: string[]) {
    if (registration.assignmentRequired && !registration.assignedUserIds.includes(user.id)) {
      throw new AadstsError(50105, registration.clientId, registration.displayName, user.userPrincipalName);
    }
    grantedScopes(registration, { graph: scopes.length ? scopes : ['.default'], oidc });
  }

  function codeGrant(registration: AppRegistration, form: Form): Grant {
    const record = ctx.tokens.codes.get(required(form, 'code'));
    if (!record || record.clientId !== registration.clientId) {
      throw new AadstsError(70000, "The provided value for the 'code' parameter is not valid.");
    }
    if (record.redeemedAt !== undefined) throw new AadstsError(54005);
    if (ctx.clock.now() >= record.expiresAt) throw new AadstsError(70008);
    if (required(form, 'redirect_uri') !== record.redirectUri) {
      throw new AadstsError(70000, 'The redirect_uri does not match the one in the authorization request.');
    }
    const verifier = required(form, 'code_verifier');
    if (!same(createHash('sha256').update(verifier).digest('base64url'), record.codeChallenge)) {
      throw new AadstsError(50148);
    }
    record.redeemedAt = ctx.clock.now();
    const user = ctx.store.users.get(record.userId);
    if (!user) throw new AadstsError(70000, 'The user no longer exists.');
    checkStillAllowed(registration, user, record.scopes, record.oidc);
    return {
      user,
      scopes: record.scopes,
      oidc: record.oidc,
      ...(record.nonce ? { nonce: record.nonce } : {}),
    };
  }

  function refreshGrant(registration: AppRegistration, form: Form): Grant {
    const record = ctx.tokens.refresh.get(required(form, 'refresh_token'));
    if (!record) throw new AadstsError(9002313);
    if (record.clientId !== registration.clientId) {
      throw new AadstsError(70000, 'The refresh token was issued to a different client.');
    }
    const user = ctx.store.users.get(record.userId);
    if (!user) throw new AadstsError(70000, 'The user no longer exists.');
    const now = ctx.clock.now();
    if (record.revoked || record.issuedAt < user.tokensValidFrom) {
      throw new AadstsError(
        50173,
        entraTimestamp(record.issuedAt),
        entraTimestamp(user.tokensValidFrom || now),
      );
    }
    if (record.redeemedAt !== undefined) {
      throw new AadstsError(70000, 'The refresh token was already redeemed: use the one returned with it.');
    }
    if (now - record.lastUsedAt > REFRESH_INACTIVITY_MS)
      throw new AadstsError(700082, entraTimestamp(record.issuedAt));
    checkStillAllowed(registration, user, record.scopes, record.oidc);
    record.redeemedAt = now;
    return { user, scopes: record.scopes, oidc: record.oidc };
  }

  function respond(registration: AppRegistration, tenant: Tenant, grant: Grant): Record<string, unknown> {
    const { login, graph } = ctx.urls();
    const access = ctx.tokens.issueAccessToken(registration, grant.user, grant.scopes, graph);
    const scope = [...grant.scopes, ...grant.oidc.filter((s) => s !== 'offline_access')].join(' ');
    return {
      token_type: 'Bearer',
      scope,
      expires_in: ACCESS_TOKEN_SECONDS,
      ext_expires_in: ACCESS_TOKEN_SECONDS,
      access_token: access.token,
      ...(grant.oidc.includes('offline_access')
        ? {
            refresh_token: ctx.tokens.issueRefreshToken({
              userId: grant.user.id,
              clientId: registration.clientId,
              scopes: grant.scopes,
              oidc: grant.oidc,
            }).token,
          }
        : {}),
      ...(grant.oidc.includes('openid')
        ? {
            id_token: ctx.tokens.idToken(registration, grant.user, `${login}/${tenant.id}/v2.0`, grant.nonce),
          }
        : {}),
    };
  }

  app.post<{ Params: { tenant: string } }>('/:tenant/oauth2/v2.0/token', async (request, reply) => {
    reply.header('cache-control', 'no-store, no-cache').header('pragma', 'no-cache');
    const form = (typeof request.body === 'object' && request.body !== null ? request.body : {}) as Form;
    try {
      const tenant = ctx.store.findTenant(request.params.tenant);
      if (!tenant) throw new AadstsError(90002, request.params.tenant);
      const grantType = required(form, 'grant_type');
      const injected = ctx.faults.aadsts('token', grantType);
      if (injected) throw new AadstsError(injected, form.client_id ?? '', 'Lexbridge', '');
      if (!['authorization_code', 'refresh_token', 'client_credentials'].includes(grantType)) {
        throw new AadstsError(70003, grantType);
      }
      const registration = authenticateClient(request, tenant, form);
      if (grantType === 'client_credentials')
        return reply.send(clientCredentialsGrant(ctx, registration, tenant, form.scope));
      const grant =
        grantType === 'authorization_code' ? codeGrant(registration, form) : refreshGrant(registration, form);
      return reply.send(respond(registration, tenant, grant));
    } catch (error) {
      if (!(error instanceof AadstsError)) throw error;
      return reply.code(error.status).send(error.body(ctx.clock.now(), ctx.urls().login));
    }
  });
}
