import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';

export function registerControlCenter(_app: FastifyInstance, _ctx: EmulatorContext): void {}
