import { ContentError } from '../content.ts';
import type { DriveItemJson, DriveRef } from './drive-item.ts';
import { itemPath } from './drive-item.ts';
import type { GraphClient } from './graph-client.ts';

/**
 * SharePoint Online's 400-character limit on an item's decoded server-relative path: the site, the
 * library and every folder count (`/sites/Matter1001/Shared Documents/Pleadings/Answer.docx`), slashes
 * included, one per character however it is encoded. Lexbridge refuses such an item itself, before a
 * byte is sent, with a message saying what to shorten: Graph's own refusal of a long path is not one
 * stable error (it differs between simple uploads, upload sessions and folders). Names are not
 * shortened to fit: see docs/connectors.md (SharePoint, Names) for why.
 */
export const maxPathLength = 400;

export class PathLimit {
  /** Decoded server-relative path of each folder seen (from its webUrl), by our id. */
  private readonly paths = new Map<string, Promise<string | undefined>>();

  constructor(private readonly client: GraphClient) {}

  /** Remembers a folder's path from Graph's JSON for it (a folder just created or listed). */
  remember(id: string, json: Pick<DriveItemJson, 'webUrl'>): void {
    const path = webPath(json.webUrl);
    if (path !== undefined) this.paths.set(id, Promise.resolve(path));
  }

  /** Throws content_invalid when `name` in the folder `parentId` would pass the limit. */
  async check(
    parentId: string,
    parent: DriveRef,
    name: string,
    kind: 'folder' | 'document',
    signal?: AbortSignal,
  ) {
    const base = await this.pathOf(parentId, parent, signal);
    if (base === undefined) return;
    const length = [...`${base}/${name}`].length;
    if (length <= maxPathLength) return;
    throw new ContentError(
      'content_invalid',
      `SharePoint allows at most ${maxPathLength} characters in an item's whole path (site, library, folders and name); in "${lastFolders(base)}" this ${kind}'s path would be ${length}, so it was not copied. Shorten the folder or file names in the source, or choose a target folder nearer the top of the library.`,
    );
  }

  private pathOf(id: string, ref: DriveRef, signal?: AbortSignal): Promise<string | undefined> {
    let known = this.paths.get(id);
    if (!known) {
      known = this.client
        .json<DriveItemJson>('GET', itemPath(ref), {
          query: { $select: 'webUrl' },
          ...(signal ? { signal } : {}),
        })
        .then((json) => webPath(json.webUrl));
      known.catch(() => this.paths.delete(id));
      this.paths.set(id, known);
    }
    return known;
  }
}

function webPath(webUrl: string | undefined): string | undefined {
  if (!webUrl) return undefined;
  try {
    return decodeURIComponent(new URL(webUrl).pathname).replace(/\/$/, '');
  } catch {
    return undefined;
  }
}

/** The end of a long path, for a message: "…/Folder B/Folder C". */
function lastFolders(path: string): string {
  const parts = path.split('/');
  const tail = parts.slice(-2).join('/');
  return parts.length > 2 ? `…/${tail}` : tail;
}
