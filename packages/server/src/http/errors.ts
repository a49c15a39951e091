import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode } from '../errors.ts';

/**
 * Every error leaves as {"error":{"code","message"}} with its registered status. Unexpected errors are
 * logged with their stack and answered with internal_error, never with internals.
 */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | AppError, request, reply) => {
    if (error instanceof AppError) {
      if (error.status >= 500) request.log.error({ err: error }, error.message);
      return reply.status(error.status).send(error.toJSON());
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => ({
        path: `${error.validationContext ?? 'body'}${v.instancePath ? v.instancePath.replace(/\//g, '.') : ''}`,
        message: v.message,
      }));
      const first = issues[0];
      const message = first ? `${first.path}: ${first.message}` : 'The request is not valid.';
      return reply.status(400).send(new AppError('validation_failed', message, { issues }).toJSON());
    }
    const status = error.statusCode ?? 500;
    if (status >= 500 && isDatabaseOutage(error)) {
      request.log.error({ err: error }, 'request failed: the database is not reachable');
      return reply.status(503).send(new AppError('database_unavailable').toJSON());
    }
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send(new AppError('internal_error').toJSON());
    }
    const code: ErrorCode =
      status === 404
        ? 'not_found'
        : status === 413
          ? 'payload_too_large'
          : status === 429
            ? 'rate_limited'
            : status === 405
              ? 'method_not_allowed'
              : 'validation_failed';
    return reply.status(status).send(new AppError(code, error.message).toJSON());
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send(
        new AppError(
          'not_found',
          `Nothing exists at ${request.method} ${request.url.split('?')[0]}.`,
        ).toJSON(),
      );
  });
}

/** Connection-level failures of either database driver (a query's own error is not an outage). */
const outageCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08003',
  '08006', // connection_exception family
]);
const outageMessages =
  /Connection terminated|PGlite is closed|Client has encountered a connection error|timeout exceeded when trying to connect/i;

export function isDatabaseOutage(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; current && depth < 6; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && outageCodes.has(code)) return true;
    if (typeof message === 'string' && outageMessages.test(message)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
