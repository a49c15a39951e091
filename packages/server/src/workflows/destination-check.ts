import type { PreflightResult, WorkflowLocationInput } from '@lexbridge/contracts';
import { workflowTypes } from '@lexbridge/contracts';
import { and, inArray, isNull } from 'drizzle-orm';
import type { Lexbridge } from '../context.ts';
import { destinationLocation } from '../publishing/destinations.ts';
import { publishDestinations } from '../store/schema.ts';
import { openContentStore } from './content-stores.ts';
import type { StoredLocation } from './model.ts';
import { isConnectorAdmin } from './use-policy.ts';

type Check = PreflightResult['checks'][number];

interface End {
  connectorId: string;
  location: StoredLocation;
}

/**
 * Pre-flight's publish-destination check: only Connector Admins may use a publish destination's folder
 * in a workflow, as its source or target, nor a folder inside it or around it (a Move or sync there
 * would change what clients see). Blocks every type; names no destination, which a User may not know.
 */
export async function publishDestinationCheck(
  lexbridge: Lexbridge,
  ownerId: string,
  input: { source: WorkflowLocationInput; target: WorkflowLocationInput },
  resolved: { source: StoredLocation; target: StoredLocation },
): Promise<Check> {
  const ok: Check = {
    check: 'publish_destination',
    ok: true,
    message: 'Neither folder is a publish destination.',
    blocks: [],
  };
  if (await isConnectorAdmin(lexbridge.store.db, ownerId)) return ok;
  const ends: End[] = [
    { connectorId: input.source.connectorId, location: resolved.source },
    { connectorId: input.target.connectorId, location: resolved.target },
  ];
  const destinations = await lexbridge.store.db
    .select({ connectorId: publishDestinations.connectorId, location: publishDestinations.location })
    .from(publishDestinations)
    .where(
      and(
        isNull(publishDestinations.deletedAt),
        inArray(
          publishDestinations.connectorId,
          ends.map((end) => end.connectorId),
        ),
      ),
    );
  for (const destination of destinations) {
    const destinationId = destinationLocation(destination).id;
    const mine = ends.filter((end) => end.connectorId === destination.connectorId);
    const overlaps =
      mine.some(
        (end) => end.location.id === destinationId || end.location.ancestors.includes(destinationId),
      ) ||
      (await ancestorsOf(lexbridge, ownerId, destination.connectorId, destinationId)).some((id) =>
        mine.some((end) => end.location.id === id),
      );
    if (overlaps) {
      return {
        check: 'publish_destination',
        ok: false,
        message:
          'The source or target is, contains or lies inside a folder that Connector Admins chose as a publish destination. Only a Connector Admin may use it in a workflow: choose another folder.',
        blocks: [...workflowTypes],
      };
    }
  }
  return ok;
}

/** Where a destination's folder lies, as its connector sees it; none when it cannot be found now. */
async function ancestorsOf(
  lexbridge: Lexbridge,
  userId: string,
  connectorId: string,
  id: string,
): Promise<string[]> {
  try {
    const store = await openContentStore(lexbridge, { connectorId, userId }, { forPublishDestination: true });
    try {
      return (await store.ancestors(id)).map((item) => item.id);
    } finally {
      await store.close?.();
    }
  } catch {
    return [];
  }
}
