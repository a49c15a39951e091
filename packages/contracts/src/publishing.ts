/**
 * The publishing HTTP API: publish destinations (a connector and a location that Connector Admins
 * define, e.g. a local folder feeding a client portal), the iManage selection a person arrives with
 * from the "Publish with Lexbridge" context-menu command, and publish runs with per-item results.
 * Shared by the server (route schemas), the web app and the tests.
 */
import { z } from 'zod';
import { connectionStatusSchema } from './connectors.ts';
import { nameSchema } from './text.ts';
import { runItemSchema, workflowRunSchema } from './workflows.ts';

/** The query the iManage context-menu command opens /publish with. */
export const publishLaunchQuerySchema = z.object({
  customer_id: z.string().max(100).optional(),
  library: z.string().max(200).optional(),
  /** Comma-separated iManage ids (documents `LIB!n` or `LIB!n.v`, folders `LIB!n`). */
  ids: z.string().max(20_000).optional(),
  /** The iManage user id, informative only: Lexbridge acts as the signed-in person's own connection. */
  user: z.string().max(200).optional(),
});
export type PublishLaunchQuery = z.infer<typeof publishLaunchQuerySchema>;

export const publishDestinationLocationSchema = z.object({
  /** Item id inside the connector: '' (or a relative path) for a local folder, an iManage folder id. */
  id: z.string().max(2000),
  name: z.string(),
  path: z.string(),
});

export const publishDestinationSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string(),
  connectorId: z.uuid(),
  connectorName: z.string().nullable(),
  connectorType: z.string().nullable(),
  location: publishDestinationLocationSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PublishDestination = z.infer<typeof publishDestinationSchema>;

export const publishDestinationBodySchema = z.object({
  name: nameSchema(),
  description: z.string().trim().max(1000).default(''),
  connectorId: z.uuid(),
  /** '' is the connector's root (a local folder's own folder). */
  locationId: z.string().max(2000).default(''),
});
export type PublishDestinationBody = z.input<typeof publishDestinationBodySchema>;

/** Only the fields sent change (no defaults here: a missing locationId must not mean the root). */
export const updatePublishDestinationBodySchema = z.object({
  name: nameSchema().optional(),
  description: z.string().trim().max(1000).optional(),
  connectorId: z.uuid().optional(),
  locationId: z.string().max(2000).optional(),
});
export type UpdatePublishDestinationBody = z.input<typeof updatePublishDestinationBodySchema>;

export const publishDestinationIdParamsSchema = z.object({ destinationId: z.uuid() });

/** An iManage connector the selection may have come from, with the caller's own connection to it. */
export const publishSourceSchema = z.object({
  connectorId: z.uuid(),
  name: z.string(),
  type: z.string(),
  serverAddress: z.string().nullable(),
  /** True when its customer id or server address matches where the person came from. */
  matched: z.boolean(),
  connection: connectionStatusSchema,
});
export type PublishSource = z.infer<typeof publishSourceSchema>;

export const publishSourcesQuerySchema = z.object({
  customer_id: z.string().max(100).optional(),
  /** The origin of the iManage page the person came from (document.referrer), when known. */
  from: z.string().max(2000).optional(),
});

export const publishSourcesResponseSchema = z.object({
  sources: z.array(publishSourceSchema),
});
export type PublishSourcesResponse = z.infer<typeof publishSourcesResponseSchema>;

export const publishSelectionQuerySchema = z.object({
  connectorId: z.uuid(),
  ids: z.string().min(1).max(20_000),
});

export const selectedItemSchema = z.object({
  /** The id as published (a document's id without its version). */
  id: z.string(),
  kind: z.enum(['folder', 'document']),
  name: z.string(),
  /** A document's size, or the total size of the documents in a folder. */
  size: z.number().nullable(),
  version: z.string().nullable(),
  /** Folders: documents and folders anywhere inside (counted up to a limit; see `countComplete`). */
  documentCount: z.number().nullable(),
  folderCount: z.number().nullable(),
  countComplete: z.boolean(),
  /** When the item could not be read: why (it is left out of the publish). */
  error: z.string().nullable(),
});
export type SelectedItem = z.infer<typeof selectedItemSchema>;

export const publishSelectionResponseSchema = z.object({
  items: z.array(selectedItemSchema),
});
export type PublishSelectionResponse = z.infer<typeof publishSelectionResponseSchema>;

export const createPublishBodySchema = z.object({
  /** The iManage connector the items are read from, as the signed-in person. */
  connectorId: z.uuid(),
  destinationId: z.uuid(),
  ids: z.array(z.string().min(1).max(500)).min(1).max(500),
  customerId: z.string().max(100).optional(),
  library: z.string().max(200).optional(),
});
export type CreatePublishBody = z.infer<typeof createPublishBodySchema>;

export const publishRunSchema = z.object({
  id: z.uuid(),
  destinationId: z.uuid(),
  destinationName: z.string(),
  sourceConnectorId: z.uuid(),
  itemIds: z.array(z.string()),
  run: workflowRunSchema,
});
export type PublishRun = z.infer<typeof publishRunSchema>;

export const publishRunIdParamsSchema = z.object({ runId: z.uuid() });

export const publishRunDetailSchema = publishRunSchema.extend({
  items: z.array(runItemSchema),
});
export type PublishRunDetail = z.infer<typeof publishRunDetailSchema>;
