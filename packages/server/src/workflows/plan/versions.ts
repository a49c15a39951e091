import type { ContentItem, ContentVersion } from '../../connectors/content.ts';
import type { LinkRow, PlanInput } from './types.ts';

export const sameTime = (a: Date | null | undefined, b: Date | undefined) =>
  (a?.getTime() ?? null) === (b?.getTime() ?? null);

/** True when the source document differs from what was last copied. */
export function contentChanged(item: ContentItem, link: LinkRow, version: string | undefined): boolean {
  if (version !== undefined || link.sourceVersion !== null)
    return link.sourceVersion !== (version ?? null) || link.sourceSize !== (item.size ?? null);
  return link.sourceSize !== (item.size ?? null) || !sameTime(link.sourceModifiedAt, item.modifiedAt);
}

export type VersionChoice = { version?: string; versions: ContentVersion[] | null };

/**
 * Which versions of a document to copy: null (only the current content) unless the options ask for
 * versions the source keeps; null as the whole answer when no version qualifies (no major version yet).
 */
export async function chooseVersions(input: PlanInput, item: ContentItem): Promise<VersionChoice | null> {
  const { source, options } = input;
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
}

/** Versions already copied are not copied again: only those after the linked one are added. */
export function newerVersions(choice: VersionChoice, link: LinkRow): ContentVersion[] | null {
  const newer =
    choice.versions?.filter(
      (v) => link.sourceVersion === null || Number(v.version) > Number(link.sourceVersion),
    ) ?? null;
  return newer && newer.length > 0 ? newer : choice.versions;
}
