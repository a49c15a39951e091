import type { ContentItem, ContentStore } from '../../connectors/content.ts';
import type { Action, LinkRow } from '../planner.ts';
import type { ManifestRow } from './manifest.ts';

type Removal = Extract<Action, { type: 'delete_source' }>;

const sameTime = (a: Date | null, b: Date | undefined) => (a?.getTime() ?? null) === (b?.getTime() ?? null);

/** Why the source document is not what was copied, or null when it is. */
function sourceChanged(item: ContentItem, link: LinkRow): string | null {
  if (link.sourceSize !== null && item.size !== undefined && Number(link.sourceSize) !== item.size)
    return 'The source document changed after it was copied.';
  if (link.sourceVersion !== null && item.version !== undefined) {
    if (link.sourceVersion !== item.version) return 'The source document has a newer version than the copy.';
  } else if (link.sourceModifiedAt && item.modifiedAt && !sameTime(link.sourceModifiedAt, item.modifiedAt))
    return 'The source document changed after it was copied.';
  return null;
}

/**
 * Verifies each document an archive is about to remove: it was copied (in this run or an earlier
 * attempt: its link says so), the source is still what was copied, and the copy on the target still
 * has the size (and, where the target reports one, the sha256) that was written. Returns the manifest
 * rows of the verified documents and the failures.
 */
export async function verifyArchived(
  documents: Removal[],
  links: Map<string, LinkRow>,
  stores: { source: ContentStore; target: ContentStore },
  concurrency: number,
): Promise<{ rows: ManifestRow[]; failures: { removal: Removal; reason: string }[] }> {
  const rows: ManifestRow[] = [];
  const failures: { removal: Removal; reason: string }[] = [];
  const check = async (removal: Removal): Promise<string | null> => {
    const link = links.get(removal.item.id);
    if (!link || link.state !== 'linked' || !link.targetId || link.sha256 === null)
      return 'The document was not copied, so the source was kept.';
    const now = await stores.source.getItem(removal.item.id).catch(() => null);
    if (!now) return 'The source document could not be read again to check it.';
    const changed = sourceChanged(now, link);
    if (changed) return changed;
    const copy = await stores.target.getItem(link.targetId).catch(() => null);
    if (!copy || copy.kind !== 'document') return 'The copy is no longer on the target.';
    if (link.size !== null && copy.size !== undefined && copy.size !== Number(link.size))
      return `The copy on the target has ${copy.size} bytes but ${link.size} were written.`;
    const sha = copy.checksum?.toLowerCase().startsWith('sha256:') ? copy.checksum.slice(7) : undefined;
    if (sha && sha !== link.sha256) return 'The copy on the target does not match the checksum written.';
    rows.push({
      sourcePath: removal.sourcePath,
      size: Number(link.size ?? copy.size ?? 0),
      sha256: link.sha256,
      targetId: copy.id,
      targetVersion: copy.version ?? link.targetVersion ?? '',
      archivedAt: (link.updatedAt ?? new Date()).toISOString(),
    });
    return null;
  };
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, documents.length)) }, async () => {
      while (next < documents.length) {
        const removal = documents[next++]!;
        const reason = await check(removal).catch((err: unknown) =>
          err instanceof Error ? err.message : String(err),
        );
        if (reason) failures.push({ removal, reason });
      }
    }),
  );
  return { rows, failures };
}
