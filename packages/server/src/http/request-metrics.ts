import type { FastifyInstance } from 'fastify';
import { httpRequestDuration } from '../metrics/registry.ts';

/**
 * Times every response into lexbridge_http_request_duration_seconds, labelled by the route's pattern
 * (`/api/workflows/:workflowId`), never the URL: ids and names in paths would make a series per
 * document. Requests no route matched share the label "unmatched".
 */
export function installRequestMetrics(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    httpRequestDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
}
