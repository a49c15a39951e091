import { runStatuses, workflowTypes } from '@lexbridge/contracts';
import { sql } from 'drizzle-orm';

const connectionStatuses = ['unauthorised', 'authorised', 'expired', 'error'] as const;
const workflowStatuses = ['active', 'paused', 'completed'] as const;

import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * The database schema as drizzle sees it. The SQL that creates it lives in ./migrations (applied in
 * file-name order); a test checks that every table and column here exists after migrating.
 * Columns holding secrets contain envelope ciphertext (see crypto/secret-box.ts), never plaintext,
 * and are listed in crypto/secret-columns.ts so that key rotation finds them.
 */
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    email: text('email'),
    name: text('name'),
    roles: jsonb('roles').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    lastSignInAt: ts('last_sign_in_at'),
  },
  (t) => [uniqueIndex('users_issuer_subject').on(t.issuer, t.subject)],
);

export const sessions = pgTable(
  'sessions',
  {
    /** sha256 of the cookie value: a leaked table does not yield usable cookies. */
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    /** Encrypted id_token, kept for RP-initiated logout. */
    idToken: text('id_token'),
    createdAt: ts('created_at').notNull().defaultNow(),
    lastSeenAt: ts('last_seen_at').notNull().defaultNow(),
    idleExpiresAt: ts('idle_expires_at').notNull(),
    absoluteExpiresAt: ts('absolute_expires_at').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user').on(t.userId)],
);

export const connectors = pgTable('connectors', {
  id: uuid('id').primaryKey(),
  type: text('type').notNull(),
  name: text('name').notNull(),
  config: jsonb('config').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
  /** Encrypted JSON object of the type's secret fields. */
  secretConfig: text('secret_config'),
  status: text('status').notNull().default('active'),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const connections = pgTable(
  'connections',
  {
    id: uuid('id').primaryKey(),
    connectorId: uuid('connector_id')
      .notNull()
      .references(() => connectors.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    status: text('status', { enum: [...connectionStatuses] })
      .notNull()
      .default('unauthorised'),
    accessToken: text('access_token'),
    refreshToken: text('refresh_token'),
    accessTokenExpiresAt: ts('access_token_expires_at'),
    refreshTokenExpiresAt: ts('refresh_token_expires_at'),
    scope: text('scope'),
    externalAccount: jsonb('external_account').$type<Record<string, unknown>>(),
    lastRefreshedAt: ts('last_refreshed_at'),
    lastUsedAt: ts('last_used_at'),
    lastErrorCode: text('last_error_code'),
    lastError: text('last_error'),
    /** Bumped on every token write; writers compare-and-swap on it. */
    tokenVersion: integer('token_version').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('connections_connector_user').on(t.connectorId, t.userId)],
);

export const oauthAttempts = pgTable('oauth_attempts', {
  id: uuid('id').primaryKey(),
  /** sha256 of the state parameter. */
  stateHash: text('state_hash').notNull().unique(),
  sessionIdHash: text('session_id_hash').notNull(),
  userId: uuid('user_id')
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  connectorId: uuid('connector_id')
    .notNull()
    .references(() => connectors.id, { onDelete: 'cascade' }),
  /** Encrypted PKCE verifier. */
  codeVerifier: text('code_verifier').notNull(),
  redirectUri: text('redirect_uri').notNull(),
  returnTo: text('return_to'),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const workflows = pgTable(
  'workflows',
  {
    id: uuid('id').primaryKey(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    name: text('name').notNull(),
    type: text('type', { enum: [...workflowTypes, 'publish'] }).notNull(),
    sourceConnectorId: uuid('source_connector_id').references(() => connectors.id, { onDelete: 'set null' }),
    sourceLocation: jsonb('source_location').$type<Record<string, unknown>>().notNull(),
    targetConnectorId: uuid('target_connector_id').references(() => connectors.id, { onDelete: 'set null' }),
    targetLocation: jsonb('target_location').$type<Record<string, unknown>>().notNull(),
    options: jsonb('options').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    triggers: jsonb('triggers').$type<Record<string, boolean>>().notNull().default(sql`'{}'::jsonb`),
    intervalMinutes: integer('interval_minutes').notNull().default(5),
    status: text('status', { enum: [...workflowStatuses] })
      .notNull()
      .default('active'),
    pauseReason: text('pause_reason'),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
    // 0002_workflows
    nextRunAt: ts('next_run_at'),
    changeWatermark: ts('change_watermark'),
    // 0011_two_way_watermarks: a two-way sync's change watermark on its target side
    targetChangeWatermark: ts('target_change_watermark'),
    lastReconciledAt: ts('last_reconciled_at'),
    baselineTakenAt: ts('baseline_taken_at'),
    deletedAt: ts('deleted_at'),
  },
  (t) => [
    index('workflows_source_connector').on(t.sourceConnectorId),
    index('workflows_target_connector').on(t.targetConnectorId),
    // 0005_workflows_activity
    index('workflows_owner').on(t.ownerId),
  ],
);

/** One execution of a workflow (0002_workflows). At most one is queued or running per workflow. */
export const workflowRuns = pgTable(
  'workflow_runs',
  {
    id: uuid('id').primaryKey(),
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    status: text('status', { enum: runStatuses }).notNull().default('queued'),
    trigger: text('trigger').notNull().default('manual'),
    dryRun: boolean('dry_run').notNull().default(false),
    fullReconcile: boolean('full_reconcile').notNull().default(true),
    requestedBy: uuid('requested_by').references(() => users.id, { onDelete: 'set null' }),
    cancelRequested: boolean('cancel_requested').notNull().default(false),
    leaseOwner: text('lease_owner'),
    heartbeatAt: ts('heartbeat_at'),
    attempts: integer('attempts').notNull().default(0),
    planned: integer('planned').notNull().default(0),
    done: integer('done').notNull().default(0),
    created: integer('created').notNull().default(0),
    updated: integer('updated').notNull().default(0),
    deleted: integer('deleted').notNull().default(0),
    skipped: integer('skipped').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
    bytesPlanned: bigint('bytes_planned', { mode: 'number' }).notNull().default(0),
    errorCode: text('error_code'),
    error: text('error'),
    /** While a system does not answer (0010_run_waiting): workflows/outage.ts's WaitingState. */
    waiting: jsonb('waiting').$type<Record<string, string>>(),
    createdAt: ts('created_at').notNull().defaultNow(),
    startedAt: ts('started_at'),
    finishedAt: ts('finished_at'),
  },
  (t) => [
    index('workflow_runs_workflow').on(t.workflowId, t.createdAt),
    // 0005_workflows_activity: runs across workflows, newest first
    index('workflow_runs_created').on(t.createdAt.desc(), t.id.desc()),
  ],
);

/** What a run did to each item, with its error in plain words (0002_workflows). */
export const runItems = pgTable(
  'run_items',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    runId: uuid('run_id')
      .notNull()
      .references(() => workflowRuns.id, { onDelete: 'cascade' }),
    action: text('action').notNull(),
    kind: text('kind').notNull(),
    outcome: text('outcome').notNull(),
    sourceId: text('source_id'),
    sourcePath: text('source_path'),
    targetId: text('target_id'),
    targetPath: text('target_path'),
    renamedFrom: text('renamed_from'),
    bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
    sha256: text('sha256'),
    errorCode: text('error_code'),
    error: text('error'),
    /** The technical detail behind `error`'s plain words (0010_run_waiting). */
    detail: text('detail'),
    /** Two-way sync: 'forward' (source to target) or 'backward'. */
    direction: text('direction', { enum: ['forward', 'backward'] }),
    /** Two-way sync: a conflict's two versions and how it was resolved (RunItem['conflict']). */
    conflict: jsonb('conflict').$type<Record<string, unknown>>(),
    at: ts('at').notNull().defaultNow(),
  },
  (t) => [index('run_items_run').on(t.runId, t.id)],
);

/** The sync state: which target item each source item became, and the source state last copied (0002_workflows). */
export const itemLinks = pgTable(
  'item_links',
  {
    workflowId: uuid('workflow_id')
      .notNull()
      .references(() => workflows.id, { onDelete: 'cascade' }),
    sourceId: text('source_id').notNull(),
    kind: text('kind').notNull(),
    /** 'linked', or 'ignored' for items that existed before a workflow that does not sync existing items. */
    state: text('state').notNull().default('linked'),
    sourceParentId: text('source_parent_id'),
    sourceName: text('source_name').notNull(),
    sourceVersion: text('source_version'),
    sourceSize: bigint('source_size', { mode: 'number' }),
    sourceModifiedAt: ts('source_modified_at'),
    /** Stable identity where source ids are paths (device:inode), to recognise renames and moves. */
    sourceIdentity: text('source_identity'),
    targetId: text('target_id'),
    targetParentId: text('target_parent_id'),
    targetName: text('target_name'),
    /** The target side as last written or seen (two-way sync compares it as it compares the source's). */
    targetVersion: text('target_version'),
    targetModifiedAt: ts('target_modified_at'),
    targetIdentity: text('target_identity'),
    size: bigint('size', { mode: 'number' }),
    sha256: text('sha256'),
    lastRunId: uuid('last_run_id'),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.workflowId, t.sourceId] }),
    index('item_links_target').on(t.workflowId, t.targetId),
  ],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull().defaultNow(),
    actorUserId: uuid('actor_user_id'),
    actorLabel: text('actor_label'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    outcome: text('outcome').notNull().default('success'),
    ip: text('ip'),
    details: jsonb('details').$type<Record<string, unknown>>(),
  },
  (t) => [index('audit_events_at').on(t.at), index('audit_events_action').on(t.action)],
);

/** Values that must survive restarts but belong to no domain table (for example the schema owner). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  secret: boolean('secret').notNull().default(false),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** A pending OpenID Connect sign-in (0003_identity_sign_in): consumed by the callback, single use. */
export const signInAttempts = pgTable(
  'sign_in_attempts',
  {
    /** sha256 of the state parameter; the browser holds the state itself in a short-lived cookie. */
    stateHash: text('state_hash').primaryKey(),
    /** Encrypted PKCE verifier. */
    codeVerifier: text('code_verifier').notNull(),
    nonce: text('nonce').notNull(),
    returnTo: text('return_to').notNull(),
    expiresAt: ts('expires_at').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('sign_in_attempts_expires').on(t.expiresAt)],
);

/** A place Connector Admins let people publish to: a connector and a location in it (0004_publishing). */
export const publishDestinations = pgTable('publish_destinations', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  connectorId: uuid('connector_id')
    .notNull()
    .references(() => connectors.id, { onDelete: 'cascade' }),
  /** {id, name, path} of the location, as shown when it was chosen. */
  location: jsonb('location').$type<Record<string, unknown>>().notNull(),
  createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  deletedAt: ts('deleted_at'),
});

/** The backing workflow (type 'publish') holding the item links of one destination and source connector (0004_publishing). */
export const publishChannels = pgTable(
  'publish_channels',
  {
    destinationId: uuid('destination_id')
      .notNull()
      .references(() => publishDestinations.id, { onDelete: 'cascade' }),
    sourceConnectorId: uuid('source_connector_id')
      .notNull()
      .references(() => connectors.id, { onDelete: 'cascade' }),
    workflowId: uuid('workflow_id')
      .notNull()
      .unique()
      .references(() => workflows.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.destinationId, t.sourceConnectorId] })],
);

/** Who published which selection where; the run itself is a workflow_runs row (0004_publishing). */
export const publishRuns = pgTable(
  'publish_runs',
  {
    runId: uuid('run_id')
      .primaryKey()
      .references(() => workflowRuns.id, { onDelete: 'cascade' }),
    destinationId: uuid('destination_id')
      .notNull()
      .references(() => publishDestinations.id, { onDelete: 'cascade' }),
    sourceConnectorId: uuid('source_connector_id')
      .notNull()
      .references(() => connectors.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    itemIds: jsonb('item_ids').$type<string[]>().notNull(),
    customerId: text('customer_id'),
    library: text('library'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [index('publish_runs_user').on(t.userId, t.createdAt)],
);

/** The firm's notification settings, one row with id 'firm' (0007_notifications). */
export const notificationSettings = pgTable('notification_settings', {
  id: text('id').primaryKey(),
  /** Event type → emailed by default; a person's own choice overrides it. */
  emailDefaults: jsonb('email_defaults').$type<Record<string, boolean>>().notNull().default(sql`'{}'::jsonb`),
  digestMinutes: integer('digest_minutes').notNull().default(15),
  webhookEvents: jsonb('webhook_events').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  /** Encrypted JSON {url, secret} of the firm's incoming webhook. */
  webhook: text('webhook'),
  /** The webhook's scheme and host, shown to Admins (the full URL often holds a token). */
  webhookOrigin: text('webhook_origin'),
  updatedBy: uuid('updated_by').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** A person's notification choices and when they were last emailed (0007_notifications). */
export const notificationPreferences = pgTable('notification_preferences', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  /** Event type → emailed; a missing type follows the firm's default. */
  email: jsonb('email').$type<Record<string, boolean>>().notNull().default(sql`'{}'::jsonb`),
  lastEmailAt: ts('last_email_at'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

/** The outbox: one notice for one person, waiting to go out in a digest (0007_notifications). */
export const notifications = pgTable(
  'notifications',
  {
    id: uuid('id').primaryKey(),
    type: text('type').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** Two notices with one key are one while the first still waits (e.g. the same run, the same pause). */
    dedupeKey: text('dedupe_key').notNull(),
    /** What the message says: names, counts and plain reasons as they were when it happened; no secrets. */
    facts: jsonb('facts').$type<Record<string, unknown>>().notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** pending → queued → sent, or skipped (not wanted, no address, no mail server). */
    emailState: text('email_state').notNull().default('pending'),
    webhookState: text('webhook_state').notNull().default('pending'),
  },
  (t) => [
    uniqueIndex('notifications_pending_once').on(t.userId, t.dedupeKey).where(sql`email_state = 'pending'`),
    index('notifications_email_pending').on(t.userId, t.createdAt).where(sql`email_state = 'pending'`),
    index('notifications_webhook_pending').on(t.createdAt).where(sql`webhook_state = 'pending'`),
  ],
);
