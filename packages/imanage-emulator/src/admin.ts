/**
 * Test and operator controls under /__emulator: faults, token revocation and expiry, and the clock.
 * Allowed from loopback addresses, or from anywhere with the X-Emulator-Admin-Token header (the token
 * is printed at start), so an emulator bound to 0.0.0.0 for a training room cannot be sabotaged.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from './context.ts';
import { EmulatorError, notFound } from './store.ts';
import { parseStrictness, type StrictConfigInput } from './strictness.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function registerAdmin(app: FastifyInstance, ctx: EmulatorContext): void {
  app.register(
    async (admin) => {
      admin.addHook('onRequest', async (request) => {
        const fromLoopback = LOOPBACK.has(request.socket.remoteAddress ?? '');
        if (!fromLoopback && request.headers['x-emulator-admin-token'] !== ctx.adminToken) {
          throw new EmulatorError(
            403,
            'AccessDenied',
            'admin endpoints need loopback or X-Emulator-Admin-Token',
          );
        }
      });

      admin.get('/health', async () => ({ ok: true }));
      admin.get('/faults', async () => ctx.faults.config);
      admin.post('/faults', async (request) => {
        ctx.faults.config = (request.body ?? {}) as object;
        return ctx.faults.config;
      });
      admin.delete('/faults', async () => {
        ctx.faults.config = {};
        return ctx.faults.config;
      });

      admin.get('/strict', async () => ctx.strict);
      admin.post('/strict', async (request) => {
        ctx.strict = parseStrictness((request.body ?? {}) as StrictConfigInput | 'real-server');
        return ctx.strict;
      });

      admin.post<{ Params: { id: string } }>('/users/:id/revoke-tokens', async (request) => {
        if (!ctx.store.users.has(request.params.id)) throw notFound(`User ${request.params.id}`);
        return { revoked: ctx.tokens.revokeUser(request.params.id) };
      });

      /** Makes a token expire now, without touching the clock. */
      admin.post('/tokens/expire', async (request) => {
        const body = (request.body ?? {}) as { access_token?: string; refresh_token?: string };
        const now = ctx.clock.now();
        let expired = 0;
        const access = body.access_token ? ctx.tokens.accessTokens.get(body.access_token) : undefined;
        if (access) {
          access.expiresAt = now;
          expired++;
        }
        const refresh = body.refresh_token ? ctx.tokens.refreshTokens.get(body.refresh_token) : undefined;
        if (refresh) {
          refresh.expiresAt = now;
          expired++;
        }
        return { expired };
      });

      admin.get('/clock', async () => ({ now: new Date(ctx.clock.now()).toISOString() }));
      admin.post('/clock', async (request) => {
        const seconds = (request.body as { advance_seconds?: unknown } | undefined)?.advance_seconds;
        if (typeof seconds !== 'number' || !(seconds >= 0)) {
          throw new EmulatorError(400, 'InvalidParameter', 'advance_seconds must be a non-negative number');
        }
        ctx.clock.advance(seconds * 1000);
        return { now: new Date(ctx.clock.now()).toISOString() };
      });
    },
    { prefix: '/__emulator' },
  );
}
