/**
 * Everything under /v1.0: faults first (throttling, 5xx), then the bearer token, then the resource
 * named by the path. Request bodies are left as streams (uploads are streamed; JSON is read by the
 * routes that take it), so the content-type of an uploaded file never matters.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { GraphError, requestIds, sendGraphError } from '../errors.ts';
import { authenticate } from './auth.ts';
import { type Call, parsePath, segmentNotFound } from './call.ts';
import { driveRoutes } from './drives.ts';
import type { Query } from './odata.ts';
import { findUser, teamRoutes, userRoutes } from './people.ts';
import { siteRoutes } from './sites.ts';

async function dispatch(call: Call): Promise<unknown> {
  const path = parsePath(call.request.raw.url ?? '');
  const [first, ...rest] = path.segments;
  const { store } = call.ctx;
  switch (first) {
    case 'me':
      return userRoutes(call, call.caller.user, rest, path);
    case 'users':
      return userRoutes(call, findUser(call, rest[0]), rest.slice(1), path);
    case 'drives':
      return driveRoutes(call, store.drive(rest[0] ?? ''), rest.slice(1), path);
    case 'sites':
      return siteRoutes(call, rest, path);
    case 'teams':
      return teamRoutes(call, rest);
    default:
      throw segmentNotFound(first);
  }
}

export function registerGraph(app: FastifyInstance, ctx: EmulatorContext): void {
  app.register(
    async (graph) => {
      graph.removeAllContentTypeParsers();
      graph.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
      graph.all('/*', async (request, reply) => {
        try {
          const fault = ctx.faults.graphFault(request.url);
          if (fault) throw fault;
          const call: Call = {
            ctx,
            caller: authenticate(ctx, request),
            method: request.method,
            query: request.query as Query,
            request,
            reply,
          };
          const result = await dispatch(call);
          const { requestId, clientRequestId } = requestIds(request);
          reply.header('request-id', requestId).header('client-request-id', clientRequestId);
          if (result === undefined) return reply.send();
          return reply.type('application/json').send(result);
        } catch (error) {
          if (error instanceof GraphError) return sendGraphError(request, reply, error, ctx.clock.now());
          throw error;
        }
      });
    },
    { prefix: '/v1.0' },
  );
}
