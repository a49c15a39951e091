import Fastify, { type FastifyBaseLogger } from 'fastify';
import type { Lexbridge } from '../context.ts';
import { trustedProxies } from '../http/app.ts';
import { installErrorHandling } from '../http/errors.ts';
import { checkMetricsAccess } from './access.ts';
import { scrapeMetrics } from './scrape.ts';

export interface WorkerMetricsEndpoint {
  url: string;
  close(): Promise<void>;
}

/**
 * `lexbridge worker` with LEXBRIDGE_WORKER_METRICS_PORT: the worker's own GET /metrics (its runs,
 * documents, retries, job latency and process metrics, which only it can count), on HOST and that
 * port, with the same access rules as the server's (access.ts) and nothing else on it.
 */
export async function serveWorkerMetrics(lexbridge: Lexbridge, port: number): Promise<WorkerMetricsEndpoint> {
  const { config } = lexbridge;
  const app = Fastify({
    loggerInstance: lexbridge.log as FastifyBaseLogger,
    disableRequestLogging: true,
    trustProxy: trustedProxies(config.LEXBRIDGE_TRUST_PROXY),
  });
  installErrorHandling(app);
  app.get('/metrics', async (request, reply) => {
    checkMetricsAccess(request, config);
    const { contentType, body } = await scrapeMetrics(lexbridge);
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  });
  await app.listen({ port, host: config.HOST });
  const { port: bound } = app.server.address() as { port: number };
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  return { url: `http://${host}:${bound}`, close: () => app.close() };
}
