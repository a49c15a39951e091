import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Provider, { type JWK, type KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '../../log.ts';
import { embeddedIdpPath, type OidcSettings } from '../settings.ts';
import { FailedPasswords } from './failed-passwords.ts';
import { firstPartyGrant } from './first-party-grant.ts';
import { createMemoryAdapter } from './memory-adapter.ts';
import { loginPage, logoutPage, messagePage } from './pages.ts';
import { verifyPassword } from './passwords.ts';
import { readUsersFile } from './users-file.ts';

/**
 * The embedded identity provider: a real OpenID Connect provider (oidc-provider) mounted at /idp of
 * the Lexbridge server itself, so `npm start` needs one URL and one port. Lexbridge signs in to it
 * with the same openid-client code as to a firm's provider, as the public client `lexbridge-local`
 * (PKCE, no secret). Its users come from the users file; its signing keys and its own sessions live in
 * memory and are new at each start.
 */
export interface EmbeddedIdentityProvider {
  issuer: string;
  provider: Provider;
  /** Answers a request whose URL is relative to /idp (mount.ts mounts it on the Lexbridge app). */
  callback: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

export function createEmbeddedIdentityProvider(
  settings: OidcSettings,
  usersFile: string,
  log: Logger,
): EmbeddedIdentityProvider {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const findUser = async (username: string) =>
    (await readUsersFile(usersFile)).find((u) => u.username.toLowerCase() === username.toLowerCase());
  const provider = new Provider(settings.issuer, {
    clients: [
      {
        client_id: settings.clientId,
        token_endpoint_auth_method: 'none',
        redirect_uris: [settings.redirectUri],
        post_logout_redirect_uris: [settings.postLogoutRedirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    adapter: createMemoryAdapter(),
    jwks: {
      keys: [
        {
          ...(privateKey.export({ format: 'jwk' }) as JWK),
          kid: randomBytes(6).toString('hex'),
          use: 'sig',
          alg: 'RS256',
        },
      ],
    },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    claims: {
      openid: ['sub', 'roles'],
      email: ['email', 'email_verified'],
      profile: ['name', 'preferred_username'],
    },
    scopes: ['openid', 'email', 'profile'],
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: {
      Interaction: 600,
      Session: 8 * 3600,
      Grant: 8 * 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx, form) {
          ctx.body = logoutPage(form);
        },
        async postLogoutSuccessSource(ctx) {
          ctx.body = messagePage('Signed out', 'You have signed out of the local identity provider.');
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `${embeddedIdpPath}/interaction/${interaction.uid}` },
    loadExistingGrant: firstPartyGrant,
    async findAccount(_ctx, sub) {
      const user = await findUser(sub).catch(() => undefined);
      if (!user) return undefined;
      return {
        accountId: user.username,
        async claims() {
          return {
            sub: user.username,
            preferred_username: user.username,
            name: user.name,
            email: user.email,
            email_verified: true,
            roles: user.roles,
          };
        },
      };
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = messagePage(
        'Sign-in problem',
        String(out.error_description ?? out.error ?? 'The sign-in request is not valid.'),
      );
    },
  });
  // The issuer is fixed and local: no X-Forwarded-Host or -Proto a client sends is believed.
  provider.proxy = false;
  const interaction: InteractionDeps = { provider, findUser, log, failedPasswords: new FailedPasswords() };
  provider.use(async (ctx, next) => {
    const match = /^\/interaction\/([^/]+)(\/login)?$/.exec(ctx.path);
    if (!match) return next();
    await handleInteraction(ctx as unknown as KoaContextWithOIDC, match[2] === '/login', interaction);
  });
  return { issuer: settings.issuer, provider, callback: provider.callback() };
}

type FindUser = (
  username: string,
) => Promise<{ username: string; password?: string; passwordHash?: string } | undefined>;

interface InteractionDeps {
  provider: Provider;
  findUser: FindUser;
  log: Logger;
  failedPasswords: FailedPasswords;
}

/** The login step: show the form, check the password against the users file, finish the interaction. */
async function handleInteraction(
  ctx: KoaContextWithOIDC,
  submitted: boolean,
  { provider, findUser, log, failedPasswords }: InteractionDeps,
): Promise<void> {
  ctx.set('cache-control', 'no-store');
  let details: Awaited<ReturnType<Provider['interactionDetails']>>;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch {
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = messagePage(
      'Sign-in expired',
      'This sign-in page has expired. Go back to Lexbridge and sign in again.',
    );
    return;
  }
  const action = `${embeddedIdpPath}/interaction/${details.uid}/login`;
  if (details.prompt.name !== 'login') {
    // Consent is implied for Lexbridge, the provider's only client (see firstPartyGrant).
    const grant = new provider.Grant({
      accountId: details.session!.accountId!,
      clientId: String(details.params.client_id),
    });
    grant.addOIDCScope(String(details.params.scope ?? 'openid'));
    ctx.respond = false;
    await provider.interactionFinished(
      ctx.req,
      ctx.res,
      { consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: true },
    );
    return;
  }
  if (!submitted || ctx.method !== 'POST') {
    ctx.type = 'html';
    ctx.body = loginPage({ action });
    return;
  }
  const body = await readBody(ctx.req);
  if (body === undefined) {
    ctx.status = 400;
    ctx.type = 'html';
    ctx.body = loginPage({
      action,
      error: 'The sign-in form was too large. Type your username and password again.',
    });
    return;
  }
  const form = new URLSearchParams(body);
  const username = (form.get('username') ?? '').trim();
  const password = form.get('password') ?? '';
  const lockedMs = failedPasswords.lockedFor(username);
  if (lockedMs > 0) {
    const minutes = Math.ceil(lockedMs / 60_000);
    ctx.status = 429;
    ctx.set('retry-after', String(Math.ceil(lockedMs / 1000)));
    ctx.type = 'html';
    ctx.body = loginPage({
      action,
      username,
      error: `Too many wrong passwords for this user. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    });
    return;
  }
  let user: Awaited<ReturnType<FindUser>>;
  try {
    user = username ? await findUser(username) : undefined;
  } catch (err) {
    log.error({ err }, 'the users file of the embedded identity provider cannot be used');
    ctx.status = 500;
    ctx.type = 'html';
    ctx.body = messagePage('Sign-in unavailable', `${(err as Error).message}`);
    return;
  }
  if (!user || !(await verifyPassword(password, user))) {
    if (username) failedPasswords.recordFailure(username);
    ctx.status = 401;
    ctx.type = 'html';
    ctx.body = loginPage({ action, username, error: 'The username or password is not right. Try again.' });
    return;
  }
  failedPasswords.recordSuccess(username);
  ctx.respond = false;
  await provider.interactionFinished(
    ctx.req,
    ctx.res,
    { login: { accountId: user.username } },
    { mergeWithLastSubmission: false },
  );
}

/** The form's body, or undefined when it is larger than a sign-in form can be (16 KB). */
async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 16 * 1024) {
      req.resume();
      return undefined;
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
