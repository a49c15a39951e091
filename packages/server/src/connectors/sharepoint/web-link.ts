import type { ContentItem } from '../content.ts';
import { driveRef } from './drive-item.ts';

/**
 * Where people open a SharePoint item. Graph gives each item its `webUrl`, used as is where the item
 * came with it (an archive's link file). The run page knows only ids, and a SharePoint address cannot
 * be built from a drive and item id, so it links to Lexbridge's `/api/connectors/{id}/open`, which
 * asks Graph for the webUrl only when someone clicks (as that person), not once per listed item.
 * The virtual browsing folders (sites, teams) have no address.
 */
export function sharepointWebLink(
  connectorId: string,
  item: Pick<ContentItem, 'id' | 'webUrl'>,
): string | null {
  if (item.webUrl) return item.webUrl;
  if (!driveRef(item.id)) return null;
  return `/api/connectors/${encodeURIComponent(connectorId)}/open?id=${encodeURIComponent(item.id)}`;
}
