import { z } from 'zod';
import { defineRoute } from '../../route.ts';

export default defineRoute({
  method: 'GET',
  url: '/healthz',
  access: 'public',
  summary: 'Liveness: the process is up and answering',
  tags: ['health'],
  schema: { response: { 200: z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }) } },
  async handler() {
    return { status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) };
  },
});
