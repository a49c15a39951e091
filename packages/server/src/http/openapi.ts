import type { FastifyInstance } from 'fastify';
import { type RouteDefinition, toFastifySchema, zodSchemaController } from './route.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The OpenAPI 3.1 document of the API routes (GET /api/openapi.json), made on first use. */
    openApiDocument(): Promise<unknown>;
  }
}

/** What the document says of the API as a whole; the operations come from the route files. */
export const openApiInfo = {
  openapi: '3.1.0',
  info: {
    title: 'Lexbridge API',
    version: '1',
    description:
      'Connectors, workflows and administration of a Lexbridge server. Errors are {"error":{"code","message"}}; see docs/errors.md.',
  },
  components: {
    securitySchemes: {
      session: { type: 'apiKey', in: 'cookie', name: 'lexbridge_session' },
      csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token' },
    },
  },
} as const;

/**
 * Decorates the app with `openApiDocument()`. The document describes the route files' routes only
 * (not the pages and endpoints that plugins add), and is made when it is first asked for, not at
 * start: the OpenAPI plugin (@fastify/swagger and what it loads) and the zod → JSON Schema conversion
 * of every route cost each start about 20 ms of CPU time, for a document few read (docs/operations.md,
 * "Start-up time").
 */
export function decorateOpenApi(app: FastifyInstance, routes: readonly RouteDefinition[]): void {
  let document: Promise<unknown> | undefined;
  app.decorate('openApiDocument', () => {
    document ??= describeRoutes(routes).catch((err: unknown) => {
      document = undefined;
      throw err;
    });
    return document;
  });
}

/** @fastify/swagger's document of the routes, from an app of its own that holds only them. */
async function describeRoutes(routes: readonly RouteDefinition[]): Promise<unknown> {
  const [{ default: Fastify }, { default: swagger }, { jsonSchemaTransform }] = await Promise.all([
    import('fastify'),
    import('@fastify/swagger'),
    import('fastify-type-provider-zod'),
  ]);
  const app = Fastify({ schemaController: zodSchemaController });
  await app.register(swagger, { openapi: openApiInfo, transform: jsonSchemaTransform });
  for (const def of routes) {
    app.route({ method: def.method, url: def.url, schema: toFastifySchema(def), handler: async () => null });
  }
  await app.ready();
  const document = app.swagger();
  await app.close();
  return document;
}
