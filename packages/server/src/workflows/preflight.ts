import {
  type PreflightResult,
  type WorkflowLocationInput,
  type WorkflowType,
  workflowTypes,
} from '@lexbridge/contracts';
import { and, eq, inArray, isNull, ne, or } from 'drizzle-orm';
import { ContentError, type ContentStore } from '../connectors/content.ts';
import type { Lexbridge } from '../context.ts';
import { users, workflows } from '../store/schema.ts';
import { connectionUsable, openContentStore } from './content-stores.ts';
import { publishDestinationCheck } from './destination-check.ts';
import { type StoredLocation, storedLocation } from './model.ts';

type Check = PreflightResult['checks'][number];

export interface PreflightOutcome extends PreflightResult {
  /** The resolved locations, when both could be opened. */
  resolved?: { source: StoredLocation; target: StoredLocation };
}

async function resolveLocation(
  store: ContentStore,
  id: string,
  connectorName: string,
): Promise<StoredLocation> {
  const item = await store.getItem(id);
  if (item.kind !== 'folder')
    throw new ContentError('content_invalid', `"${item.name}" is a document; choose a folder or workspace.`);
  const ancestors = await store.ancestors(id);
  const names = [...ancestors, item].map((a) => a.name || connectorName).filter(Boolean);
  return {
    id: item.id,
    name: item.name || connectorName,
    path: names.join(' / '),
    ancestors: ancestors.map((a) => a.id),
  };
}

/** True when two locations on the same connector are the same, or one lies inside the other. */
export function locationsOverlap(a: StoredLocation, b: StoredLocation): boolean {
  return a.id === b.id || a.ancestors.includes(b.id) || b.ancestors.includes(a.id);
}

/**
 * The checks run before a workflow is created (and on POST /api/workflows/preflight):
 * - connection: the owner has authorised both connectors (blocks every type);
 * - permission: read on the source, write on the target, and for Move, Two-way sync and Archive write (which
 *   is delete) on the source, from the
 *   owner's effective rights in each system;
 * - publish destination: only Connector Admins may use a publish destination's folder tree (blocks
 *   every type; destination-check.ts);
 * - workflow conflict: the source or target root equals, lies inside or contains the root of another
 *   active sync (either way) or move on the same connector (blocks those types; Copy is exempt), and the
 *   target may never lie inside the source of the same workflow (blocks every type).
 */
export async function runPreflight(
  lexbridge: Lexbridge,
  ownerId: string,
  input: { source: WorkflowLocationInput; target: WorkflowLocationInput; excludeWorkflowId?: string },
): Promise<PreflightOutcome> {
  const checks: Check[] = [];
  const all = [...workflowTypes];
  const syncing: WorkflowType[] = ['one_way_sync', 'move', 'two_way_sync', 'archive'];

  const usable = await Promise.all(
    [input.source, input.target].map((loc) =>
      connectionUsable(lexbridge, { connectorId: loc.connectorId, userId: ownerId }),
    ),
  );
  const unusable = usable.filter((u) => !u.usable);
  checks.push({
    check: 'connection',
    ok: unusable.length === 0,
    message:
      unusable.length === 0 ? 'Both connections are authorised.' : unusable.map((u) => u.reason).join(' '),
    blocks: unusable.length === 0 ? [] : all,
  });
  if (unusable.length) return summarise(checks);

  let resolved: PreflightOutcome['resolved'];
  const problems: string[] = [];
  let moveProblem: string | undefined;
  try {
    const [source, target] = await Promise.all(
      [input.source, input.target].map((loc) =>
        openContentStore(lexbridge, { connectorId: loc.connectorId, userId: ownerId }),
      ),
    );
    const [sourceRights, targetRights] = await Promise.all([
      source!.rights(input.source.id),
      target!.rights(input.target.id),
    ]);
    const [sourceLocation, targetLocation] = await Promise.all([
      resolveLocation(source!, input.source.id, usable[0]!.connectorName ?? ''),
      resolveLocation(target!, input.target.id, usable[1]!.connectorName ?? ''),
    ]);
    resolved = { source: sourceLocation, target: targetLocation };
    if (!sourceRights.read) problems.push(`You may not read "${sourceLocation.path}".`);
    if (!targetRights.write) problems.push(`You may not add items to "${targetLocation.path}".`);
    if (!sourceRights.write)
      moveProblem = `Move and Archive delete the source after copying, and Two-way sync writes to both sides; you may not change or delete in "${sourceLocation.path}".`;
    await Promise.all([source!.close?.(), target!.close?.()]);
  } catch (err) {
    problems.push(err instanceof ContentError || err instanceof Error ? err.message : String(err));
  }
  checks.push({
    check: 'permission',
    ok: problems.length === 0 && !moveProblem,
    message:
      problems.length || moveProblem
        ? [...problems, moveProblem].filter(Boolean).join(' ') +
          ' Ask a colleague who has these rights to create the workflow, or ask for the rights.'
        : 'You may read the source and write to the target.',
    blocks: problems.length ? all : moveProblem ? ['move', 'two_way_sync', 'archive'] : [],
  });
  if (!resolved) return summarise(checks);
  checks.push(await publishDestinationCheck(lexbridge, ownerId, input, resolved));

  const others = await lexbridge.store.db
    .select({
      id: workflows.id,
      ownerId: workflows.ownerId,
      name: workflows.name,
      type: workflows.type,
      s: workflows.sourceConnectorId,
      t: workflows.targetConnectorId,
      sl: workflows.sourceLocation,
      tl: workflows.targetLocation,
    })
    .from(workflows)
    .where(
      and(
        isNull(workflows.deletedAt),
        inArray(workflows.type, syncing),
        inArray(workflows.status, ['active', 'paused']),
        input.excludeWorkflowId ? ne(workflows.id, input.excludeWorkflowId) : undefined,
        or(
          inArray(workflows.sourceConnectorId, [input.source.connectorId, input.target.connectorId]),
          inArray(workflows.targetConnectorId, [input.source.connectorId, input.target.connectorId]),
        ),
      ),
    );
  const mine = [
    { connectorId: input.source.connectorId, location: resolved.source },
    { connectorId: input.target.connectorId, location: resolved.target },
  ];
  const conflicts = others.filter((other) =>
    mine.some((end) =>
      [
        { connectorId: other.s, location: storedLocation(other.sl) },
        { connectorId: other.t, location: storedLocation(other.tl) },
      ].some(
        (theirs) => theirs.connectorId === end.connectorId && locationsOverlap(end.location, theirs.location),
      ),
    ),
  );
  const selfOverlap =
    input.source.connectorId === input.target.connectorId &&
    locationsOverlap(resolved.source, resolved.target);
  // A plain User learns that someone else's workflow is in the way, not what it is called.
  const seesAll = await seesEveryWorkflow(lexbridge, ownerId);
  const visible = seesAll ? conflicts : conflicts.filter((c) => c.ownerId === ownerId);
  const hidden = conflicts.length - visible.length;
  const names = [
    ...visible.map((c) => `"${c.name}"`),
    ...(hidden ? [`${hidden} of other people's (an Admin or a Connector Admin can see which)`] : []),
  ].join(', ');
  checks.push({
    check: 'workflow_conflict',
    ok: conflicts.length === 0 && !selfOverlap,
    message: selfOverlap
      ? 'The source and target overlap (one lies inside the other). Choose separate folders.'
      : conflicts.length
        ? `The source or target overlaps the folders of active workflow(s) ${names}. Only one sync, move or archive may use a folder tree at a time: delete or change that workflow first. Copy is still possible.`
        : 'No other active sync or move uses these folders.',
    blocks: selfOverlap ? all : conflicts.length ? syncing : [],
    ...(conflicts.length
      ? { conflicts: visible.map((c) => ({ id: c.id, name: c.name, type: c.type as WorkflowType })) }
      : {}),
  });
  return { ...summarise(checks), resolved };
}

/** Admins and Connector Admins see everyone's workflows (as of their last sign-in); others see their own. */
async function seesEveryWorkflow(lexbridge: Lexbridge, userId: string): Promise<boolean> {
  const [person] = await lexbridge.store.db
    .select({ roles: users.roles })
    .from(users)
    .where(eq(users.id, userId));
  return person?.roles.some((role) => role === 'Admin' || role === 'ConnectorAdmin') ?? false;
}

function summarise(checks: Check[]): PreflightOutcome {
  const blockedTypes = workflowTypes
    .map((type) => ({ type, reasons: checks.filter((c) => c.blocks.includes(type)).map((c) => c.message) }))
    .filter((b) => b.reasons.length > 0);
  return {
    checks,
    allowedTypes: workflowTypes.filter((t) => !blockedTypes.some((b) => b.type === t)),
    blockedTypes,
  };
}
