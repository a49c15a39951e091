/**
 * The Work API v2 scope (/work/api/v2/customers/{customerId}/…). Every request first meets the
 * injected faults (as a gateway in front of the server would), then token authentication and the
 * customer id check.
 */
import type { FastifyInstance } from 'fastify';
import { authenticate } from '../authentication.ts';
import type { EmulatorContext } from '../context.ts';
import { notFound } from '../store.ts';
import { registerCheckout } from './checkout.ts';
import { registerContainers } from './containers.ts';
import { registerDocuments } from './documents.ts';
import { setCaller } from './guard.ts';
import { registerRelocation } from './relocation.ts';
import { registerSearch } from './search.ts';

export const WORK_API_PREFIX = '/work/api/v2/customers/:customerId';

export function registerWorkApi(app: FastifyInstance, ctx: EmulatorContext): void {
  app.register(
    async (api) => {
      api.addHook('onRequest', async (request, reply) => {
        if (ctx.faults.applyToApiRequest(reply)) return reply;
        const caller = authenticate(ctx, request);
        const { customerId } = request.params as { customerId: string };
        if (customerId !== String(ctx.customerId)) throw notFound(`Customer ${customerId}`);
        setCaller(request, caller);
        return undefined;
      });
      registerContainers(api, ctx);
      registerDocuments(api, ctx);
      registerSearch(api, ctx);
      registerCheckout(api, ctx);
      registerRelocation(api, ctx);
    },
    { prefix: WORK_API_PREFIX },
  );
}
