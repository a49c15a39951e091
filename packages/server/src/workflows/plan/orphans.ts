import { createHash } from 'node:crypto';
import type { ContentItem } from '../../connectors/content.ts';
import type { Action, LinkRow, OrphanSearch, WrittenItem } from './types.ts';

type Orphan = { item: ContentItem; path: string; written: WrittenItem };

/**
 * Target items a full pass must remove: within the workflow's target folder, items that no link names
 * and that are provably what Lexbridge wrote for a source that is gone (same name, size and sha256 for
 * a document; a folder of that name holding only such documents). A run before deletes addressed an
 * item where it now is could report a delete as done and drop the link, leaving the copy behind.
 * Anything else in the target folder (a person's own files) is never touched, and a written item that
 * matches more than one target item is left alone rather than guessed at.
 */
export async function findOrphans(
  search: OrphanSearch,
  links: Map<string, LinkRow>,
  signal?: AbortSignal,
): Promise<Extract<Action, { type: 'delete' }>[]> {
  if (search.written.length === 0) return [];
  const linked = new Set<string>();
  for (const link of links.values()) if (link.targetId) linked.add(link.targetId);
  const byName = new Map<string, WrittenItem[]>();
  for (const written of search.written) {
    const key = `${written.kind}\0${written.name}`;
    byName.set(key, [...(byName.get(key) ?? []), written]);
  }
  const claims = new Map<WrittenItem, Orphan[]>();
  const claim = (orphan: Orphan) =>
    claims.set(orphan.written, [...(claims.get(orphan.written) ?? []), orphan]);
  const sha256Of = async (item: ContentItem) => {
    if (item.checksum?.toLowerCase().startsWith('sha256:')) return item.checksum.slice(7).toLowerCase();
    const hash = createHash('sha256');
    const { stream } = await search.target.openRead(item, signal ? { signal } : {});
    for await (const chunk of stream) hash.update(chunk as Buffer);
    return hash.digest('hex');
  };

  /** Walks a folder; true when everything in it is an orphan (so that the folder may go too). */
  const walk = async (folderId: string, prefix: string): Promise<{ all: boolean; any: boolean }> => {
    let all = true;
    let any = false;
    for await (const child of search.target.listChildren(folderId, signal)) {
      const path = prefix ? `${prefix}/${child.name}` : child.name;
      const candidates = linked.has(child.id) ? [] : (byName.get(`${child.kind}\0${child.name}`) ?? []);
      if (child.kind === 'folder') {
        const inside = await walk(child.id, path);
        const written = candidates.length === 1 ? candidates[0] : undefined;
        if (written && inside.all && inside.any) claim({ item: child, path, written });
        else all = false;
        any ||= inside.any;
        continue;
      }
      const sized = candidates.filter((w) => w.sha256 && w.bytes === child.size);
      const sha = sized.length > 0 ? await sha256Of(child) : undefined;
      const matching = sized.filter((w) => w.sha256 === sha);
      if (matching.length === 1) {
        claim({ item: child, path, written: matching[0]! });
        any = true;
      } else all = false;
    }
    return { all, any };
  };
  await walk(search.targetRootId, '');

  const deletes: Extract<Action, { type: 'delete' }>[] = [];
  for (const [written, found] of claims) {
    if (found.length !== 1) continue; // the same copy in two places: not provably ours
    const { item, path } = found[0]!;
    deletes.push({
      type: 'delete',
      link: orphanLink(item, written),
      sourcePath: written.sourcePath,
      targetPath: path,
    });
  }
  return deletes;
}

/** A link standing for a target item whose real link is gone, so that the executor can delete it. */
function orphanLink(item: ContentItem, written: WrittenItem): LinkRow {
  return {
    workflowId: '',
    sourceId: written.sourceId,
    kind: item.kind,
    state: 'linked',
    sourceParentId: null,
    sourceName: written.sourcePath.split('/').at(-1) ?? written.name,
    sourceVersion: null,
    sourceSize: null,
    sourceModifiedAt: null,
    sourceIdentity: null,
    targetId: item.id,
    targetParentId: item.parentId,
    targetName: item.name,
    targetVersion: null,
    targetModifiedAt: null,
    targetIdentity: item.identity ?? null,
    size: item.size ?? null,
    sha256: written.sha256,
    lastRunId: null,
    updatedAt: new Date(),
  };
}
