import type { WorkflowRun } from '@lexbridge/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../api/client.ts';
import { isActiveRun, runKey, workflowsKey } from './api.ts';

/**
 * A run that keeps itself up to date while it is queued or running: server-sent events from
 * /api/workflow-runs/{id}/events, and polling every 2 s when the stream cannot be opened or breaks
 * (a proxy that buffers, an old browser). When the run ends, the workflow pages are refreshed.
 */
export function useLiveRun(runId: string) {
  const client = useQueryClient();
  const [streamFailed, setStreamFailed] = useState(typeof EventSource === 'undefined');
  const query = useQuery({
    queryKey: runKey(runId),
    queryFn: ({ signal }) => api<WorkflowRun>(`/api/workflow-runs/${encodeURIComponent(runId)}`, { signal }),
    refetchInterval: (q) => (streamFailed && isActiveRun(q.state.data) ? 2000 : false),
  });
  const active = isActiveRun(query.data);

  useEffect(() => {
    if (!active || streamFailed) return;
    const source = new EventSource(`/api/workflow-runs/${encodeURIComponent(runId)}/events`);
    const apply = (event: MessageEvent<string>) => {
      try {
        client.setQueryData(runKey(runId), JSON.parse(event.data) as WorkflowRun);
      } catch {
        // A malformed event: the next one (or polling) brings the run.
      }
    };
    source.addEventListener('progress', apply);
    source.addEventListener('end', (event) => {
      apply(event);
      source.close();
    });
    source.onerror = () => {
      source.close();
      setStreamFailed(true);
    };
    return () => source.close();
  }, [active, streamFailed, runId, client]);

  // The moment the run finishes, the history, counts and "last run" everywhere else follow.
  const [wasActive, setWasActive] = useState(false);
  useEffect(() => {
    if (active) setWasActive(true);
    else if (wasActive) {
      setWasActive(false);
      void client.invalidateQueries({ queryKey: workflowsKey });
    }
  }, [active, wasActive, client]);

  return query;
}
