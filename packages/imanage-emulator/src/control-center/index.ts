/** Control Center (/cc): the Applications pages and the JSON API behind them. */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { registerControlCenterApi } from './api.ts';
import { registerControlCenterPages } from './pages.ts';

export function registerControlCenter(app: FastifyInstance, ctx: EmulatorContext): void {
  registerControlCenterApi(app, ctx);
  registerControlCenterPages(app, ctx);
}
