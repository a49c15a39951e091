import type { ContentItem, ContentStore } from '../../connectors/content.ts';
import { loadConnector } from '../../connectors/repository.ts';
import type { Lexbridge } from '../../context.ts';

/** The archive's target as its run speaks of it. */
export interface ArchiveTarget {
  /** The connector's name ("Firm DMS"). */
  name: string;
  /** How people call the system ("DMS"): the link file is named after it. */
  systemName: string;
  /** Where people open the archive (the target folder in the system's web interface); null when unknown. */
  url: string | null;
}

export const unknownTarget: ArchiveTarget = { name: 'the target', systemName: 'the target', url: null };

/**
 * The archive's target for the link file left in the source: the target plug-in's `webLink` for the
 * folder (a web client address, a local folder's file URL), else the folder's own
 * web address where the system reports one (SharePoint's webUrl), else none.
 */
export async function archiveTarget(
  lexbridge: Lexbridge,
  connectorId: string,
  target: ContentStore,
  folderId: string,
): Promise<ArchiveTarget> {
  const { plugin, connector } = await loadConnector(lexbridge, connectorId);
  const fallback: ContentItem = { id: folderId, kind: 'folder', name: '', parentId: null };
  const item = await target.getItem(folderId).catch(() => fallback);
  return {
    name: connector.name,
    systemName: plugin.systemName,
    url: plugin.webLink?.(connector, item) ?? item.webUrl ?? null,
  };
}

/** "Archived to <system>.url": named after the target's system, safe on every system. */
export function linkFileName(systemName: string): string {
  const system = systemName
    .replace(/^the\s+/i, '')
    .replace(/[\\/:*?"<>|\s]+/g, ' ')
    .trim();
  return `Archived to ${system || 'the archive'}.url`;
}
