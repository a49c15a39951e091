/**
 * The workflow HTTP API: workflows (copy, one-way sync, move, two-way sync, archive between two connectors), their
 * pre-flight checks, runs with live progress, and per-item results. Shared by the server (route
 * schemas), the web app and the tests.
 */
import { z } from 'zod';
import { hasControlCharacter, nameSchema } from './text.ts';

export const workflowTypes = ['copy', 'one_way_sync', 'move', 'two_way_sync', 'archive'] as const;
export const workflowTypeSchema = z.enum(workflowTypes);
export type WorkflowType = z.infer<typeof workflowTypeSchema>;

export const workflowTypeLabels: Record<WorkflowType, string> = {
  copy: 'Copy',
  one_way_sync: 'One-way sync',
  move: 'Move',
  two_way_sync: 'Two-way sync',
  archive: 'Archive',
};

/** Types that keep running at their interval rather than once. */
export const ongoingWorkflowTypes = [
  'one_way_sync',
  'two_way_sync',
] as const satisfies readonly WorkflowType[];
export function isOngoing(type: WorkflowType): boolean {
  return (ongoingWorkflowTypes as readonly WorkflowType[]).includes(type);
}

/**
 * What a two-way sync does when both sides changed a document since its last pass (docs/workflows.md):
 * keep both (default), the newer edit wins, or the source's / the target's edit wins.
 */
export const conflictPolicies = ['keep_both', 'newest_wins', 'source_wins', 'target_wins'] as const;
export type ConflictPolicy = (typeof conflictPolicies)[number];

/** What an archive does with its source once every document is copied and verified. */
export const archiveSourceModes = ['remove', 'leave'] as const;
export type ArchiveSourceMode = (typeof archiveSourceModes)[number];

export const workflowOptionsSchema = z.object({
  /** Copy only the newest version of each document (where the source keeps versions). */
  latestVersionOnly: z.boolean().default(true),
  /** Copy what already exists when the workflow starts; otherwise only later changes. */
  syncExistingFilesAndFolders: z.boolean().default(true),
  /** Create the chosen source container itself inside the target, rather than only its contents. */
  includeSelectContainer: z.boolean().default(false),
  /** Copy only major versions (iManage); minor versions are ignored. */
  syncMajorVersionsOnly: z.boolean().default(false),
  /** Stop deleting after this many deletes in one run (defaults to the server's LEXBRIDGE_MAX_DELETES). */
  maxDeletes: z.number().int().min(0).max(1_000_000).optional(),
  /** Two-way sync: how a document changed on both sides since the last pass is resolved. */
  conflictPolicy: z.enum(conflictPolicies).default('keep_both'),
  /**
   * Archive: once everything is copied and verified, 'remove' the source content (default), or 'leave'
   * it with a link file named after the target's system ("Archived to iManage.url") pointing at the target.
   */
  archiveSource: z.enum(archiveSourceModes).default('remove'),
});
export type WorkflowOptions = z.infer<typeof workflowOptionsSchema>;

export const workflowTriggerNames = [
  'fileCreated',
  'fileUpdated',
  'fileRenamed',
  'fileMoved',
  'fileDeleted',
  'folderCreated',
  'folderRenamed',
  'folderMoved',
  'folderDeleted',
] as const;
export type WorkflowTrigger = (typeof workflowTriggerNames)[number];

/** Every trigger is on unless turned off. */
export const workflowTriggersSchema = z.object(
  Object.fromEntries(workflowTriggerNames.map((name) => [name, z.boolean().default(true)])) as Record<
    WorkflowTrigger,
    z.ZodDefault<z.ZodBoolean>
  >,
);
export type WorkflowTriggers = z.infer<typeof workflowTriggersSchema>;

/** A location chosen in the folder browser: a connector and an item id in it ('' is a local folder's root). */
export const workflowLocationInputSchema = z.object({
  connectorId: z.uuid(),
  id: z.string().max(2000),
});
export type WorkflowLocationInput = z.infer<typeof workflowLocationInputSchema>;

export const workflowLocationSchema = workflowLocationInputSchema.extend({
  connectorName: z.string().nullable(),
  name: z.string(),
  /** Readable path, outermost first, e.g. "Clients / Acme / Contracts". */
  path: z.string(),
});
export type WorkflowLocation = z.infer<typeof workflowLocationSchema>;

export const workflowStatusSchema = z.enum(['active', 'paused', 'completed']);

export const runStatuses = [
  'queued',
  'running',
  'succeeded',
  'partial',
  'failed',
  'cancelled',
  'paused',
  'interrupted',
] as const;
export const runStatusSchema = z.enum(runStatuses);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const runCountsSchema = z.object({
  created: z.number(),
  updated: z.number(),
  deleted: z.number(),
  skipped: z.number(),
  failed: z.number(),
});

export const runWaitingSchema = z.object({
  /** Which side of the workflow stopped answering. */
  side: z.enum(['source', 'target']),
  /** The system's name, e.g. "iManage". */
  system: z.string(),
  /** Plain words: what is happening and what the run does about it. */
  reason: z.string(),
  /** The technical cause (for an administrator), behind "Details". */
  detail: z.string(),
  since: z.string(),
  nextAttemptAt: z.string(),
});
export type RunWaiting = z.infer<typeof runWaitingSchema>;

export const workflowRunSchema = z.object({
  id: z.uuid(),
  workflowId: z.uuid(),
  status: runStatusSchema,
  /** 'retry': started by Retry failed items, acting only on what failed in the run before it. */
  trigger: z.enum(['manual', 'schedule', 'cli', 'retry']),
  dryRun: z.boolean(),
  fullReconcile: z.boolean(),
  counts: runCountsSchema,
  /** Items the plan holds, and how many are finished: the progress bar. */
  planned: z.number(),
  done: z.number(),
  bytes: z.number(),
  bytesPlanned: z.number(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  errorCode: z.string().nullable(),
  error: z.string().nullable(),
  /**
   * Set while a running run waits for a system that stopped answering: it starts no new item and
   * tries the system again at `nextAttemptAt`, carrying on once it answers. Null otherwise.
   */
  waiting: runWaitingSchema.nullable(),
});
export type WorkflowRun = z.infer<typeof workflowRunSchema>;

export const runItemActions = [
  'create',
  'update',
  'create_folder',
  'rename',
  'move',
  'delete',
  'delete_source',
  'skip',
  'conflict',
  /** Archive: the manifest CSV stored in the target (its targetId names it there). */
  'manifest',
  /** Archive, leaving the source: the link file written into the source. */
  'link_file',
  /** Archive, leaving the source: write permissions on the source changed to read. */
  'read_only',
] as const;

export const runItemSchema = z.object({
  id: z.number(),
  action: z.enum(runItemActions),
  /** Two-way sync: 'forward' is source to target, 'backward' target to source; null for one-way types. */
  direction: z.enum(['forward', 'backward']).nullable(),
  kind: z.enum(['folder', 'document']),
  outcome: z.enum(['done', 'failed', 'skipped', 'planned']),
  sourcePath: z.string().nullable(),
  targetPath: z.string().nullable(),
  /** The source name, when the target could not hold it and it was made safe. */
  renamedFrom: z.string().nullable(),
  bytes: z.number(),
  errorCode: z.string().nullable(),
  error: z.string().nullable(),
  /** The technical cause behind `error`'s plain words, when there is one (shown behind "Details"). */
  detail: z.string().nullable(),
  /** A two-way conflict: both sides' versions, which edit was kept, and where the other one went. */
  conflict: z
    .object({
      policy: z.enum(conflictPolicies),
      kept: z.enum(['source', 'target']),
      sourceId: z.string(),
      targetId: z.string(),
      sourceVersion: z.string().nullable(),
      targetVersion: z.string().nullable(),
      sourceModifiedAt: z.string().nullable(),
      targetModifiedAt: z.string().nullable(),
      /** The conflict copy written beside the kept document, when the policy keeps both. */
      copy: z.object({ side: z.enum(['source', 'target']), id: z.string(), name: z.string() }).nullable(),
    })
    .nullable(),
  /**
   * Where to open the item in each system (the workflow's source and target sides; a conflict's copy),
   * null where Lexbridge cannot build an address or the item has none there yet. A link may be a path
   * on this server (SharePoint's `/api/connectors/{id}/open?id=…`, which redirects to the item).
   */
  links: z
    .object({ source: z.string().nullable(), target: z.string().nullable(), copy: z.string().nullable() })
    .optional(),
  at: z.string(),
});
export type RunItem = z.infer<typeof runItemSchema>;

export const workflowSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  type: workflowTypeSchema,
  ownerId: z.uuid(),
  ownerName: z.string().nullable(),
  source: workflowLocationSchema,
  target: workflowLocationSchema,
  options: workflowOptionsSchema,
  triggers: workflowTriggersSchema,
  intervalMinutes: z.number(),
  status: workflowStatusSchema,
  /** Why a paused workflow is paused: 'reauthorise' (a connection expired), 'user', or 'error'. */
  pauseReason: z.string().nullable(),
  nextRunAt: z.string().nullable(),
  lastRun: workflowRunSchema.nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Workflow = z.infer<typeof workflowSchema>;

export const createWorkflowBodySchema = z.object({
  name: nameSchema(),
  type: workflowTypeSchema,
  source: workflowLocationInputSchema,
  target: workflowLocationInputSchema,
  options: workflowOptionsSchema.partial().optional(),
  triggers: workflowTriggersSchema.partial().optional(),
  /** Minutes between polls for changes (sync only). */
  intervalMinutes: z.number().int().min(1).max(10_080).default(5),
  /** Start the first run at once (default). false: create only, e.g. to look at a dry run first. */
  startNow: z.boolean().default(true),
});
export type CreateWorkflowBody = z.input<typeof createWorkflowBodySchema>;

export const updateWorkflowBodySchema = z.object({
  name: nameSchema().optional(),
  options: workflowOptionsSchema.partial().optional(),
  triggers: workflowTriggersSchema.partial().optional(),
  intervalMinutes: z.number().int().min(1).max(10_080).optional(),
  /** 'paused' stops scheduled runs; 'active' resumes them (after re-authorising where needed). */
  status: z.enum(['active', 'paused']).optional(),
});
export type UpdateWorkflowBody = z.input<typeof updateWorkflowBodySchema>;

export const preflightBodySchema = z.object({
  source: workflowLocationInputSchema,
  target: workflowLocationInputSchema,
  /** When editing, the workflow itself is not a conflict. */
  excludeWorkflowId: z.uuid().optional(),
});

export const preflightCheckSchema = z.object({
  check: z.enum(['workflow_conflict', 'permission', 'connection', 'publish_destination']),
  ok: z.boolean(),
  /** Plain words: what is wrong and what to do. */
  message: z.string(),
  /** The workflow types this check blocks when it fails. */
  blocks: z.array(workflowTypeSchema),
  /** For conflicts: the workflows in the way. */
  conflicts: z.array(z.object({ id: z.uuid(), name: z.string(), type: workflowTypeSchema })).optional(),
});

export const preflightResultSchema = z.object({
  checks: z.array(preflightCheckSchema),
  allowedTypes: z.array(workflowTypeSchema),
  blockedTypes: z.array(z.object({ type: workflowTypeSchema, reasons: z.array(z.string()) })),
});
export type PreflightResult = z.infer<typeof preflightResultSchema>;

/** A run in the list across workflows (GET /api/workflow-runs): the run plus which workflow it belongs to. */
export const workflowRunListEntrySchema = workflowRunSchema.extend({
  workflowName: z.string(),
  workflowType: workflowTypeSchema,
  ownerId: z.uuid(),
  ownerName: z.string().nullable(),
});
export type WorkflowRunListEntry = z.infer<typeof workflowRunListEntrySchema>;

export const workflowRunListQuerySchema = z.object({
  /** Only runs in these states, comma-separated: `status=running,queued`. */
  status: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value) return undefined;
      const list = [
        ...new Set(
          value
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        ),
      ];
      const bad = list.filter((s) => !(runStatuses as readonly string[]).includes(s));
      if (bad.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `Unknown run status ${bad.join(', ')}; use ${runStatuses.join(', ')}.`,
        });
        return z.NEVER;
      }
      return list as RunStatus[];
    }),
  /** The next page: `nextCursor` of the previous answer. */
  cursor: z.string().max(200).optional(),
  /** Only runs created before this instant (ISO 8601). */
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const workflowRunListSchema = z.object({
  runs: z.array(workflowRunListEntrySchema),
  /** Pass as `cursor` for the next (older) page; null when there is none. */
  nextCursor: z.string().nullable(),
});
export type WorkflowRunList = z.infer<typeof workflowRunListSchema>;

/** One server-sent event of GET /api/workflow-runs/{id}/events: the run as it is now. */
export const runProgressEventSchema = workflowRunSchema;

export const workflowIdParamsSchema = z.object({ workflowId: z.uuid() });
export const runIdParamsSchema = z.object({ runId: z.uuid() });

export const runRequestQuerySchema = z.object({
  dryRun: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
});

export const runItemsQuerySchema = z.object({
  /** Only failed (or skipped) items. */
  outcome: z.enum(['done', 'failed', 'skipped', 'planned']).optional(),
  /** Only items of this action, e.g. `conflict` or `manifest`. */
  action: z.enum(runItemActions).optional(),
  /** Items after this id (paging). */
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

export const runItemsPageSchema = z.object({
  items: z.array(runItemSchema),
  nextAfter: z.number().nullable(),
});

/** A folder in the location browser of the creation wizard. */
export const locationEntrySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['folder', 'document']),
});
export const locationListingSchema = z.object({
  connectorId: z.uuid(),
  id: z.string(),
  name: z.string(),
  /** Outermost first, for a breadcrumb. */
  ancestors: z.array(z.object({ id: z.string(), name: z.string() })),
  children: z.array(locationEntrySchema),
  /**
   * False for a folder that can hold no documents (SharePoint's top, site lists, sites, Teams): nothing
   * is created in it, and the folder picker offers no New folder there.
   */
  holdsDocuments: z.boolean(),
  /**
   * Present where the connector type can search for sites by name from this folder: the search box's
   * label, and the id of the folder that lists the matches, with `{text}` standing for the name typed.
   */
  siteSearch: z.object({ label: z.string(), folderId: z.string().includes('{text}') }).optional(),
});
export type LocationListing = z.infer<typeof locationListingSchema>;
export const locationQuerySchema = z.object({ connectorId: z.uuid(), id: z.string().max(2000).default('') });

/**
 * Why a name cannot be a new folder's, or undefined when it can. The rules are the strictest of the
 * systems Lexbridge connects (Windows and SharePoint forbid these characters; iManage and SharePoint
 * trim spaces and dots), so a folder made here has the same name everywhere. The server checks it
 * (folder_name_invalid); the folder picker checks it as the person types.
 */
export function folderNameProblem(name: string): string | undefined {
  if (name.trim() === '') return 'Enter a name for the folder.';
  if (name.length > 200) return 'Use at most 200 characters.';
  if (hasControlCharacter(name)) return 'Remove the control characters (such as tabs or line breaks).';
  const bad = name.match(/["*:<>?/\\|]/);
  if (bad) return `“${bad[0]}” cannot be in a folder name (nor any of " * : < > ? / \\ |).`;
  if (/^\.+$/.test(name)) return 'Use a name that is not only dots.';
  if (name !== name.trim() || /^\.|\.$/.test(name)) return 'Remove the spaces or dots at the start or end.';
  return undefined;
}

/** POST /api/workflows/locations: a new folder in the folder picker. */
export const createFolderBodySchema = z.object({
  connectorId: z.uuid(),
  parentId: z.string().max(2000),
  /** Checked with `folderNameProblem` (folder_name_invalid), not here, so the error names the rule. */
  name: z.string().max(1000),
  /** For choosing a publish destination: Connector Admins only, and the connector's May write does not apply. */
  forPublishDestination: z.boolean().default(false),
});
export type CreateFolderBody = z.input<typeof createFolderBodySchema>;
