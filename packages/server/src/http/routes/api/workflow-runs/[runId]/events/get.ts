import { setTimeout as sleep } from 'node:timers/promises';
import { runIdParamsSchema } from '@lexbridge/contracts';
import { eq } from 'drizzle-orm';
import { workflowRuns } from '../../../../../../store/schema.ts';
import { loadRunFor, toRunResponse } from '../../../../../../workflows/model.ts';
import { defineRoute } from '../../../../../route.ts';

const pollMs = 500;
const maxStreamMs = 60 * 60_000;
const finished = new Set(['succeeded', 'partial', 'failed', 'cancelled', 'paused', 'interrupted']);

export default defineRoute({
  method: 'GET',
  url: '/api/workflow-runs/:runId/events',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary:
    'Live progress as server-sent events: a `progress` event with the run whenever it changes, then `end`',
  tags: ['workflows'],
  schema: { params: runIdParamsSchema },
  async handler(request, reply, lexbridge) {
    const run = await loadRunFor(lexbridge.store.db, request.user, request.params.runId);
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let open = true;
    request.raw.on('close', () => (open = false));
    // Progress is read from the database, so it works whichever process runs the job.
    let last = '';
    const started = Date.now();
    let current = run;
    while (open && Date.now() - started < maxStreamMs) {
      const view = JSON.stringify(toRunResponse(current));
      const { durationMs: _ignored, ...stable } = JSON.parse(view) as Record<string, unknown>;
      const key = JSON.stringify(stable);
      if (key !== last) {
        res.write(`event: progress\ndata: ${view}\n\n`);
        last = key;
      }
      if (finished.has(current.status)) {
        res.write(`event: end\ndata: ${view}\n\n`);
        break;
      }
      await sleep(pollMs);
      const [next] = await lexbridge.store.db.select().from(workflowRuns).where(eq(workflowRuns.id, run.id));
      if (!next) break;
      current = next;
    }
    res.end();
  },
});
