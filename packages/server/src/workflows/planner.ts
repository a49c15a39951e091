import type { WorkflowTriggers } from '@lexbridge/contracts';
import type { ContentItem, ContentVersion } from '../connectors/content.ts';
import { findOrphans } from './plan/orphans.ts';
import {
  type Action,
  type LinkRow,
  type Placed,
  type Plan,
  type PlanInput,
  ROOT_PARENT,
} from './plan/types.ts';
import { assignSafeNames } from './safe-names.ts';

export { type Action, type LinkRow, type Plan, type PlanInput, ROOT_PARENT };

const sameTime = (a: Date | null | undefined, b: Date | undefined) =>
  (a?.getTime() ?? null) === (b?.getTime() ?? null);

/** True when the source document differs from what was last copied. */
function contentChanged(item: ContentItem, link: LinkRow, version: string | undefined): boolean {
  if (version !== undefined || link.sourceVersion !== null)
    return link.sourceVersion !== (version ?? null) || link.sourceSize !== (item.size ?? null);
  return link.sourceSize !== (item.size ?? null) || !sameTime(link.sourceModifiedAt, item.modifiedAt);
}

/**
 * Lists the source and compares it with the item links, yielding what the executor must do.
 * Folders come before their contents (breadth first); deletes come last, documents before folders,
 * deepest first. Triggers that are off turn their actions into skips; Copy ignores triggers and never
 * renames, moves or deletes.
 */
export async function planSync(input: PlanInput): Promise<Plan> {
  const { options, triggers, links, source } = input;
  const sync = input.type === 'one_way_sync';
  /** Move and Archive copy, then remove the source: each source item gets a deferred delete_source. */
  const move = input.type === 'move' || input.type === 'archive';
  const ignoreExisting = sync && !options.syncExistingFilesAndFolders && !input.baselineTaken;
  const actions: Action[] = [];
  const deferred: Action[] = [];
  const seen = new Set<string>();
  /** Folders on the target (or about to be): source id → target name, for folders whose children need it. */
  const materialised = new Set<string>([options.includeSelectContainer ? ROOT_PARENT : input.sourceRootId]);
  const folders = new Map<string, Placed & { link?: LinkRow }>();
  let examined = 0;

  const on = (trigger: keyof WorkflowTriggers) => !sync || triggers[trigger];

  const ensureFolder = (sourceId: string): void => {
    if (materialised.has(sourceId)) return;
    const folder = folders.get(sourceId);
    if (!folder) return;
    ensureFolder(folder.parentSourceId);
    materialised.add(sourceId);
    actions.push({ type: 'create_folder', ...folder });
  };

  const chooseVersions = async (
    item: ContentItem,
  ): Promise<{ version?: string; versions: ContentVersion[] | null } | null> => {
    if (
      !source.capabilities.versions ||
      !source.listVersions ||
      (options.latestVersionOnly && !options.syncMajorVersionsOnly)
    ) {
      return { version: item.version, versions: null };
    }
    let versions = await source.listVersions(item, input.signal);
    if (options.syncMajorVersionsOnly) versions = versions.filter((v) => v.major);
    if (versions.length === 0) return null;
    const latest = versions.at(-1)!;
    return {
      version: latest.version,
      versions: options.latestVersionOnly || !input.targetVersions ? [latest] : versions,
    };
  };

  const visit = async (
    item: ContentItem,
    parentSourceId: string,
    name: string,
    sourcePath: string,
  ): Promise<void> => {
    examined++;
    seen.add(item.id);
    const link = links.get(item.id);
    const placed = { item, parentSourceId, name, sourcePath };
    const folder = item.kind === 'folder';
    if (folder) folders.set(item.id, { ...placed, link });

    if (!link || link.state === 'ignored') {
      if (folder) {
        if (ignoreExisting || link)
          return void (link ? undefined : actions.push({ type: 'ignore', ...placed }));
        if (!on('folderCreated'))
          return void actions.push({
            type: 'skip',
            kind: 'folder',
            sourceId: item.id,
            sourcePath,
            reason: 'The Folder Created trigger is off.',
          });
        ensureFolder(item.id);
        if (move) deferred.push({ type: 'delete_source', ...placed, link: { sourceId: item.id } as LinkRow });
        return;
      }
      if (ignoreExisting) return void actions.push({ type: 'ignore', ...placed });
      const choice = await chooseVersions(item);
      if (link && choice && !contentChanged(item, link, choice.version)) return; // still unchanged since the baseline
      if (!choice)
        return void actions.push({
          type: 'skip',
          kind: 'document',
          sourceId: item.id,
          sourcePath,
          reason: 'The document has no major version yet.',
        });
      if (!on('fileCreated'))
        return void actions.push({
          type: 'skip',
          kind: 'document',
          sourceId: item.id,
          sourcePath,
          reason: 'The File Created trigger is off.',
        });
      ensureFolder(parentSourceId);
      actions.push({ type: 'create', ...placed, versions: choice.versions });
      if (move)
        deferred.push({ type: 'delete_source', ...placed, link: link ?? ({ sourceId: item.id } as LinkRow) });
      return;
    }

    materialised.add(item.id);
    if (input.type !== 'copy') {
      const moved = (link.sourceParentId ?? '') !== parentSourceId;
      const renamed = link.sourceName !== item.name;
      if (moved || renamed) {
        const trigger = moved
          ? folder
            ? 'folderMoved'
            : 'fileMoved'
          : folder
            ? 'folderRenamed'
            : 'fileRenamed';
        if (on(trigger)) {
          ensureFolder(parentSourceId);
          actions.push({ type: moved ? 'move' : 'rename', ...placed, link });
        } else {
          actions.push({
            type: 'skip',
            kind: item.kind,
            sourceId: item.id,
            sourcePath,
            reason: `The ${triggerLabel(trigger)} trigger is off.`,
          });
        }
      }
    }
    if (!folder) {
      const choice = await chooseVersions(item);
      if (choice && contentChanged(item, link, choice.version)) {
        // Versions already copied are not copied again: only those after the linked one are added.
        const newer =
          choice.versions?.filter(
            (v) => link.sourceVersion === null || Number(v.version) > Number(link.sourceVersion),
          ) ?? null;
        const versions = newer && newer.length > 0 ? newer : choice.versions;
        if (on('fileUpdated')) actions.push({ type: 'update', ...placed, link, versions });
        else
          actions.push({
            type: 'skip',
            kind: 'document',
            sourceId: item.id,
            sourcePath,
            reason: 'The File Updated trigger is off.',
          });
      }
    }
    if (move) deferred.push({ type: 'delete_source', ...placed, link });
  };

  const walk = async (folderId: string, parentSourceId: string, prefix: string): Promise<void> => {
    const children: ContentItem[] = [];
    for await (const child of source.listChildren(folderId, input.signal)) children.push(child);
    const keep = new Set<string>();
    const fresh: ContentItem[] = [];
    for (const child of children) {
      const link = links.get(child.id);
      if (
        link?.targetName &&
        link.sourceName === child.name &&
        (link.sourceParentId ?? '') === parentSourceId
      )
        keep.add(link.targetName);
      else fresh.push(child);
    }
    const safe = assignSafeNames(fresh, input.targetNames, keep);
    for (const child of children) {
      const link = links.get(child.id);
      const name = safe.get(child.id) ?? link?.targetName ?? child.name;
      const path = prefix ? `${prefix}/${child.name}` : child.name;
      await visit(child, folderId, name, path);
      if (child.kind === 'folder') await walk(child.id, child.id, path);
    }
  };

  if (input.changedSince && source.changesSince) {
    await planChanges(input, visit, folders, materialised);
  } else {
    const root = await source.getItem(input.sourceRootId, input.signal);
    if (options.includeSelectContainer) {
      seen.add(root.id);
      await visit(root, ROOT_PARENT, assignSafeNames([root], input.targetNames).get(root.id)!, root.name);
      await walk(root.id, root.id, root.name);
    } else {
      await walk(root.id, root.id, '');
    }
    if (input.type === 'one_way_sync') recogniseRelocations(actions, links, seen, on);
    for (const link of links.values()) {
      if (seen.has(link.sourceId)) continue;
      if (!sync || link.state === 'ignored' || !link.targetId) {
        actions.push({ type: 'forget', link });
        continue;
      }
      const trigger = link.kind === 'folder' ? 'folderDeleted' : 'fileDeleted';
      const sourcePath = linkPath(link, links);
      if (on(trigger)) deferred.push({ type: 'delete', link, sourcePath });
      else
        actions.push({
          type: 'skip',
          kind: link.kind as 'folder' | 'document',
          sourceId: link.sourceId,
          sourcePath,
          reason: `The ${triggerLabel(trigger)} trigger is off.`,
        });
    }
    if (sync && input.orphans)
      for (const repair of await findOrphans(input.orphans, links, input.signal))
        if (on(repair.link.kind === 'folder' ? 'folderDeleted' : 'fileDeleted')) deferred.push(repair);
  }
  return { actions: [...actions, ...orderDeletes(deferred)], examined };
}

/** Incremental planning from the source's change query: only changed documents and their new folders. */
async function planChanges(
  input: PlanInput,
  visit: (item: ContentItem, parentSourceId: string, name: string, sourcePath: string) => Promise<void>,
  folders: Map<string, Placed & { link?: LinkRow }>,
  materialised: Set<string>,
): Promise<void> {
  const { source, links } = input;
  const knownParent = async (id: string) => {
    let link = links.get(id);
    if (!link && input.loadLink) {
      link = await input.loadLink(id);
      if (link) links.set(id, link);
    }
    return link?.state === 'linked' ? link.sourceParentId : undefined;
  };
  for await (const item of source.changesSince!(input.sourceRootId, input.changedSince!, {
    knownParent,
    ...(input.signal ? { signal: input.signal } : {}),
  })) {
    if (item.kind !== 'document') continue;
    await knownParent(item.id);
    const known = links.get(item.id);
    if (
      known?.state === 'linked' &&
      known.sourceParentId !== null &&
      item.parentId === known.sourceParentId &&
      (materialised.has(known.sourceParentId) || links.get(known.sourceParentId)?.state === 'linked')
    ) {
      materialised.add(known.sourceParentId);
      const name =
        known.sourceName === item.name && known.targetName
          ? known.targetName
          : assignSafeNames([item], input.targetNames).get(item.id)!;
      await visit(item, known.sourceParentId, name, linkPath({ ...known, sourceName: item.name }, links));
      continue;
    }
    const chain = await source.ancestors(item.id, input.signal);
    const rootAt = chain.findIndex((a) => a.id === input.sourceRootId);
    if (rootAt < 0) continue; // outside the workflow: the next full reconciliation handles moves out
    let parentSourceId = input.options.includeSelectContainer ? ROOT_PARENT : input.sourceRootId;
    const names: string[] = [];
    for (const folder of chain.slice(input.options.includeSelectContainer ? rootAt : rootAt + 1)) {
      names.push(folder.name);
      if (!folders.has(folder.id)) {
        const link = links.get(folder.id);
        const name = link?.targetName ?? assignSafeNames([folder], input.targetNames).get(folder.id)!;
        if (link?.state === 'linked') {
          materialised.add(folder.id);
          folders.set(folder.id, { item: folder, parentSourceId, name, sourcePath: names.join('/'), link });
        } else {
          await visit(folder, parentSourceId, name, names.join('/'));
        }
      }
      parentSourceId = folder.id;
    }
    const link = links.get(item.id);
    const name =
      link?.targetName && link.sourceName === item.name
        ? link.targetName
        : assignSafeNames([item], input.targetNames).get(item.id)!;
    await visit(item, parentSourceId, name, [...names, item.name].join('/'));
  }
}

/**
 * Where source ids are paths, a renamed or moved item looks new, and its old link looks deleted. Items
 * whose stable identity matches an unseen link become renames or moves of that link instead (in place,
 * so folders still come before their contents); contents that simply travelled with their folder are
 * marked implicit.
 */
function recogniseRelocations(
  actions: Action[],
  links: Map<string, LinkRow>,
  seen: Set<string>,
  on: (t: keyof WorkflowTriggers) => boolean,
): void {
  const unseen = new Map<string, LinkRow>();
  for (const link of links.values()) {
    if (!seen.has(link.sourceId) && link.state === 'linked' && link.sourceIdentity)
      unseen.set(`${link.kind}:${link.sourceIdentity}`, link);
  }
  if (unseen.size === 0) return;
  const renamed = new Map<string, string>();
  for (const [index, action] of actions.entries()) {
    if ((action.type !== 'create' && action.type !== 'create_folder') || !action.item.identity) continue;
    const link = unseen.get(`${action.item.kind}:${action.item.identity}`);
    // Identities (inode numbers) are reused after deletes: a document must also keep its size and time.
    if (
      !link ||
      (action.item.kind === 'document' &&
        (link.sourceSize !== (action.item.size ?? null) ||
          !sameTime(link.sourceModifiedAt, action.item.modifiedAt)))
    )
      continue;
    const oldParent = link.sourceParentId ?? '';
    const moved = (renamed.get(oldParent) ?? oldParent) !== action.parentSourceId;
    const folder = action.item.kind === 'folder';
    const trigger = moved ? (folder ? 'folderMoved' : 'fileMoved') : folder ? 'folderRenamed' : 'fileRenamed';
    const implicit = !moved && renamed.has(oldParent) && link.sourceName === action.item.name;
    if (!implicit && (link.sourceName !== action.item.name || moved) && !on(trigger)) continue;
    unseen.delete(`${action.item.kind}:${action.item.identity}`);
    seen.add(link.sourceId);
    renamed.set(link.sourceId, action.item.id);
    const relocation: Action = {
      type: moved ? 'move' : 'rename',
      item: action.item,
      parentSourceId: action.parentSourceId,
      name: action.name,
      sourcePath: action.sourcePath,
      link,
      implicit,
    };
    actions[index] = relocation;
  }
}

/** The last known source path of a linked item, from the chain of its parents' links. */
function linkPath(link: LinkRow, links: Map<string, LinkRow>): string {
  const names = [link.sourceName];
  let parent = link.sourceParentId ? links.get(link.sourceParentId) : undefined;
  for (let hops = 0; parent && hops < 1000; hops++) {
    names.unshift(parent.sourceName);
    parent = parent.sourceParentId ? links.get(parent.sourceParentId) : undefined;
  }
  return names.join('/');
}

function depth(path: string): number {
  return path.split('/').length;
}

function orderDeletes(actions: Action[]): Action[] {
  const rank = (a: Action) => {
    const kind = 'item' in a ? a.item.kind : 'link' in a ? a.link.kind : 'document';
    return kind === 'document' ? 0 : 1;
  };
  return [...actions].sort((a, b) => rank(a) - rank(b) || depth(pathOf(b)) - depth(pathOf(a)));
}

function pathOf(a: Action): string {
  return 'sourcePath' in a ? a.sourcePath : '';
}

function triggerLabel(trigger: keyof WorkflowTriggers): string {
  return trigger.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
}
