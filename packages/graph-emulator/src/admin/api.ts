/**
 * The admin API under /__emulator: faults (random and one-shot, including AADSTS errors on demand),
 * token revocation and expiry, the clock, delta-token expiry, app registration changes (assignment,
 * consent, secrets, redirect URIs), site roles, and saving state.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { EmulatorContext } from '../context.ts';
import { GraphError, itemNotFound } from '../errors.ts';
import type { FaultConfigInput } from '../faults.ts';
import { checkAdmin } from './guard.ts';
import { summary } from './summary.ts';

const appPatch = z.strictObject({
  assignmentRequired: z.boolean().optional(),
  assignedUserIds: z.array(z.string()).optional(),
  grantedScopes: z.array(z.string()).optional(),
  redirectUris: z.array(z.string()).optional(),
  /** Sets the expiry of a secret (by keyId), e.g. to the past to make it expired. */
  secretExpiry: z.strictObject({ keyId: z.string(), expiresAt: z.string() }).optional(),
});

const body = (request: FastifyRequest) => (request.body ?? {}) as Record<string, unknown>;

export function registerAdmin(app: FastifyInstance, ctx: EmulatorContext): void {
  app.register(
    async (admin) => {
      admin.addHook('onRequest', async (request) => checkAdmin(ctx, request));
      admin.get('/health', async () => ({ ok: true }));
      admin.get('/state', async () => summary(ctx));
      admin.post('/state/save', async () => ({ saved: await ctx.saveState() }));

      admin.get('/faults', async () => ({
        ...ctx.faults.config,
        bearerOnPreauthenticated: ctx.faults.bearerOnPreauthenticated,
        droppedDownloads: ctx.faults.droppedDownloads,
        resumedDownloads: ctx.faults.resumedDownloads,
      }));
      admin.post('/faults', async (request) => {
        ctx.faults.config = body(request) as FaultConfigInput;
        return ctx.faults.config;
      });
      admin.delete('/faults', async () => {
        ctx.faults.config = {};
        return ctx.faults.config;
      });
      /** One-shot rule: {kind: throttle|error|dropDownload|dropUpload|aadsts, count, status, code, …}. */
      admin.post('/faults/next', async (request) => ctx.faults.addRule(body(request) as never));

      admin.post<{ Params: { id: string } }>('/users/:id/revoke', async (request) => {
        const user = ctx.store.findUser(request.params.id);
        if (!user) throw itemNotFound(`User ${request.params.id} not found`);
        user.tokensValidFrom = ctx.clock.now();
        return { revoked: ctx.tokens.revokeUser(user.id) };
      });

      admin.post('/tokens/expire', async (request) => {
        const { access_token: access, refresh_token: refresh } = body(request);
        const now = ctx.clock.now();
        let expired = 0;
        const accessRecord = typeof access === 'string' ? ctx.tokens.access.get(access) : undefined;
        if (accessRecord) {
          accessRecord.expiresAt = now;
          expired++;
        }
        const refreshRecord = typeof refresh === 'string' ? ctx.tokens.refresh.get(refresh) : undefined;
        if (refreshRecord) {
          refreshRecord.revoked = true;
          expired++;
        }
        return { expired };
      });

      admin.get('/clock', async () => ({ now: new Date(ctx.clock.now()).toISOString() }));
      admin.post('/clock', async (request) => {
        const seconds = body(request).advance_seconds;
        if (typeof seconds !== 'number' || !(seconds >= 0)) {
          throw new GraphError(400, 'invalidRequest', 'advance_seconds must be a non-negative number');
        }
        ctx.clock.advance(seconds * 1000);
        return { now: new Date(ctx.clock.now()).toISOString() };
      });

      admin.post<{ Params: { id: string } }>('/drives/:id/expire-delta', async (request) => {
        const drive = ctx.store.drive(request.params.id);
        drive.deltaEpoch++;
        return { deltaEpoch: drive.deltaEpoch };
      });

      admin.patch<{ Params: { id: string } }>('/apps/:id', async (request) => {
        const registration = ctx.store.apps.get(request.params.id);
        if (!registration) throw itemNotFound(`App ${request.params.id} not found`);
        const { secretExpiry, ...changes } = appPatch.parse(body(request));
        Object.assign(registration, changes);
        if (secretExpiry) {
          const secret = registration.secrets.find((candidate) => candidate.keyId === secretExpiry.keyId);
          if (!secret) throw itemNotFound(`Secret ${secretExpiry.keyId} not found`);
          secret.expiresAt = Date.parse(secretExpiry.expiresAt);
        }
        ctx.store.onChange();
        return registration;
      });

      admin.put<{ Params: { siteId: string; userId: string } }>(
        '/sites/:siteId/roles/:userId',
        async (request) => {
          const site = ctx.store.site(request.params.siteId);
          const user = ctx.store.findUser(request.params.userId);
          if (!user) throw itemNotFound(`User ${request.params.userId} not found`);
          const role = body(request).role;
          if (role === null) delete site.roles[user.id];
          else if (role === 'read' || role === 'write') site.roles[user.id] = role;
          else throw new GraphError(400, 'invalidRequest', 'role must be "read", "write" or null');
          ctx.store.onChange();
          return { roles: site.roles };
        },
      );
    },
    { prefix: '/__emulator' },
  );
}
