import { ContentError, type ContentStore, type ContentVersion } from '../../connectors/content.ts';
import type { Action } from '../planner.ts';
import { type Execution, writtenState } from './context.ts';
import { VerificationFailed } from './perform.ts';

export type CopyAction = Extract<Action, { type: 'create' | 'update' }>;
type Written = Awaited<ReturnType<ContentStore['writeDocument']>>;

/**
 * Copies a document (each of its planned versions in turn, as new versions after the first) into its
 * target folder, verified by size and by sha256 where the source reports one, then links it.
 */
export async function copyDocument(run: Execution, action: CopyAction) {
  const { input } = run;
  const parentTarget = run.targetOf(action.parentSourceId);
  if (parentTarget === undefined)
    throw new ContentError(
      'content_not_found',
      'Its folder could not be created on the target, so the document was not copied.',
    );
  const versions: (ContentVersion | null)[] = action.versions ?? [null];
  const link = run.links.get(action.item.id) ?? action.link;
  let existingId = link?.state === 'linked' ? (link.targetId ?? undefined) : undefined;
  let written: Written | undefined;
  let version = action.item.version;
  for (const [index, v] of versions.entries()) {
    // Adopt a document of this name left by a run that was killed before linking it: never a second copy.
    if (!input.target.capabilities.replacesByName)
      existingId ??= (await input.target.findChild(parentTarget, action.name, input.signal))?.id;
    written = await copyVersion(run, action, parentTarget, v, {
      existingId,
      asNewVersion: index > 0 || (action.type === 'update' && action.versions !== null),
    });
    existingId = written.item.id;
    if (v) version = v.version;
  }
  const last = written!;
  run.setLink(
    run.newLink(action, {
      sourceVersion: version ?? null,
      targetId: last.item.id,
      targetParentId: parentTarget,
      ...writtenState(last.item),
      size: last.size,
      sha256: last.sha256,
    }),
  );
  return { targetId: last.item.id, bytes: last.size, sha256: last.sha256 };
}

/** Streams one version (null: the current content) from the source into the target, verified. */
async function copyVersion(
  run: Execution,
  action: CopyAction,
  parentTarget: string,
  v: ContentVersion | null,
  place: { existingId: string | undefined; asNewVersion: boolean },
): Promise<Written> {
  const { input } = run;
  const { stream, size: streamSize } = await input.source.openRead(action.item, {
    versionId: v?.id,
    signal: input.signal,
  });
  const expectedSize = v ? v.size : (action.item.size ?? streamSize);
  const expectedSha =
    !v && action.item.checksum?.toLowerCase().startsWith('sha256:')
      ? action.item.checksum.slice(7).toLowerCase()
      : undefined;
  return input.target.writeDocument(parentTarget, action.name, stream, {
    ...place,
    size: expectedSize,
    signal: input.signal,
    temporaryTag: input.runId,
    ...(action.item.metadata ? { metadata: action.item.metadata } : {}),
    ...(action.comment ? { comment: action.comment } : {}),
    verify: (w) => {
      if (expectedSize !== undefined && w.size !== expectedSize) {
        throw new VerificationFailed(
          `The copy has ${w.size} bytes but the source has ${expectedSize}; it was discarded and will be tried again on the next run.`,
        );
      }
      if (expectedSha && w.sha256 !== expectedSha)
        throw new VerificationFailed(
          'The copy does not match the source checksum; it was discarded and will be tried again on the next run.',
        );
    },
  });
}
