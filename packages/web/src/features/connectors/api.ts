import type {
  Connection,
  Connector,
  ConnectorType,
  CreateConnectorBody,
  DiagnosticsReport,
  UpdateConnectorBody,
} from '@lexbridge/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client.ts';

export const connectorsKey = ['connectors'] as const;
export const connectorTypesKey = ['connector-types'] as const;

export function useConnectors() {
  return useQuery({
    queryKey: connectorsKey,
    queryFn: async ({ signal }) =>
      (await api<{ connectors: Connector[] }>('/api/connectors', { signal })).connectors,
  });
}

export function useConnectorTypes() {
  return useQuery({
    queryKey: connectorTypesKey,
    queryFn: async ({ signal }) =>
      (await api<{ types: ConnectorType[] }>('/api/connector-types', { signal })).types,
    staleTime: 10 * 60_000,
  });
}

/** Sends the browser to the connector's authorisation: the system's sign-in page, then back to Connectors. */
export function startAuthorisation(connectorId: string): void {
  window.location.assign(`/api/connectors/${encodeURIComponent(connectorId)}/authorise`);
}

export function useCreateConnector() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateConnectorBody) => api<Connector>('/api/connectors', { method: 'POST', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: connectorsKey }),
  });
}

export function useUpdateConnector() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: UpdateConnectorBody }) =>
      api<Connector>(`/api/connectors/${encodeURIComponent(id)}`, { method: 'PATCH', body }),
    onSuccess: () => client.invalidateQueries({ queryKey: connectorsKey }),
  });
}

export function useRemoveConnector() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, force }: { id: string; force: boolean }) =>
      api<{ deleted: true; pausedWorkflows: string[] }>(
        `/api/connectors/${encodeURIComponent(id)}${force ? '?force=true' : ''}`,
        { method: 'DELETE' },
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: connectorsKey }),
  });
}

export function useDisconnect() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<{ disconnected: boolean }>(`/api/connectors/${encodeURIComponent(id)}/connection`, {
        method: 'DELETE',
      }),
    onSuccess: () => client.invalidateQueries({ queryKey: connectorsKey }),
  });
}

/** A test may learn that the person's authorisation stopped working: the list then shows it. */
export function useTestConnection() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      api<DiagnosticsReport>(`/api/connectors/${encodeURIComponent(id)}/test`, { method: 'POST' }),
    onSettled: () => client.invalidateQueries({ queryKey: connectorsKey }),
  });
}

/** The person's status as the Connectors page words it. */
export const statusLabels: Record<Connection['status'], string> = {
  unauthorised: 'Unauthorised',
  authorised: 'Authorised',
  expired: 'Expired: re-authorise',
  error: 'Error',
};
