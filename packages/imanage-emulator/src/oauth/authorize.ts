/**
 * GET/POST /auth/oauth2/authorize: the authorization-code flow's front door.
 *
 * Until the client and redirect_uri are known to be genuine, problems are shown on an error page and
 * never redirected (RFC 6749 §4.1.2.1), so the page cannot bounce users to an unregistered address.
 * A disabled application is treated like that too: its users see "application is disabled". After
 * that point, errors (including Cancel and a user without access to the application) go back to the
 * client as ?error=…&state=….
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { html, page } from '../html.ts';
import { type Application, applicationAllowsUser, type EmulatorUser } from '../model.ts';
import { checkCredentials, signInForm } from '../sign-in.ts';
import { normaliseScope } from './scope.ts';

type Params = Record<string, string | undefined>;

const OAUTH_FIELDS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const;

interface ValidRequest {
  app: Application;
  redirectUri: string;
  state: string | undefined;
  scope: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256' | 'plain';
}

function stringParams(source: unknown): Params {
  const params: Params = {};
  for (const [key, value] of Object.entries((source ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string') params[key] = value;
  }
  return params;
}

function errorPage(reply: FastifyReply, status: number, title: string, message: string) {
  const body = html`<h1>${title}</h1><p class="error" role="alert">${message}</p>`;
  return reply.code(status).type('text/html').send(page(title, body));
}

function redirectWith(reply: FastifyReply, redirectUri: string, params: Params) {
  const target = new URL(redirectUri);
  for (const [key, value] of Object.entries(params))
    if (value !== undefined) target.searchParams.set(key, value);
  return reply.redirect(target.toString(), 302);
}

export function registerAuthorize(app: FastifyInstance, ctx: EmulatorContext): void {
  /** Checks the request; answers it (error page or error redirect) and returns undefined when invalid. */
  function validate(params: Params, reply: FastifyReply): ValidRequest | undefined {
    const app = params.client_id ? ctx.store.applications.get(params.client_id) : undefined;
    if (!app) {
      errorPage(
        reply,
        400,
        'Unknown application',
        'The client_id is missing or not registered in Control Center.',
      );
      return undefined;
    }
    if (!params.redirect_uri || !app.redirect_urls.includes(params.redirect_uri)) {
      errorPage(
        reply,
        400,
        'Invalid redirect URL',
        'The redirect_uri is missing or is not registered for this application.',
      );
      return undefined;
    }
    if (!app.enabled) {
      errorPage(
        reply,
        403,
        'Application disabled',
        `The application "${app.name}" is disabled in Control Center.`,
      );
      return undefined;
    }
    const redirectUri = params.redirect_uri;
    const state = params.state;
    const fail = (error: string, description: string) => {
      redirectWith(reply, redirectUri, { error, error_description: description, state });
      return undefined;
    };
    if (params.response_type !== 'code')
      return fail('unsupported_response_type', 'response_type must be "code"');
    const scope = normaliseScope(params.scope);
    if (!scope) return fail('invalid_scope', 'scope must be "user" and/or "admin"');
    if (params.code_challenge === undefined) {
      if (params.code_challenge_method !== undefined)
        return fail('invalid_request', 'code_challenge is missing');
      return { app, redirectUri, state, scope };
    }
    const method = params.code_challenge_method ?? 'plain';
    if (method !== 'S256' && method !== 'plain')
      return fail('invalid_request', 'code_challenge_method must be S256 or plain');
    if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(params.code_challenge)) {
      return fail('invalid_request', 'code_challenge must be 43-128 characters of [A-Za-z0-9-._~]');
    }
    return {
      app,
      redirectUri,
      state,
      scope,
      codeChallenge: params.code_challenge,
      codeChallengeMethod: method,
    };
  }

  function grant(reply: FastifyReply, request: ValidRequest, user: EmulatorUser) {
    if (!applicationAllowsUser(request.app, user.id)) {
      return redirectWith(reply, request.redirectUri, {
        error: 'access_denied',
        error_description: `${user.id} may not use ${request.app.name}`,
        state: request.state,
      });
    }
    const code = ctx.tokens.createCode({
      clientId: request.app.client_id,
      redirectUri: request.redirectUri,
      userId: user.id,
      scope: request.scope,
      ...(request.codeChallenge
        ? { codeChallenge: request.codeChallenge, codeChallengeMethod: request.codeChallengeMethod }
        : {}),
    });
    return redirectWith(reply, request.redirectUri, { code: code.code, state: request.state });
  }

  function showSignIn(reply: FastifyReply, params: Params, request: ValidRequest, error?: string) {
    const hidden = Object.fromEntries(OAUTH_FIELDS.map((field) => [field, params[field]]));
    const form = signInForm({
      action: '/auth/oauth2/authorize',
      hidden,
      heading: 'Sign in to iManage Work',
      intro: html`<strong>${request.app.name}</strong> wants to access iManage Work on your behalf.`,
      withCancel: true,
      ...(error ? { error } : {}),
    });
    return reply
      .code(error ? 401 : 200)
      .type('text/html')
      .send(page('Sign in', form));
  }

  app.get('/auth/oauth2/authorize', async (request, reply) => {
    const params = stringParams(request.query);
    const valid = validate(params, reply);
    if (!valid) return reply;
    const sessionUser = ctx.sessions.userId(request);
    const user = sessionUser ? ctx.store.users.get(sessionUser) : undefined;
    // Single sign-on: an existing session passes straight through unless the client asks to re-prompt.
    if (user && params.prompt !== 'login') return grant(reply, valid, user);
    return showSignIn(reply, params, valid);
  });

  app.post('/auth/oauth2/authorize', async (request, reply) => {
    const params = stringParams(request.body);
    const valid = validate(params, reply);
    if (!valid) return reply;
    if (params.action === 'cancel') {
      return redirectWith(reply, valid.redirectUri, {
        error: 'access_denied',
        error_description: 'The user cancelled sign-in',
        state: valid.state,
      });
    }
    const user = checkCredentials(ctx, params.username, params.password);
    if (!user) return showSignIn(reply, params, valid, 'User ID or Password is incorrect');
    ctx.sessions.start(reply, user.id);
    return grant(reply, valid, user);
  });
}
