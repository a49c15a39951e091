/**
 * The emulator's own sign-in page (for Control Center and the Work web view) and the form it shares
 * with the OAuth authorize page. Signing in starts an emulator session (sessions.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { html, page, type SafeHtml } from './html.ts';
import type { EmulatorUser } from './model.ts';

export interface SignInFormOptions {
  action: string;
  hidden: Record<string, string | undefined>;
  heading: string;
  intro?: SafeHtml | string;
  error?: string;
  withCancel: boolean;
}

export function signInForm(options: SignInFormOptions): SafeHtml {
  const hidden = Object.entries(options.hidden)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  return html`<h1>${options.heading}</h1>
${options.intro ? html`<p>${options.intro}</p>` : ''}
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
<form method="post" action="${options.action}" id="sign-in-form">
  ${hidden}
  <label for="username">Username</label>
  <input type="text" id="username" name="username" autocomplete="username" autofocus>
  <label for="password">Password</label>
  <input type="password" id="password" name="password" autocomplete="current-password">
  <p><button type="submit" class="primary" name="action" value="sign_in">Sign in</button>
  ${options.withCancel ? html`<button type="submit" name="action" value="cancel" formnovalidate>Cancel</button>` : ''}</p>
</form>`;
}

export function checkCredentials(
  ctx: EmulatorContext,
  username: unknown,
  password: unknown,
): EmulatorUser | undefined {
  if (typeof username !== 'string' || typeof password !== 'string') return undefined;
  const user = ctx.store.findUserByLogin(username);
  return user && user.password === password ? user : undefined;
}

/** Only same-site paths, so the sign-in page cannot be used as an open redirect. */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/work/web';
}

export function registerSignIn(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/auth/sign-in', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const form = signInForm({
      action: '/auth/sign-in',
      hidden: { return_to: safeReturnPath(query.return_to) },
      heading: 'Sign in to iManage Work',
      withCancel: false,
    });
    return reply.type('text/html').send(page('Sign in', form));
  });

  app.post('/auth/sign-in', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const returnTo = safeReturnPath(body.return_to);
    const user = checkCredentials(ctx, body.username, body.password);
    if (!user) {
      const form = signInForm({
        action: '/auth/sign-in',
        hidden: { return_to: returnTo },
        heading: 'Sign in to iManage Work',
        error: 'User ID or Password is incorrect',
        withCancel: false,
      });
      return reply.code(401).type('text/html').send(page('Sign in', form));
    }
    ctx.sessions.start(reply, user.id);
    return reply.redirect(returnTo, 303);
  });

  app.post('/auth/sign-out', async (request, reply) => {
    ctx.sessions.end(request, reply);
    return reply.redirect('/auth/sign-in', 303);
  });
}
