import type {
  CreatePublishBody,
  PublishDestination,
  PublishDestinationBody,
  PublishRun,
  PublishRunDetail,
  PublishSelectionResponse,
  PublishSourcesResponse,
} from '@lexbridge/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { Me } from '../../api/session.ts';

export const destinationsKey = ['publish-destinations'] as const;

/** Plugin Users who hold no other role only publish: the app shows them the publish page alone. */
export function onlyPublishes(me: Me): boolean {
  return me.user.roles.length > 0 && me.user.roles.every((role) => role === 'PluginUser');
}

/** The iManage connectors the selection may come from, matches first, with the person's connection to each. */
export function usePublishSources(customerId: string | null, from: string | null) {
  const query = new URLSearchParams();
  if (customerId) query.set('customer_id', customerId);
  if (from) query.set('from', from);
  return useQuery({
    queryKey: ['publish-sources', customerId, from],
    queryFn: async ({ signal }) =>
      (await api<PublishSourcesResponse>(`/api/publish/sources?${query}`, { signal })).sources,
  });
}

export function useSelection(connectorId: string | null, ids: string[]) {
  return useQuery({
    queryKey: ['publish-selection', connectorId, ids.join(',')],
    enabled: !!connectorId && ids.length > 0,
    queryFn: async ({ signal }) =>
      (
        await api<PublishSelectionResponse>(
          `/api/publish/selection?${new URLSearchParams({ connectorId: connectorId!, ids: ids.join(',') })}`,
          { signal },
        )
      ).items,
  });
}

export function useDestinations() {
  return useQuery({
    queryKey: destinationsKey,
    queryFn: async ({ signal }) =>
      (await api<{ destinations: PublishDestination[] }>('/api/publish-destinations', { signal }))
        .destinations,
  });
}

export function usePublish() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreatePublishBody) => api<PublishRun>('/api/publish/runs', { method: 'POST', body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ['publish-runs'] }),
  });
}

const finished = (status: string | undefined) => !!status && status !== 'queued' && status !== 'running';

/** A publish and its per-item results, polled every half second until it finishes. */
export function usePublishRun(runId: string | null) {
  return useQuery({
    queryKey: ['publish-run', runId],
    enabled: !!runId,
    queryFn: ({ signal }) => api<PublishRunDetail>(`/api/publish/runs/${runId}`, { signal }),
    refetchInterval: (query) => (finished(query.state.data?.run.status) ? false : 500),
  });
}

export function useRecentPublishes() {
  return useQuery({
    queryKey: ['publish-runs'],
    queryFn: async ({ signal }) => (await api<{ runs: PublishRun[] }>('/api/publish/runs', { signal })).runs,
  });
}

export function useCreateDestination() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: PublishDestinationBody) =>
      api<PublishDestination>('/api/publish-destinations', { method: 'POST', body }),
    onSuccess: () => void client.invalidateQueries({ queryKey: destinationsKey }),
  });
}

export function useDeleteDestination() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<{ deleted: true }>(`/api/publish-destinations/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    onSuccess: () => void client.invalidateQueries({ queryKey: destinationsKey }),
  });
}

/** Sends the browser to authorise the connector, coming back to `returnTo` (this page with its selection). */
export function authoriseAndReturn(connectorId: string, returnTo: string): void {
  window.location.assign(
    `/api/connectors/${encodeURIComponent(connectorId)}/authorise?returnTo=${encodeURIComponent(returnTo)}`,
  );
}
