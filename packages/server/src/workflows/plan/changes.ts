import type { ContentItem } from '../../connectors/content.ts';
import { linkPath } from './deletes.ts';
import type { PlanState } from './state.ts';
import { ROOT_PARENT } from './types.ts';
import { visit } from './visit.ts';

/** Incremental planning from the source's change query: only changed documents and their new folders. */
export async function planChanges(state: PlanState): Promise<void> {
  const { input } = state;
  const { links } = input;
  const knownParent = async (id: string) => {
    let link = links.get(id);
    if (!link && input.loadLink) {
      link = await input.loadLink(id);
      if (link) links.set(id, link);
    }
    return link?.state === 'linked' ? link.sourceParentId : undefined;
  };
  for await (const item of input.source.changesSince!(input.sourceRootId, input.changedSince!, {
    knownParent,
    ...(input.signal ? { signal: input.signal } : {}),
  })) {
    if (item.kind !== 'document') continue;
    await knownParent(item.id);
    if (!(await visitInKnownFolder(state, item))) await visitWithAncestors(state, item);
  }
}

/** A linked document still in its linked folder: visited without asking the source for its ancestors. */
async function visitInKnownFolder(state: PlanState, item: ContentItem): Promise<boolean> {
  const { links } = state.input;
  const known = links.get(item.id);
  const parent = known?.sourceParentId;
  if (
    known?.state !== 'linked' ||
    !parent ||
    item.parentId !== parent ||
    !(state.materialised.has(parent) || links.get(parent)?.state === 'linked')
  )
    return false;
  state.materialised.add(parent);
  const name = known.sourceName === item.name && known.targetName ? known.targetName : state.safeName(item);
  const sourcePath = linkPath({ ...known, sourceName: item.name }, links);
  await visit(state, { item, parentSourceId: parent, name, sourcePath });
  return true;
}

/** Any other changed document: its folders from the workflow root down are placed first (or created). */
async function visitWithAncestors(state: PlanState, item: ContentItem): Promise<void> {
  const { input } = state;
  const chain = await input.source.ancestors(item.id, input.signal);
  const rootAt = chain.findIndex((a) => a.id === input.sourceRootId);
  if (rootAt < 0) return; // outside the workflow: the next full reconciliation handles moves out
  const withRoot = input.options.includeSelectContainer;
  let parentSourceId = withRoot ? ROOT_PARENT : input.sourceRootId;
  const names: string[] = [];
  for (const folder of chain.slice(withRoot ? rootAt : rootAt + 1)) {
    names.push(folder.name);
    if (!state.folders.has(folder.id)) {
      const link = input.links.get(folder.id);
      const placed = {
        item: folder,
        parentSourceId,
        name: link?.targetName ?? state.safeName(folder),
        sourcePath: names.join('/'),
      };
      if (link?.state === 'linked') {
        state.materialised.add(folder.id);
        state.folders.set(folder.id, { ...placed, link });
      } else {
        await visit(state, placed);
      }
    }
    parentSourceId = folder.id;
  }
  const link = input.links.get(item.id);
  const name = link?.targetName && link.sourceName === item.name ? link.targetName : state.safeName(item);
  await visit(state, { item, parentSourceId, name, sourcePath: [...names, item.name].join('/') });
}
