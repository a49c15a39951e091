import type { PlanState } from './state.ts';
import type { LinkRow, Placed } from './types.ts';
import { chooseVersions, contentChanged, newerVersions } from './versions.ts';

/**
 * Compares one source item with its link: a new item is created (or ignored, or skipped), a linked one
 * may be renamed, moved and updated. Move and Archive also remember to remove the source at the end.
 */
export async function visit(state: PlanState, placed: Placed): Promise<void> {
  const { item } = placed;
  state.examined++;
  state.seen.add(item.id);
  const link = state.input.links.get(item.id);
  if (item.kind === 'folder') state.folders.set(item.id, { ...placed, link });
  if (!link || link.state === 'ignored') {
    if (item.kind === 'folder') return visitNewFolder(state, placed, link);
    return visitNewDocument(state, placed, link);
  }
  state.materialised.add(item.id);
  if (state.input.type !== 'copy') planRelocation(state, placed, link);
  if (item.kind === 'document') await planUpdate(state, placed, link);
  if (state.move) state.deferred.push({ type: 'delete_source', ...placed, link });
}

/** The trigger a rename or move answers to. */
export function relocationTrigger(moved: boolean, folder: boolean) {
  if (moved) return folder ? 'folderMoved' : 'fileMoved';
  return folder ? 'folderRenamed' : 'fileRenamed';
}

/** `link` here is an ignored folder's: it stays ignored. */
function visitNewFolder(state: PlanState, placed: Placed, link: LinkRow | undefined): void {
  const { item } = placed;
  if (state.ignoreExisting || link) {
    if (!link) state.actions.push({ type: 'ignore', ...placed });
    return;
  }
  if (!state.on('folderCreated')) {
    state.triggerOff('folder', item.id, placed.sourcePath, 'folderCreated');
    return;
  }
  state.ensureFolder(item.id);
  if (state.move)
    state.deferred.push({ type: 'delete_source', ...placed, link: { sourceId: item.id } as LinkRow });
}

/** `link` here is an ignored document's: it is copied once it changes after the baseline. */
async function visitNewDocument(state: PlanState, placed: Placed, link: LinkRow | undefined): Promise<void> {
  const { item, sourcePath } = placed;
  if (state.ignoreExisting) return void state.actions.push({ type: 'ignore', ...placed });
  const choice = await chooseVersions(state.input, item);
  if (link && choice && !contentChanged(item, link, choice.version)) return; // still unchanged since the baseline
  if (!choice) return state.skip('document', item.id, sourcePath, 'The document has no major version yet.');
  if (!state.on('fileCreated')) return state.triggerOff('document', item.id, sourcePath, 'fileCreated');
  state.ensureFolder(placed.parentSourceId);
  state.actions.push({ type: 'create', ...placed, versions: choice.versions });
  if (state.move)
    state.deferred.push({
      type: 'delete_source',
      ...placed,
      link: link ?? ({ sourceId: item.id } as LinkRow),
    });
}

function planRelocation(state: PlanState, placed: Placed, link: LinkRow): void {
  const { item } = placed;
  const moved = (link.sourceParentId ?? '') !== placed.parentSourceId;
  if (!moved && link.sourceName === item.name) return;
  const trigger = relocationTrigger(moved, item.kind === 'folder');
  if (!state.on(trigger)) {
    state.triggerOff(item.kind, item.id, placed.sourcePath, trigger);
    return;
  }
  state.ensureFolder(placed.parentSourceId);
  state.actions.push({ type: moved ? 'move' : 'rename', ...placed, link });
}

async function planUpdate(state: PlanState, placed: Placed, link: LinkRow): Promise<void> {
  const { item } = placed;
  const choice = await chooseVersions(state.input, item);
  if (!choice || !contentChanged(item, link, choice.version)) return;
  if (!state.on('fileUpdated'))
    return state.triggerOff('document', item.id, placed.sourcePath, 'fileUpdated');
  state.actions.push({ type: 'update', ...placed, link, versions: newerVersions(choice, link) });
}
