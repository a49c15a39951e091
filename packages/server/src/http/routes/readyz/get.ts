import { z } from 'zod';
import { defineRoute } from '../../route.ts';

const check = z.object({ ok: z.boolean(), error: z.string().optional() });

export default defineRoute({
  method: 'GET',
  url: '/readyz',
  access: 'public',
  summary: 'Readiness: the database and the job queue answer',
  tags: ['health'],
  schema: {
    response: {
      200: z.object({ status: z.literal('ready'), database: check, queue: check }),
      503: z.object({ status: z.literal('not_ready'), database: check, queue: check }),
    },
  },
  async handler(request, reply, lexbridge) {
    // Public for load balancers, so it says what is wrong but not where: the database's host, port and
    // name stay in the server's log.
    const database = await lexbridge.store
      .ping()
      .then(() => ({ ok: true }))
      .catch((err: Error) => {
        request.log.warn({ err }, 'readiness: the database does not answer');
        return { ok: false, error: 'the database does not answer' };
      });
    const queue = (await lexbridge.queue.ready())
      ? { ok: true }
      : { ok: false, error: 'the job queue is not running' };
    if (database.ok && queue.ok) return { status: 'ready' as const, database, queue };
    return reply.status(503).send({ status: 'not_ready' as const, database, queue });
  },
});
