/**
 * GET/POST /{tenant}/oauth2/v2.0/authorize: Entra's sign-in page. As in Entra, problems with the
 * tenant, the application or the redirect URI — and, after sign-in, a user not assigned to the app or
 * a missing admin consent — are shown on the page itself and never redirected back; the client only
 * hears about protocol errors (with ?error=…&error_description=AADSTS…&state=…). PKCE with S256 is
 * required.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { html, page } from '../html.ts';
import type { AppRegistration, Tenant, User } from '../model.ts';
import { AadstsError } from './aadsts.ts';
import { grantedScopes, parseScopes, type RequestedScopes } from './scopes.ts';

type Params = Record<string, string | undefined>;

const FIELDS = [
  'client_id',
  'response_type',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'login_hint',
  'response_mode',
] as const;

interface ValidRequest {
  tenant: Tenant;
  app: AppRegistration;
  redirectUri: string;
  scopes: RequestedScopes;
  params: Params;
}

function stringParams(source: unknown): Params {
  const params: Params = {};
  for (const [key, value] of Object.entries((source ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string') params[key] = value;
  }
  return params;
}

function errorPage(reply: FastifyReply, error: AadstsError) {
  const body = html`<div class="card"><h1>Sorry, but we’re having trouble signing you in.</h1>
<p class="error" role="alert">${error.describe()}</p></div>`;
  return reply.code(error.status).type('text/html').send(page('Sign in to your account', body));
}

function redirectWith(reply: FastifyReply, redirectUri: string, params: Params) {
  const target = new URL(redirectUri);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) target.searchParams.set(key, value);
  return reply.redirect(target.toString(), 302);
}

function signInPage(reply: FastifyReply, request: ValidRequest, error?: string) {
  const hidden = FIELDS.map((field) =>
    request.params[field] === undefined
      ? ''
      : html`<input type="hidden" name="${field}" value="${request.params[field]}">`,
  );
  const body = html`<div class="card"><h1>Sign in</h1>
<p><strong>${request.app.displayName}</strong> wants to access your ${request.tenant.displayName} account.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post">${hidden}
<label for="login">Email, phone, or Skype</label>
<input id="login" name="login" type="email" autocomplete="username" value="${request.params.login_hint ?? ''}">
<label for="passwd">Password</label>
<input id="passwd" name="passwd" type="password" autocomplete="current-password">
<button type="submit">Sign in</button></form></div>`;
  return reply
    .code(error ? 400 : 200)
    .type('text/html')
    .send(page('Sign in to your account', body));
}

export function registerAuthorize(app: FastifyInstance, ctx: EmulatorContext): void {
  /** Validates the request; answers it (page or redirect) and returns undefined when invalid. */
  function validate(tenantParam: string, params: Params, reply: FastifyReply): ValidRequest | undefined {
    const tenant = ctx.store.findTenant(tenantParam);
    if (!tenant) return void errorPage(reply, new AadstsError(90002, tenantParam));
    const registration = params.client_id ? ctx.store.apps.get(params.client_id) : undefined;
    if (!registration || registration.tenantId !== tenant.id) {
      return void errorPage(
        reply,
        new AadstsError(700016, params.client_id ?? '', tenant.domains[0] ?? tenant.id),
      );
    }
    const redirectUri = params.redirect_uri ?? '';
    if (!registration.redirectUris.includes(redirectUri)) {
      return void errorPage(reply, new AadstsError(50011, redirectUri, registration.clientId));
    }
    const fail = (error: AadstsError, code = error.error) =>
      void redirectWith(reply, redirectUri, {
        error: code,
        error_description: error.describe(),
        state: params.state,
      });
    if (params.response_type !== 'code') {
      return fail(new AadstsError(70000, 'response_type must be "code".'), 'unsupported_response_type');
    }
    if (!params.code_challenge || params.code_challenge_method !== 'S256')
      return fail(new AadstsError(9002325));
    try {
      return { tenant, app: registration, redirectUri, scopes: parseScopes(params.scope), params };
    } catch (error) {
      if (error instanceof AadstsError) return fail(error);
      throw error;
    }
  }

  /** After a successful sign-in: checks assignment, consent and injected errors, then issues a code. */
  function grant(reply: FastifyReply, request: ValidRequest, user: User) {
    const { app: registration, params } = request;
    const injected = ctx.faults.aadsts('authorize');
    if (injected)
      return errorPage(reply, new AadstsError(injected, registration.clientId, registration.displayName));
    if (registration.assignmentRequired && !registration.assignedUserIds.includes(user.id)) {
      return errorPage(
        reply,
        new AadstsError(50105, registration.clientId, registration.displayName, user.userPrincipalName),
      );
    }
    let scopes: string[];
    try {
      scopes = grantedScopes(registration, request.scopes);
    } catch (error) {
      if (!(error instanceof AadstsError)) throw error;
      if (params.prompt !== 'none') return errorPage(reply, error);
      return redirectWith(reply, request.redirectUri, {
        error: 'consent_required',
        error_description: error.describe(),
        state: params.state,
      });
    }
    const code = ctx.tokens.createCode({
      clientId: registration.clientId,
      userId: user.id,
      redirectUri: request.redirectUri,
      codeChallenge: params.code_challenge ?? '',
      scopes,
      oidc: request.scopes.oidc,
      nonce: params.nonce,
    });
    return redirectWith(reply, request.redirectUri, {
      code: code.code,
      state: params.state,
      session_state: user.id,
    });
  }

  app.get<{ Params: { tenant: string } }>('/:tenant/oauth2/v2.0/authorize', async (request, reply) => {
    const params = stringParams(request.query);
    const valid = validate(request.params.tenant, params, reply);
    if (!valid) return reply;
    if (params.prompt === 'none') {
      return redirectWith(reply, valid.redirectUri, {
        error: 'login_required',
        error_description: 'AADSTS50058: A silent sign-in request was sent but no user is signed in.',
        state: params.state,
      });
    }
    return signInPage(reply, valid);
  });

  app.post<{ Params: { tenant: string } }>('/:tenant/oauth2/v2.0/authorize', async (request, reply) => {
    const params = stringParams(request.body);
    const valid = validate(request.params.tenant, params, reply);
    if (!valid) return reply;
    const user = ctx.store.findUserByLogin(valid.tenant.id, params.login ?? '');
    if (!user || user.password !== params.passwd) {
      return signInPage(reply, valid, 'Your account or password is incorrect. (AADSTS50126)');
    }
    return grant(reply, valid, user);
  });
}
