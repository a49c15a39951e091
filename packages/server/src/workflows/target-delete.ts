import { ContentError, type ContentItem, type ContentStore } from '../connectors/content.ts';
import type { LinkRow } from './planner.ts';
import type { RunItemRecord } from './recorder.ts';

type Outcome = Partial<Pick<RunItemRecord, 'targetId' | 'outcome' | 'errorCode' | 'error'>>;

const kept = (targetId: string, error: string): Outcome => ({
  targetId,
  outcome: 'skipped',
  errorCode: 'workflow_item_skipped',
  error,
});

/**
 * Deletes the target item a link names, once it is confirmed to be the item Lexbridge put there: it is
 * found where the link says (after this run's renames and moves), of the same kind and, where the
 * target reports identities, the same item. Nothing found there is not a delete done: it is reported
 * as kept, and the next full pass looks for the copy elsewhere (plan/orphans.ts). `links` are the
 * run's current links: a link the run no longer holds (a repair) must not name an item another link
 * now uses.
 */
export async function deleteLinkedTarget(
  target: ContentStore,
  link: LinkRow,
  links: Map<string, LinkRow>,
  signal?: AbortSignal,
): Promise<Outcome> {
  const targetId = link.targetId!;
  let found: ContentItem;
  try {
    found = await target.getItem(targetId, signal);
  } catch (err) {
    if (!(err instanceof ContentError) || err.code !== 'content_not_found') throw err;
    return kept(
      targetId,
      'It was not where Lexbridge last put it on the target, so nothing was deleted; the next full run looks for it.',
    );
  }
  const replaced =
    found.kind !== link.kind ||
    (link.targetIdentity !== null &&
      found.identity !== undefined &&
      found.identity !== link.targetIdentity) ||
    // A file system may give a new file the inode of the one just removed: the size tells them apart.
    (found.kind === 'document' &&
      link.size !== null &&
      found.size !== undefined &&
      found.size !== Number(link.size));
  const inUse =
    !links.has(link.sourceId) &&
    [...links.values()].some((other) => other.state === 'linked' && other.targetId === targetId);
  if (replaced || inUse)
    return kept(targetId, 'Something other than the copy is at its place on the target now, so it was kept.');
  await target.delete(found, signal);
  return { targetId };
}
