/**
 * Builds the fastify application: plugins, the JSON error envelope, latency injection and every
 * feature module (OAuth, discovery, Work API, Control Center, web view, admin).
 */
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { registerAdmin } from './admin.ts';
import { type EmulatorContext, requestsKept } from './context.ts';
import { registerControlCenter } from './control-center/index.ts';
import { registerDiscovery } from './discovery.ts';
import { registerAuthorize } from './oauth/authorize.ts';
import { registerToken } from './oauth/token.ts';
import { registerSignIn } from './sign-in.ts';
import { EmulatorError } from './store.ts';
import { registerWebView } from './web-view/index.ts';
import { registerWorkApi } from './work-api/index.ts';

export function buildApp(ctx: EmulatorContext, options: { logger: boolean }): FastifyInstance {
  const app = Fastify({
    logger: options.logger
      ? {
          level: 'info',
          redact: ['req.headers.authorization', 'req.headers["x-auth-token"]', 'req.headers.cookie'],
        }
      : false,
    // Large downloads on slow clients must not be cut by a server-side timeout.
    requestTimeout: 0,
    forceCloseConnections: true,
  });

  app.register(cookie);
  app.register(formbody);
  app.register(multipart, {
    limits: { fileSize: Number.MAX_SAFE_INTEGER, files: 2, fields: 10, parts: 12 },
  });

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/__emulator')) await ctx.faults.delay();
  });

  // The Date header is on the server's own clock, as a real server's is (--clock-skew moves it too).
  app.addHook('onSend', async (_request, reply) => {
    reply.header('date', new Date(ctx.clock.now()).toUTCString());
  });

  // Any request but a read may change state (sign-in, tokens, uploads, Control Center, admin).
  app.addHook('onResponse', async (request, reply) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') ctx.changed();
    ctx.requests.push({
      method: request.method,
      path: request.url.split('?')[0] ?? '',
      status: reply.statusCode,
    });
    if (ctx.requests.length > requestsKept) ctx.requests.splice(0, ctx.requests.length - requestsKept);
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof EmulatorError) {
      return reply.code(error.status).send({ error: { code: error.code, message: error.message } });
    }
    if (error instanceof ZodError) {
      const message = error.issues
        .map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`)
        .join('; ');
      return reply.code(400).send({ error: { code: 'InvalidParameter', message } });
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status < 500) {
      return reply
        .code(status)
        .send({ error: { code: 'InvalidRequest', message: (error as Error).message } });
    }
    request.log.error(error);
    return reply.code(500).send({ error: { code: 'InternalError', message: 'Internal server error' } });
  });

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'NotFound', message: `${request.method} ${request.url} not found` } }),
  );

  app.get('/', async (_request, reply) => reply.redirect('/work/web', 302));
  registerSignIn(app, ctx);
  registerAuthorize(app, ctx);
  registerToken(app, ctx);
  registerDiscovery(app, ctx);
  registerWorkApi(app, ctx);
  registerControlCenter(app, ctx);
  registerWebView(app, ctx);
  registerAdmin(app, ctx);
  return app;
}
