import type { FastifyInstance, FastifyRequest } from 'fastify';
import { enterSpan, type Span, startSpan, tracingEnabled } from './tracing.ts';

/**
 * One trace per HTTP request while tracing is on: a server span named by the method and route pattern
 * (never the URL), with the status. The handler's outgoing calls become its children.
 */
const spans = new WeakMap<FastifyRequest, Span>();

export function traceRequests(app: FastifyInstance): void {
  if (!tracingEnabled()) return;
  app.addHook('onRequest', (request, _reply, done) => {
    const span = startSpan(request.method, 2, { 'http.request.method': request.method }, { root: true });
    if (span) {
      spans.set(request, span);
      enterSpan(span);
    }
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    const span = spans.get(request);
    if (span) {
      const route = request.routeOptions.url ?? 'unmatched';
      span.name = `${request.method} ${route}`;
      span.attributes['http.route'] = route;
      span.attributes['http.response.status_code'] = reply.statusCode;
      span.end(reply.statusCode >= 500 ? 2 : 0);
    }
    done();
  });
}
