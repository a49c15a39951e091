import type { Connector, ConnectorType } from '@lexbridge/contracts';
import { useConnectors, useConnectorTypes } from '../connectors/api.ts';

/**
 * The connectors this person can use in a workflow: those they authorised themselves, and those that
 * need no personal authorisation (a local folder is reached by Lexbridge itself, so it is always ready).
 */
export function usableConnectors(connectors: Connector[], types: ConnectorType[]): Connector[] {
  return connectors.filter((connector) => {
    const perUser = types.find((t) => t.type === connector.type)?.perUserAuthorisation ?? true;
    return !perUser || connector.connection.status === 'authorised';
  });
}

/** The firm's connectors split into those this person can use and the rest, with loading and error state. */
export function useUsableConnectors() {
  const connectors = useConnectors();
  const types = useConnectorTypes();
  const ready = connectors.data !== undefined && types.data !== undefined;
  const usable = ready ? usableConnectors(connectors.data, types.data) : [];
  return {
    isPending: connectors.isPending || types.isPending,
    error: connectors.error ?? types.error,
    refetch: () => {
      void connectors.refetch();
      void types.refetch();
    },
    usable,
    unusable: ready ? connectors.data.filter((c) => !usable.includes(c)) : [],
    typeLabel: (connector: Connector) =>
      types.data?.find((t) => t.type === connector.type)?.label ?? connector.type,
    /** The connector's name and its system's ("iManage"), for the words that name a workflow's sides. */
    side: (connectorId: string | undefined, fallback: string) => {
      const connector = connectors.data?.find((c) => c.id === connectorId);
      const type = types.data?.find((t) => t.type === connector?.type);
      return {
        name: connector?.name ?? fallback,
        system: type?.systemName ?? type?.label ?? connector?.name ?? fallback,
      };
    },
  };
}
