import { checkMetricsAccess } from '../../../metrics/access.ts';
import { scrapeMetrics } from '../../../metrics/scrape.ts';
import { defineRoute } from '../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/metrics',
  // Not a person's route: Prometheus presents LEXBRIDGE_METRICS_TOKEN or scrapes from an allowed
  // address, which checkMetricsAccess checks before anything is read.
  access: 'public',
  summary: 'Metrics in Prometheus text format (token or allowed addresses; see docs/operations.md)',
  tags: ['health'],
  async handler(request, reply, lexbridge) {
    checkMetricsAccess(request, lexbridge.config);
    const { contentType, body } = await scrapeMetrics(lexbridge);
    return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  },
});
