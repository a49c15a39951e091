import { runIdParamsSchema } from '@lexbridge/contracts';
import { AppError } from '../../../../../../errors.ts';
import { loadRunFor, type RunRow, toRunResponse } from '../../../../../../workflows/model.ts';
import { runWatcher } from '../../../../../../workflows/run-watch.ts';
import { defineRoute } from '../../../../../route.ts';
import { StreamSlots } from '../../../../../stream-slots.ts';

const maxStreamMs = 60 * 60_000;
const finished = new Set(['succeeded', 'partial', 'failed', 'cancelled', 'paused', 'interrupted']);
/** Enough for a person with several tabs open; the whole process serves at most 500 at once. */
export const streamSlots = new StreamSlots(8, 500);

export default defineRoute({
  method: 'GET',
  url: '/api/workflow-runs/:runId/events',
  access: ['User', 'Admin', 'ConnectorAdmin'],
  summary:
    'Live progress as server-sent events: a `progress` event with the run whenever it changes, then `end`. At most 8 streams per session (429 beyond: poll GET /api/workflow-runs/{runId} instead)',
  tags: ['workflows'],
  schema: { params: runIdParamsSchema },
  async handler(request, reply, lexbridge) {
    const run = await loadRunFor(lexbridge.store.db, request.user, request.params.runId);
    const release = streamSlots.take(request.user.sessionIdHash);
    if (!release) {
      reply.header('retry-after', '30');
      throw new AppError(
        'rate_limited',
        'Too many live progress streams are open for you (or on this server). Close other Lexbridge tabs; this page refreshes every few seconds instead.',
        { retryAfter: '30 seconds' },
      );
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    let last = '';
    let unsubscribe = () => {};
    const stop = () => {
      unsubscribe();
      clearTimeout(limit);
      release();
      res.end();
    };
    const limit = setTimeout(stop, maxStreamMs);
    limit.unref();
    request.raw.on('close', stop);
    const send = (current: RunRow) => {
      const view = JSON.stringify(toRunResponse(current));
      const { durationMs: _ignored, ...stable } = JSON.parse(view) as Record<string, unknown>;
      const key = JSON.stringify(stable);
      if (key !== last) {
        res.write(`event: progress\ndata: ${view}\n\n`);
        last = key;
      }
      if (!finished.has(current.status)) return false;
      res.write(`event: end\ndata: ${view}\n\n`);
      return true;
    };
    if (send(run)) return stop();
    unsubscribe = runWatcher(lexbridge.store.db).subscribe(run.id, (next) => {
      if (!next || send(next)) stop();
    });
  },
});
