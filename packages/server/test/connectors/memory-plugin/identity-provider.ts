import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { firstPartyGrant } from '../../../src/identity/embedded-idp/first-party-grant.ts';
import { createMemoryAdapter } from '../../../src/identity/embedded-idp/memory-adapter.ts';

/**
 * The memory system's authorization server: a real oidc-provider on loopback that issues access and
 * refresh tokens (rotating) to one confidential client, and signs in whichever account `nextAccount`
 * names without a form, so the test drives the whole redirect dance with fetch.
 */
export interface MemoryIdp {
  issuer: string;
  clientId: string;
  clientSecret: string;
  provider: Provider;
  accounts: Map<string, { name: string; email: string }>;
  nextAccount: string;
  close(): Promise<void>;
}

export async function startMemoryIdp(redirectUri: string): Promise<MemoryIdp> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'memory-dms',
        client_secret: 'memory-dms-secret-0123456789',
        redirect_uris: [redirectUri],
        response_types: ['code'],
        grant_types: ['authorization_code', 'refresh_token'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    scopes: ['openid', 'profile', 'email', 'documents'],
    claims: { openid: ['sub'], profile: ['name'], email: ['email'] },
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    cookies: { keys: ['memory-idp-cookie-key'] },
    adapter: createMemoryAdapter(),
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    loadExistingGrant: firstPartyGrant,
    async findAccount(_ctx, sub) {
      const account = idp.accounts.get(sub);
      return account ? { accountId: sub, claims: async () => ({ sub, ...account }) } : undefined;
    },
  });
  const idp: MemoryIdp = {
    issuer,
    clientId: 'memory-dms',
    clientSecret: 'memory-dms-secret-0123456789',
    provider,
    accounts: new Map(),
    nextAccount: '',
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
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
  server.on('request', provider.callback());
  return idp;
}
