import type { ContentItem } from '../../connectors/content.ts';
import { assignSafeNames } from '../safe-names.ts';
import { planRepairs, planUnseen } from './deletes.ts';
import { recogniseRelocations } from './relocations.ts';
import type { PlanState } from './state.ts';
import { ROOT_PARENT } from './types.ts';
import { visit } from './visit.ts';

/**
 * A full reconciliation: lists the whole source tree, then plans what the links know but the listing
 * did not find (relocations where ids are paths, then deletes and repairs).
 */
export async function planFull(state: PlanState): Promise<void> {
  const { input } = state;
  const root = await input.source.getItem(input.sourceRootId, input.signal);
  if (input.options.includeSelectContainer) {
    state.seen.add(root.id);
    await visit(state, {
      item: root,
      parentSourceId: ROOT_PARENT,
      name: state.safeName(root),
      sourcePath: root.name,
    });
    await walk(state, root.id, root.id, root.name);
  } else {
    await walk(state, root.id, root.id, '');
  }
  if (state.sync) recogniseRelocations(state);
  planUnseen(state);
  if (state.sync) await planRepairs(state);
}

/** Visits a folder's children, then each subfolder's (parents before their contents). */
async function walk(
  state: PlanState,
  folderId: string,
  parentSourceId: string,
  prefix: string,
): Promise<void> {
  const { input } = state;
  const children: ContentItem[] = [];
  for await (const child of input.source.listChildren(folderId, input.signal)) children.push(child);
  // Names already on the target stay; new and renamed children get safe names that avoid them.
  const keep = new Set<string>();
  const fresh: ContentItem[] = [];
  for (const child of children) {
    const link = input.links.get(child.id);
    if (link?.targetName && link.sourceName === child.name && (link.sourceParentId ?? '') === parentSourceId)
      keep.add(link.targetName);
    else fresh.push(child);
  }
  const safe = assignSafeNames(fresh, input.targetNames, keep);
  for (const child of children) {
    const name = safe.get(child.id) ?? input.links.get(child.id)?.targetName ?? child.name;
    const path = prefix ? `${prefix}/${child.name}` : child.name;
    await visit(state, { item: child, parentSourceId: folderId, name, sourcePath: path });
    if (child.kind === 'folder') await walk(state, child.id, child.id, path);
  }
}
