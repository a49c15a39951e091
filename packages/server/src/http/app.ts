import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import rateLimit from '@fastify/rate-limit';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { Lexbridge } from '../context.ts';
import { AppError } from '../errors.ts';
import { checkAccess } from './access.ts';
import { installErrorHandling } from './errors.ts';
import { decorateOpenApi } from './openapi.ts';
import { installRequestMetrics } from './request-metrics.ts';
import { type RouteDefinition, toFastifySchema, zodSchemaController } from './route.ts';
import { installSecurityHeaders } from './security-headers.ts';

export interface HttpAppOptions {
  /** Token that admin commands present on 'local-admin' routes (embedded database only). */
  localAdminToken?: string;
  /** Extra plugins to register after the API routes (the web app's static files, the embedded IdP). */
  plugins?: ((app: FastifyInstance) => Promise<void>)[];
  /** Connection limits; the defaults suit production (see httpLimits). */
  limits?: Partial<HttpLimits>;
}

/**
 * How long a client may take, so that slow or idle connections cannot pile up: the whole request
 * (headers and body; a body trickled a byte at a time is cut off), the headers alone, an idle
 * keep-alive connection; and how many requests one connection may carry.
 */
export interface HttpLimits {
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxRequestsPerSocket: number;
}

export const httpLimits: HttpLimits = {
  requestTimeoutMs: 60_000,
  headersTimeoutMs: 15_000,
  keepAliveTimeoutMs: 72_000,
  maxRequestsPerSocket: 1000,
};

/**
 * One log line per request, when it completes, instead of fastify's two: method, URL with credentials
 * masked (see log.ts), status and time. Health probes are logged at debug level unless they fail.
 */
class RequestLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const probe = request.url === '/healthz' || request.url === '/readyz';
    const line = {
      req: request,
      res: { statusCode: reply.statusCode },
      responseTime: Math.round(reply.elapsedTime),
    };
    if (error) request.log.error({ ...line, err: error }, 'request failed');
    else request.log[probe && reply.statusCode < 400 ? 'debug' : 'info'](line, 'request completed');
  }
}

let routesLoading: Promise<RouteDefinition[]> | undefined;

/**
 * Every route module under http/routes (the folder path mirrors the URL), loaded once per process.
 * `serve` asks for them early, so that reading the route modules' files (libuv's thread pool) overlaps
 * the database and the job queue opening (docs/operations.md, "Start-up time").
 */
export function loadRoutes(): Promise<RouteDefinition[]> {
  routesLoading ??= findRoutes();
  return routesLoading;
}

async function findRoutes(): Promise<RouteDefinition[]> {
  const { importRouteFiles } = await import('./route-files.ts');
  return (await importRouteFiles()).map(({ file, module }) => {
    if (!module.default) throw new Error(`${file} does not export a route as default`);
    return module.default as RouteDefinition;
  });
}

/** LEXBRIDGE_TRUST_PROXY as fastify takes it: no proxy, the first `hops` proxies, or named ones. */
export function trustedProxies(
  setting: number | string | undefined,
): string | ((address: string, hop: number) => boolean) | false {
  if (setting === undefined) return false;
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}

/** Builds the HTTP app: plugins, error handling, the access check and every route. */
export async function buildHttpApp(
  lexbridge: Lexbridge,
  options: HttpAppOptions = {},
): Promise<FastifyInstance> {
  const limits = { ...httpLimits, ...options.limits };
  const app = Fastify({
    loggerInstance: lexbridge.log as FastifyBaseLogger,
    // Believe X-Forwarded-For only from the proxies the operator names (by default none).
    trustProxy: trustedProxies(lexbridge.config.LEXBRIDGE_TRUST_PROXY),
    requestTimeout: limits.requestTimeoutMs,
    // Node checks these timeouts on an interval (30 s by default): often enough to keep to them.
    http: {
      headersTimeout: limits.headersTimeoutMs,
      connectionsCheckingInterval: Math.max(250, Math.min(5_000, limits.requestTimeoutMs / 4)),
    },
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    maxRequestsPerSocket: limits.maxRequestsPerSocket,
    bodyLimit: 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    logController: new RequestLog(),
    schemaController: zodSchemaController,
  });
  installErrorHandling(app);
  installSecurityHeaders(app);
  installRequestMetrics(app);
  app.decorateRequest('user', null);
  const routes = await loadRoutes();
  await app.register(cookie);
  await app.register(formbody);
  // Limits apply only where a route asks for one (config.rateLimit): sign-in, the embedded provider's
  // password form, and the calls that reach out to other servers on a person's behalf.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', `Too many attempts. Wait ${context.after} and try again.`, {
        retryAfter: context.after,
      }),
  });
  decorateOpenApi(app, routes);

  for (const def of routes) {
    app.route({
      method: def.method,
      url: def.url,
      schema: toFastifySchema(def),
      config: { access: def.access, ...(def.config ?? {}) },
      ...(def.bodyLimit ? { bodyLimit: def.bodyLimit } : {}),
      // Before the body is read and validated: a caller without access learns nothing of the schema
      // (401/403, never 400) and makes the server parse nothing.
      onRequest: async (request) => checkAccess(request, def, lexbridge, options.localAdminToken),
      handler: (request, reply) => def.handler(request as never, reply, lexbridge),
    });
  }
  for (const plugin of options.plugins ?? []) await plugin(app);
  return app;
}
