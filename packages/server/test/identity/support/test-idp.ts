import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type JWK } from 'oidc-provider';
import { firstPartyGrant } from '../../../src/identity/embedded-idp/first-party-grant.ts';
import { createMemoryAdapter } from '../../../src/identity/embedded-idp/memory-adapter.ts';

/**
 * A real oidc-provider on loopback playing the firm's identity provider. Its login step signs in
 * whichever account `nextAccount` names, without a form, so suites drive the whole redirect dance with
 * fetch. Accounts carry an Entra-like `roles` claim or an Okta-like `groups` claim.
 */
export interface TestAccount {
  email?: string;
  name?: string;
  roles?: string[];
  groups?: string[];
}

export interface TestIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  accounts: Map<string, TestAccount>;
  /** The subject the next login signs in. */
  nextAccount: string;
  close(): Promise<void>;
}

export interface TestIdpOptions {
  redirectUri: string;
  postLogoutRedirectUri: string;
  accounts?: Record<string, TestAccount>;
  /** 'userinfo' keeps profile and e-mail claims out of the ID token, as some providers do. */
  claimsIn?: 'id_token' | 'userinfo';
}

export async function startTestIdp(options: TestIdpOptions): Promise<TestIdp> {
  let handler: (req: never, res: never) => void = () => {};
  const server: Server = createServer((req, res) => handler(req as never, res as never));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idp: TestIdp = {
    issuer,
    clientId: 'lexbridge-test',
    clientSecret: 'test-client-secret-0123456789abcdef',
    accounts: new Map(Object.entries(options.accounts ?? {})),
    nextAccount: '',
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: idp.clientId,
        client_secret: idp.clientSecret,
        redirect_uris: [options.redirectUri],
        post_logout_redirect_uris: [options.postLogoutRedirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: {
      keys: [{ ...(privateKey.export({ format: 'jwk' }) as JWK), kid: 'test', use: 'sig', alg: 'RS256' }],
    },
    cookies: { keys: ['test-idp-cookie-key'] },
    claims: {
      openid: ['sub', 'roles'],
      email: ['email', 'email_verified'],
      profile: ['name'],
      groups: ['groups'],
    },
    scopes: ['openid', 'email', 'profile', 'groups'],
    conformIdTokenClaims: options.claimsIn === 'userinfo',
    ttl: {
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
    adapter: createMemoryAdapter(),
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    loadExistingGrant: firstPartyGrant,
    async findAccount(_ctx, sub) {
      const account = idp.accounts.get(sub);
      if (!account) return undefined;
      return {
        accountId: sub,
        async claims() {
          return { sub, ...account, ...(account.email ? { email_verified: true } : {}) };
        },
      };
    },
  });
  provider.use(async (ctx, next) => {
    if (ctx.path.startsWith('/interaction/')) {
      ctx.respond = false;
      await provider.interactionFinished(
        ctx.req,
        ctx.res,
        { login: { accountId: idp.nextAccount } },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    await next();
  });
  handler = provider.callback() as never;
  return idp;
}
