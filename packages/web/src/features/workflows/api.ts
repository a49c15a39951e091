import type {
  CreateWorkflowBody,
  LocationListing,
  PreflightResult,
  RunItem,
  RunStatus,
  UpdateWorkflowBody,
  Workflow,
  WorkflowLocationInput,
  WorkflowRun,
  WorkflowType,
} from '@lexbridge/contracts';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export const workflowsKey = ['workflows'] as const;
const workflowKey = (id: string) => ['workflows', id] as const;
const runsKey = (workflowId: string) => ['workflows', workflowId, 'runs'] as const;
export const runKey = (runId: string) => ['workflow-runs', runId] as const;

const path = (...parts: string[]) => parts.map(encodeURIComponent).join('/');

/** Runs still going: the pages refresh these. */
export function isActiveRun(run: Pick<WorkflowRun, 'status'> | null | undefined): boolean {
  return run?.status === 'queued' || run?.status === 'running';
}

export function useWorkflows() {
  return useQuery({
    queryKey: workflowsKey,
    queryFn: async ({ signal }) =>
      (await api<{ workflows: Workflow[] }>('/api/workflows', { signal })).workflows,
    // While a run is going, the list's "last run" column follows it.
    refetchInterval: (query) => (query.state.data?.some((w) => isActiveRun(w.lastRun)) ? 3000 : false),
  });
}

export function useWorkflow(id: string) {
  return useQuery({
    queryKey: workflowKey(id),
    queryFn: ({ signal }) => api<Workflow>(`/api/workflows/${path(id)}`, { signal }),
    refetchInterval: (query) => (isActiveRun(query.state.data?.lastRun) ? 3000 : false),
  });
}

export function useWorkflowRuns(workflowId: string, limit = 50) {
  return useQuery({
    queryKey: [...runsKey(workflowId), limit],
    queryFn: async ({ signal }) =>
      (
        await api<{ runs: WorkflowRun[] }>(`/api/workflows/${path(workflowId)}/runs?limit=${limit}`, {
          signal,
        })
      ).runs,
    refetchInterval: (query) => (query.state.data?.some(isActiveRun) ? 3000 : false),
  });
}

/** A page of a run's per-item log; `failedOnly` asks the server for failures only. */
export function useRunItems(runId: string, failedOnly: boolean, after: number, refreshWhile: boolean) {
  return useQuery({
    queryKey: ['workflow-runs', runId, 'items', failedOnly, after],
    queryFn: ({ signal }) =>
      api<{ items: RunItem[]; nextAfter: number | null }>(
        `/api/workflow-runs/${path(runId)}/items?after=${after}&limit=100${failedOnly ? '&outcome=failed' : ''}`,
        { signal },
      ),
    placeholderData: keepPreviousData,
    refetchInterval: refreshWhile ? 2000 : false,
  });
}

/** A run's items of one action (its conflicts, its archive manifest), the first 200. */
export function useRunItemsOf(runId: string, action: RunItem['action'], refreshWhile: boolean) {
  return useQuery({
    queryKey: ['workflow-runs', runId, 'items-of', action],
    queryFn: ({ signal }) =>
      api<{ items: RunItem[]; nextAfter: number | null }>(
        `/api/workflow-runs/${path(runId)}/items?action=${action}&limit=200`,
        { signal },
      ),
    refetchInterval: refreshWhile ? 2000 : false,
  });
}

/** The folder picker's "New folder": creates it, then refreshes the open folder's listing. */
export function useCreateFolder(connectorId: string, parentId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) =>
      api<LocationListing['children'][number]>('/api/workflows/locations', {
        method: 'POST',
        body: { connectorId, parentId, name },
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['workflow-locations', connectorId, parentId] }),
  });
}

/** One level of a connector's folders, for the folder browser. */
export function useLocation(connectorId: string | null, id: string) {
  return useQuery({
    queryKey: ['workflow-locations', connectorId, id],
    enabled: connectorId !== null,
    queryFn: ({ signal }) =>
      api<LocationListing>(
        `/api/workflows/locations?connectorId=${encodeURIComponent(connectorId!)}&id=${encodeURIComponent(id)}`,
        {
          signal,
        },
      ),
    staleTime: 30_000,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** The pre-flight checks for a source and target; runs again whenever either changes. */
export function usePreflight(
  source: WorkflowLocationInput | null,
  target: WorkflowLocationInput | null,
  excludeWorkflowId?: string,
) {
  return useQuery({
    queryKey: ['workflow-preflight', source, target, excludeWorkflowId],
    enabled: source !== null && target !== null,
    queryFn: ({ signal }) =>
      api<PreflightResult>('/api/workflows/preflight', {
        method: 'POST',
        body: { source, target, excludeWorkflowId },
        signal,
      }),
    retry: false,
    placeholderData: keepPreviousData,
  });
}

export function useCreateWorkflow() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateWorkflowBody) => api<Workflow>('/api/workflows', { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: workflowsKey }),
  });
}

export function useUpdateWorkflow(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateWorkflowBody) =>
      api<Workflow>(`/api/workflows/${path(id)}`, { method: 'PATCH', body }),
    onSuccess: (workflow) => {
      client.setQueryData(workflowKey(id), workflow);
      return client.invalidateQueries({ queryKey: workflowsKey, exact: true });
    },
  });
}

export function useDeleteWorkflow(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<undefined>(`/api/workflows/${path(id)}`, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: workflowsKey }),
  });
}

export function useRunNow(workflowId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (dryRun: boolean) =>
      api<WorkflowRun>(`/api/workflows/${path(workflowId)}/run${dryRun ? '?dryRun=true' : ''}`, {
        method: 'POST',
      }),
    onSuccess: (run) => {
      client.setQueryData(runKey(run.id), run);
      return client.invalidateQueries({ queryKey: workflowsKey });
    },
  });
}

export function useCancelRun(runId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<WorkflowRun>(`/api/workflow-runs/${path(runId)}/cancel`, { method: 'POST' }),
    onSuccess: (run) => {
      client.setQueryData(runKey(run.id), run);
      return client.invalidateQueries({ queryKey: workflowsKey });
    },
  });
}

/** Retry failed items: a new run acting only on what failed in this one. */
export function useRetryRun(runId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<WorkflowRun>(`/api/workflow-runs/${path(runId)}/retry`, { method: 'POST' }),
    onSuccess: (run) => {
      client.setQueryData(runKey(run.id), run);
      return client.invalidateQueries({ queryKey: workflowsKey });
    },
  });
}

/** Whether "Retry failed items" is offered for a run (the server also checks it is the workflow's latest). */
export function canRetry(run: WorkflowRun, type: WorkflowType | undefined): boolean {
  return (
    !run.dryRun &&
    !isActiveRun(run) &&
    run.counts.failed > 0 &&
    (type === 'copy' || type === 'one_way_sync' || type === 'move')
  );
}

export const runStatusLabels: Record<RunStatus, string> = {
  queued: 'Waiting to start',
  running: 'Running',
  succeeded: 'Succeeded',
  partial: 'Finished with failures',
  failed: 'Failed',
  cancelled: 'Cancelled',
  paused: 'Paused: re-authorise',
  interrupted: 'Interrupted',
};

export const runStatusColors: Record<
  RunStatus,
  'informative' | 'brand' | 'success' | 'warning' | 'danger' | 'subtle'
> = {
  queued: 'informative',
  running: 'brand',
  succeeded: 'success',
  partial: 'warning',
  failed: 'danger',
  cancelled: 'subtle',
  paused: 'warning',
  interrupted: 'warning',
};

/** The workflow's own status as the list words it. */
export function workflowStatusLabel(workflow: Pick<Workflow, 'status' | 'pauseReason'>): string {
  if (workflow.status === 'paused') {
    if (workflow.pauseReason === 'reauthorise') return 'Paused: re-authorise';
    if (workflow.pauseReason === 'error') return 'Paused: error';
    return 'Paused';
  }
  return workflow.status === 'completed' ? 'Completed' : 'Active';
}

export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export { formatWhen } from '../../ui/format.ts';
