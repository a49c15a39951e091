import { randomUUID } from 'node:crypto';
import {
  type PublishDestination,
  type PublishDestinationBody,
  publishDestinationBodySchema,
  type UpdatePublishDestinationBody,
} from '@lexbridge/contracts';
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { recordAudit } from '../audit/record.ts';
import { ContentError } from '../connectors/content.ts';
import type { Lexbridge } from '../context.ts';
import { AppError, isAppError } from '../errors.ts';
import type { DbOrTx } from '../store/db.ts';
import { connectors, publishChannels, publishDestinations } from '../store/schema.ts';
import { openContentStore } from '../workflows/content-stores.ts';

/**
 * Publish destinations: the places Connector Admins let people publish to, each a connector and a
 * folder in it (for instance a local folder that feeds a client portal). People choose among them on
 * the publish page; they never type a location themselves.
 */
export type DestinationRow = typeof publishDestinations.$inferSelect;

export interface DestinationLocation {
  id: string;
  name: string;
  path: string;
}

interface Actor {
  userId: string;
  ip?: string;
}

export function destinationLocation(row: Pick<DestinationRow, 'location'>): DestinationLocation {
  const value = row.location;
  return { id: String(value.id ?? ''), name: String(value.name ?? ''), path: String(value.path ?? '') };
}

/** Every destination that has not been deleted, by name, as the API shows them. */
export async function listDestinations(db: DbOrTx): Promise<PublishDestination[]> {
  const rows = await db
    .select()
    .from(publishDestinations)
    .where(isNull(publishDestinations.deletedAt))
    .orderBy(asc(publishDestinations.name));
  return toDestinationResponses(db, rows);
}

export async function loadDestination(db: DbOrTx, id: string): Promise<DestinationRow> {
  const [row] = await db
    .select()
    .from(publishDestinations)
    .where(and(eq(publishDestinations.id, id), isNull(publishDestinations.deletedAt)));
  if (!row) throw new AppError('publish_destination_not_found', undefined, { destinationId: id });
  return row;
}

export async function toDestinationResponses(
  db: DbOrTx,
  rows: DestinationRow[],
): Promise<PublishDestination[]> {
  const ids = [...new Set(rows.map((r) => r.connectorId))];
  const found = ids.length
    ? await db
        .select({ id: connectors.id, name: connectors.name, type: connectors.type })
        .from(connectors)
        .where(inArray(connectors.id, ids))
    : [];
  const byId = new Map(found.map((c) => [c.id, c]));
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    description: row.description,
    connectorId: row.connectorId,
    connectorName: byId.get(row.connectorId)?.name ?? null,
    connectorType: byId.get(row.connectorId)?.type ?? null,
    location: destinationLocation(row),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }));
}

/**
 * Opens the location as the admin sees it and checks it is a folder they may write to; returns what
 * to store. Local folders are checked against LEXBRIDGE_LOCAL_FOLDER_ROOTS by openContentStore.
 */
async function resolveLocation(
  lexbridge: Lexbridge,
  userId: string,
  connectorId: string,
  locationId: string,
): Promise<DestinationLocation> {
  const [connector] = await lexbridge.store.db
    .select()
    .from(connectors)
    .where(eq(connectors.id, connectorId));
  if (!connector)
    throw new AppError('connector_not_found', 'The chosen connector does not exist (any more).', {
      field: 'connectorId',
    });
  try {
    const store = await openContentStore(lexbridge, { connectorId, userId });
    try {
      const item = await store.getItem(locationId);
      if (item.kind !== 'folder')
        throw new AppError('publish_destination_invalid', `"${item.name}" is a document, not a folder.`, {
          field: 'locationId',
        });
      const ancestors = await store.ancestors(locationId);
      const names = [...ancestors, item].map((a) => a.name).filter(Boolean);
      const rights = await store.rights(locationId).catch(() => ({ read: true, write: true }));
      if (!rights.write)
        throw new AppError(
          'publish_destination_invalid',
          `Your account may not write to "${item.name || connector.name}".`,
          { field: 'locationId' },
        );
      return { id: item.id, name: item.name || connector.name, path: [connector.name, ...names].join(' / ') };
    } finally {
      await store.close?.();
    }
  } catch (err) {
    if (err instanceof ContentError)
      throw new AppError('publish_destination_invalid', `The location cannot be used: ${err.message}`, {
        field: 'locationId',
      });
    if (isAppError(err) && err.code === 'workflow_location_unavailable')
      throw new AppError('publish_destination_invalid', err.message, { field: 'connectorId' });
    throw err;
  }
}

export async function createDestination(
  lexbridge: Lexbridge,
  body: PublishDestinationBody,
  actor: Actor,
): Promise<PublishDestination> {
  const input = publishDestinationBodySchema.parse(body);
  const location = await resolveLocation(lexbridge, actor.userId, input.connectorId, input.locationId);
  const row = await lexbridge.store.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(publishDestinations)
      .values({
        id: randomUUID(),
        name: input.name,
        description: input.description,
        connectorId: input.connectorId,
        location: { ...location },
        createdBy: actor.userId,
      })
      .returning();
    await recordAudit(tx, {
      action: 'publish_destination.create',
      actorUserId: actor.userId,
      targetType: 'publish_destination',
      targetId: created!.id,
      ip: actor.ip ?? null,
      details: { name: input.name, connectorId: input.connectorId, location: location.path },
    });
    return created!;
  });
  return (await toDestinationResponses(lexbridge.store.db, [row]))[0]!;
}

/**
 * Changes a destination. Moving it to another connector or location starts a new record of what was
 * published: the next publish there copies afresh (the old copies stay where they are).
 */
export async function updateDestination(
  lexbridge: Lexbridge,
  id: string,
  body: UpdatePublishDestinationBody,
  actor: Actor,
): Promise<PublishDestination> {
  const current = await loadDestination(lexbridge.store.db, id);
  const connectorId = body.connectorId ?? current.connectorId;
  const locationId = body.locationId ?? destinationLocation(current).id;
  const moved = connectorId !== current.connectorId || locationId !== destinationLocation(current).id;
  const location = moved
    ? await resolveLocation(lexbridge, actor.userId, connectorId, locationId)
    : destinationLocation(current);
  const row = await lexbridge.store.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(publishDestinations)
      .set({
        ...(body.name !== undefined ? { name: body.name.trim() } : {}),
        ...(body.description !== undefined ? { description: body.description.trim() } : {}),
        connectorId,
        location: { ...location },
        updatedAt: new Date(),
      })
      .where(eq(publishDestinations.id, id))
      .returning();
    if (moved) {
      // The old channels' links describe copies at the old location; their runs stay as history.
      await tx.delete(publishChannels).where(eq(publishChannels.destinationId, id));
    }
    await recordAudit(tx, {
      action: 'publish_destination.update',
      actorUserId: actor.userId,
      targetType: 'publish_destination',
      targetId: id,
      ip: actor.ip ?? null,
      details: { fields: Object.keys(body), location: moved ? location.path : undefined },
    });
    return updated!;
  });
  return (await toDestinationResponses(lexbridge.store.db, [row]))[0]!;
}

/** Removes a destination from the choice; what was published there stays, and its history too. */
export async function deleteDestination(lexbridge: Lexbridge, id: string, actor: Actor): Promise<void> {
  const current = await loadDestination(lexbridge.store.db, id);
  await lexbridge.store.db.transaction(async (tx) => {
    await tx
      .update(publishDestinations)
      .set({ deletedAt: new Date(), updatedAt: new Date() })
      .where(eq(publishDestinations.id, id));
    await recordAudit(tx, {
      action: 'publish_destination.delete',
      actorUserId: actor.userId,
      targetType: 'publish_destination',
      targetId: id,
      ip: actor.ip ?? null,
      details: { name: current.name },
    });
  });
}
