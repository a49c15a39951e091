import { normaliseServerAddress } from '../../../src/connectors/imanage/settings.ts';
import type { ConnectorPlugin } from '../../../src/connectors/plugin.ts';
import { AppError } from '../../../src/errors.ts';
import { MemoryContentStore, type MemorySystem } from './memory-system.ts';

/**
 * A test-only connector plug-in: the in-memory document system with per-user OAuth 2.0 against its
 * own identity provider. It uses nothing but the seam (connectors/plugin.ts), and is registered at
 * run time by the test, so adding it touched no file outside this folder.
 */
export interface MemorySettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

const text = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || !value.trim())
    throw new AppError('connector_config_invalid', `${field}: enter a value`, { field });
  return value.trim();
};

export function memoryPlugin(system: MemorySystem): ConnectorPlugin<MemorySettings> {
  return {
    id: 'memory-dms',
    label: 'Memory DMS',
    description: 'A document system in memory, for the test suite.',
    systemName: 'Memory DMS',
    fields: [
      {
        key: 'name',
        label: 'Name',
        help: 'Any name.',
        default: null,
        required: true,
        secret: false,
        type: 'text',
      },
      {
        key: 'issuer',
        label: 'Issuer',
        help: 'The authorization server.',
        default: null,
        required: true,
        secret: false,
        type: 'url',
      },
      {
        key: 'clientId',
        label: 'Application id',
        help: 'The client id.',
        default: null,
        required: true,
        secret: false,
        type: 'text',
      },
      {
        key: 'clientSecret',
        label: 'Secret',
        help: 'The client secret.',
        default: null,
        required: true,
        secret: true,
        type: 'password',
      },
    ],
    availability: () => ({ available: true }),
    settings: {
      async parse(input, _config, previous) {
        const pick = (key: string) => (key in input ? input[key] : previous?.config[key]);
        const secret =
          (typeof input.clientSecret === 'string' && input.clientSecret.trim()) ||
          previous?.secrets.clientSecret;
        return {
          config: {
            issuer: normaliseServerAddress(pick('issuer'), 'issuer'),
            clientId: text(pick('clientId'), 'clientId'),
          },
          secrets: { clientSecret: text(secret, 'clientSecret') },
        };
      },
      read: (stored) => ({
        issuer: String(stored.config.issuer),
        clientId: String(stored.config.clientId),
        clientSecret: stored.secrets.clientSecret ?? '',
      }),
      invalidatesAuthorisations: ['issuer', 'clientId'],
    },
    oauth: {
      authorizationServer: (_context, { settings }) => ({
        issuer: settings.issuer,
        authorizationEndpoint: `${settings.issuer}/auth`,
        tokenEndpoint: `${settings.issuer}/token`,
        clientId: settings.clientId,
        clientSecret: settings.clientSecret,
        clientAuthentication: 'client_secret_basic',
        scope: 'openid profile email documents',
        authorizationParameters: { prompt: 'login' },
        wantsRefreshToken: true,
        address: settings.issuer,
      }),
      async lookUpAccount(_context, { settings }, tokens) {
        const res = await fetch(`${settings.issuer}/me`, {
          headers: { authorization: `Bearer ${tokens.accessToken}` },
        }).catch((err: unknown) => {
          throw new AppError('connector_unreachable', `userinfo failed: ${(err as Error).message}`);
        });
        if (!res.ok) throw new AppError('connector_error', `userinfo answered ${res.status}`);
        const me = (await res.json()) as { sub: string; name?: string; email?: string };
        return {
          id: me.sub,
          name: me.name ?? null,
          email: me.email ?? null,
          facts: [{ label: 'Tenant', value: 'memory' }],
          details: { tenant: 'memory' },
        };
      },
      classifyTokenError: ({ code }) =>
        code === 'invalid_grant' || code === 'interaction_required' ? 'reauthorise' : 'refused',
      messages: { noRefreshToken: 'Give the application the refresh_token grant' },
    },
    async openContentStore(_context, _connector, access) {
      if (!access) throw new AppError('connection_not_authorised');
      return new MemoryContentStore(
        system,
        async () => (await access.current()).accessToken,
        async (stale) => (await access.renew(stale)).accessToken,
      );
    },
    diagnostics: {
      async run(_context, { settings }, access) {
        const label = 'Your authorisation works';
        if (!access)
          return {
            target: settings.issuer,
            steps: [{ name: 'token', label, ok: true, skipped: true, detail: 'No user given.', advice: [] }],
          };
        try {
          const { accessToken, account } = await access.current();
          const who = await system.authenticate(accessToken);
          return {
            target: settings.issuer,
            steps: [
              { name: 'token', label, ok: who === account.id, detail: `Signed in as ${who}.`, advice: [] },
            ],
          };
        } catch (err) {
          return {
            target: settings.issuer,
            steps: [
              {
                name: 'token',
                label,
                ok: false,
                detail: (err as Error).message,
                advice: ['Authorise again.'],
              },
            ],
          };
        }
      },
    },
  };
}
