import swagger from '@fastify/swagger';
import Fastify from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/support/lexbridge.ts';
import { loadRoutes } from './app.ts';
import { openApiInfo } from './openapi.ts';
import { toFastifySchema, zodSchemaController } from './route.ts';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});

afterAll(async () => {
  await server?.close();
});

/**
 * The document as it was made before it was made on first request: @fastify/swagger registered on
 * the server's own app, beside the pages that plugins add (hidden from it).
 */
async function documentOfTheWholeApp(): Promise<unknown> {
  const routes = await loadRoutes();
  const apiUrls = new Set(routes.map((r) => r.url));
  const app = Fastify({ schemaController: zodSchemaController });
  await app.register(swagger, {
    openapi: openApiInfo,
    transform: (input) =>
      apiUrls.has(input.url)
        ? jsonSchemaTransform(input)
        : { schema: { ...input.schema, hide: true }, url: input.url },
  });
  for (const def of routes) {
    app.route({ method: def.method, url: def.url, schema: toFastifySchema(def), handler: async () => null });
  }
  app.get('/*', async () => 'a page of the web app');
  await app.ready();
  const document = app.swagger();
  await app.close();
  return document;
}

describe('the OpenAPI document', () => {
  it('is the one @fastify/swagger makes of the API routes, the same on every request', async () => {
    const first = await fetch(`${server.url}/api/openapi.json`);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    const text = await first.text();
    expect(JSON.parse(text)).toEqual(await documentOfTheWholeApp());
    expect(await (await fetch(`${server.url}/api/openapi.json`)).text()).toBe(text);
  });

  it('describes every route file that is not hidden', async () => {
    const document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    const described = (await loadRoutes())
      .filter((r) => !r.hidden)
      .map((r) => `${r.method.toLowerCase()} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    const listed = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method} ${path}`),
    );
    expect(listed.sort()).toEqual(described.sort());
  });
});
