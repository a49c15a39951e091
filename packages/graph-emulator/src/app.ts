/**
 * The two fastify applications: the main host (Entra sign-in and token endpoints, OpenID discovery,
 * Graph under /v1.0, the admin API and page) and the content host (pre-authenticated download and
 * upload URLs), which real Microsoft 365 also serves from other host names.
 */
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { registerAdmin } from './admin/api.ts';
import { registerAdminPage } from './admin/page.ts';
import { registerDownload } from './content-host/download.ts';
import { registerUpload } from './content-host/upload.ts';
import type { EmulatorContext } from './context.ts';
import { GraphError, sendGraphError } from './errors.ts';
import { registerGraph } from './graph/router.ts';
import { registerAuthorize } from './oauth/authorize.ts';
import { registerDiscovery } from './oauth/discovery.ts';
import { registerToken } from './oauth/token.ts';

export interface AppOptions {
  logger: boolean;
  https?: { cert: string; key: string };
}

function create(options: AppOptions): FastifyInstance {
  const settings: FastifyServerOptions & { https?: { cert: string; key: string } } = {
    logger: options.logger
      ? { level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] }
      : false,
    requestTimeout: 0,
    routerOptions: { maxParamLength: 2000 },
    forceCloseConnections: true,
    ...(options.https ? { https: options.https } : {}),
  };
  return Fastify(settings) as unknown as FastifyInstance;
}

function errorHandling(app: FastifyInstance, ctx: EmulatorContext): void {
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof GraphError) return sendGraphError(request, reply, error, ctx.clock.now());
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status >= 500) request.log.error(error);
    const code = status >= 500 ? 'generalException' : 'invalidRequest';
    return sendGraphError(
      request,
      reply,
      new GraphError(status, code, (error as Error).message),
      ctx.clock.now(),
    );
  });
  app.setNotFoundHandler((request, reply) =>
    sendGraphError(
      request,
      reply,
      new GraphError(404, 'NotFound', `${request.method} ${request.url.split('?')[0]} not found`),
      ctx.clock.now(),
    ),
  );
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/__emulator')) await ctx.faults.delay();
  });
}

export function buildMainApp(ctx: EmulatorContext, options: AppOptions): FastifyInstance {
  const app = create(options);
  errorHandling(app, ctx);
  app.register(async (login) => {
    login.register(formbody);
    registerAuthorize(login, ctx);
    registerToken(login, ctx);
  });
  registerDiscovery(app, ctx);
  registerGraph(app, ctx);
  registerAdmin(app, ctx);
  registerAdminPage(app, ctx);
  return app;
}

export function buildContentApp(ctx: EmulatorContext, options: AppOptions): FastifyInstance {
  const app = create(options);
  errorHandling(app, ctx);
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  registerDownload(app, ctx);
  registerUpload(app, ctx);
  return app;
}
