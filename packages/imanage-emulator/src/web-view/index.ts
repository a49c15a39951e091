import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';

export function registerWebView(_app: FastifyInstance, _ctx: EmulatorContext): void {}
