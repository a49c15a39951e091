import type { FastifyReply, FastifyRequest, FastifySchema, FastifyServerOptions } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Lexbridge } from '../context.ts';
import type { RequestUser, Role } from '../identity/person.ts';

/**
 * Who may call a route. Every route declares it; the access check runs before the handler, and a test
 * walks every route with every role.
 * - 'public': anyone, signed in or not (health checks, sign-in redirects, OAuth callbacks).
 * - 'signed-in': any signed-in person with at least one Lexbridge role.
 * - a list of roles: a signed-in person holding at least one of them.
 * - 'local-admin': the local admin token from the data directory (admin commands on the embedded database).
 */
export type RouteAccess = 'public' | 'signed-in' | 'local-admin' | readonly Role[];

type Schema = {
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  headers?: z.ZodType;
  response?: Record<number, z.ZodType>;
};

type Infer<S, K extends keyof Schema> = S extends { [P in K]: infer T }
  ? T extends z.ZodType
    ? z.infer<T>
    : unknown
  : unknown;

/**
 * Who is behind a request to a route with this access: a route that requires a signed-in person (or
 * a role) always has one, since the access check runs before the handler; a public or local-admin
 * route may have nobody.
 */
export type UserFor<A extends RouteAccess> = A extends 'public' | 'local-admin'
  ? RequestUser | null
  : RequestUser;

export type TypedRequest<S extends Schema, A extends RouteAccess = RouteAccess> = FastifyRequest<{
  Params: Infer<S, 'params'>;
  Querystring: Infer<S, 'querystring'>;
  Body: Infer<S, 'body'>;
}> & { user: UserFor<A> };

export interface RouteDefinition<S extends Schema = Schema, A extends RouteAccess = RouteAccess> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  access: A;
  summary: string;
  tags?: string[];
  schema?: S;
  /** Skip the CSRF check (only for routes that authenticate otherwise, such as OAuth callbacks). */
  csrfExempt?: boolean;
  /** Hide from the OpenAPI document (for example the browser-only callback pages). */
  hidden?: boolean;
  /** Fastify route config, e.g. rate limits. */
  config?: Record<string, unknown>;
  bodyLimit?: number;
  /** The request's `user` is typed by `access`: non-null on routes that require a signed-in person. */
  handler(request: TypedRequest<S, A>, reply: FastifyReply, lexbridge: Lexbridge): Promise<unknown>;
}

/** Declares a route. Route files under http/routes export one as default and are found automatically. */
export function defineRoute<S extends Schema, const A extends RouteAccess>(
  definition: RouteDefinition<S, A>,
): RouteDefinition<S, A> {
  return definition;
}

export function toFastifySchema(def: RouteDefinition): FastifySchema {
  return {
    summary: def.summary,
    tags: def.tags,
    hide: def.hidden,
    ...(def.schema ?? {}),
  } as FastifySchema;
}

/**
 * Every schema is zod's, checked and serialised by zod. Naming the compilers when the app is made,
 * rather than setting them on it afterwards, keeps fastify from loading its default ones (ajv and
 * fast-json-stringify) at start only to set them aside: about 70 ms of each start.
 */
export const zodSchemaController: FastifyServerOptions['schemaController'] = {
  compilersFactory: {
    // fastify types these factories after its defaults (ajv, fast-json-stringify).
    buildValidator: () => validatorCompiler as never,
    buildSerializer: () => serializerCompiler as never,
  },
};
