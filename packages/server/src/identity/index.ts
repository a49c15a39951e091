import type { FastifyInstance } from 'fastify';
import type { Config } from '../config/index.ts';
import type { Lexbridge } from '../context.ts';
import { mountEmbeddedIdentityProvider } from './embedded-idp/mount.ts';
import { demoUsers, ensureUsersFile, type LocalUser, usersFilePath } from './embedded-idp/users-file.ts';
import { rolesFromClaims } from './roles.ts';
import { assertIdentityConfig, isLoopbackUrl, oidcSettings } from './settings.ts';

/**
 * Sign-in set-up at server start. With LEXBRIDGE_OIDC_ISSUER, Lexbridge uses the firm's provider
 * (client id required). Without it, the embedded provider is mounted at /idp — on a loopback public
 * URL only, unless LEXBRIDGE_ALLOW_EMBEDDED_IDP=true — with demo users created on a first local start.
 */
export interface IdentitySetup {
  plugins: ((app: FastifyInstance) => Promise<void>)[];
  embedded?: {
    issuer: string;
    usersFile: string;
    /** True when this start wrote the demo users file. */
    createdDemoUsers: boolean;
    users: LocalUser[];
  };
}

export async function setUpIdentity(lexbridge: Lexbridge): Promise<IdentitySetup> {
  const { config } = lexbridge;
  assertIdentityConfig(config);
  const settings = oidcSettings(config);
  if (!settings.embedded) return { plugins: [] };
  const loopback = isLoopbackUrl(config.publicUrl);
  const usersFile = usersFilePath(config);
  const { created, users } = await ensureUsersFile(usersFile, loopback);
  if (created) lexbridge.log.info({ usersFile }, 'created demo users for the embedded identity provider');
  if (!loopback)
    lexbridge.log.warn(
      { publicUrl: config.publicUrl },
      'the embedded identity provider is serving a non-loopback address',
    );
  // oidc-provider is loaded on the first request to /idp (mount.ts): never on the firm's provider,
  // and only once someone signs in on the embedded one.
  const plugin = mountEmbeddedIdentityProvider(async () => {
    const { createEmbeddedIdentityProvider } = await import('./embedded-idp/provider.ts');
    return createEmbeddedIdentityProvider(settings, usersFile, lexbridge.log);
  });
  return {
    plugins: [plugin],
    embedded: { issuer: settings.issuer, usersFile, createdDemoUsers: created, users },
  };
}

/** Lines for the start banner: where to sign in and as whom. */
export function describeLocalSignIn(setup: IdentitySetup, config: Config): string[] {
  const { publicUrl } = config;
  if (!setup.embedded)
    return [
      `  Sign in:                 ${publicUrl}  (through the identity provider in LEXBRIDGE_OIDC_ISSUER)`,
    ];
  const lines = [
    `  Sign in:                 ${publicUrl}  (embedded identity provider; users in ${setup.embedded.usersFile})`,
  ];
  for (const user of setup.embedded.users) {
    const granted = rolesFromClaims(
      { roles: user.roles },
      { claimNames: ['roles'], prefix: config.LEXBRIDGE_OIDC_ROLE_PREFIX },
    );
    const roles = granted.length ? granted.join(', ') : 'no role';
    const demo = demoUsers.some((d) => d.username === user.username && d.password === user.password);
    const password = demo ? `password ${user.password}` : 'password in the users file';
    lines.push(`    ${user.username.padEnd(10)} ${password.padEnd(28)} ${roles}`);
  }
  return lines;
}
