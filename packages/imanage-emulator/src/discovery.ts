/** GET /api: who the token belongs to, the customer id, and where the v2 API lives. */
import type { FastifyInstance } from 'fastify';
import { authenticate } from './authentication.ts';
import type { EmulatorContext } from './context.ts';

export const DMS_VERSION = '10.3.0.1500';
export const API_VERSION = '2.1.1094';

export function registerDiscovery(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/api', async (request, reply) => {
    if (ctx.faults.applyToApiRequest(reply)) return reply;
    const { user, app: application } = authenticate(ctx, request);
    const libraries = [...ctx.store.libraries.values()];
    return {
      data: {
        app: { id: application.client_id },
        auth_status: 'authenticated',
        capabilities: ['oauth', 'app_store'],
        dms_version: DMS_VERSION,
        user: {
          customer_id: ctx.customerId,
          id: user.id,
          name: user.name,
          email: user.email,
          user_type: user.user_type,
          ssid: `emulator-${user.id}`,
        },
        versions: [{ name: 'v2', url: `${apiOrigin(ctx)}/work/api/v2`, version: API_VERSION }],
        work: {
          libraries: libraries.map((library) => ({
            alias: library.id,
            attributes: { knowledge: false },
            is_classic_client_compatible: false,
            status: 'ready',
            type: 'worksite',
          })),
          preferred_library: libraries[0]?.id ?? null,
        },
      },
    };
  });
}

/**
 * Behind an application proxy the Work Server knows only its own internal name, and `/api` reports
 * that; clients must keep using the address they were configured with.
 */
function apiOrigin(ctx: EmulatorContext): string {
  return ctx.strict.internalApiHost?.replace(/\/+$/, '') ?? ctx.publicUrl();
}
