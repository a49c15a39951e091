/** /__emulator/* is for loopback callers, or anyone with the X-Emulator-Admin-Token printed at start. */
import type { FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { GraphError } from '../errors.ts';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

export function checkAdmin(ctx: EmulatorContext, request: FastifyRequest): void {
  const fromLoopback = LOOPBACK.has(request.socket.remoteAddress ?? '');
  if (!fromLoopback && request.headers['x-emulator-admin-token'] !== ctx.adminToken) {
    throw new GraphError(403, 'accessDenied', 'admin endpoints need loopback or X-Emulator-Admin-Token');
  }
}
