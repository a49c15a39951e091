import { ContentError, type ContentItem } from '../content.ts';
import {
  type ContainerKind,
  classify,
  containerItemOf,
  documentKey,
  documentMetadata,
  documentNumberId,
  fileName,
  isDocumentId,
  recognisedChecksum,
} from './items.ts';
import type { DocumentProfile, WorkApiClient, WorkProfile } from './work-api-client.ts';

/** The virtual root above the workspaces of every library the user can see. */
export const ROOT = '';

export type Kind = ContainerKind | 'document';

/** Runs a client call, translating its errors into the engine's (content-errors.ts). */
export type StoreCall = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * What one iManage store has learnt of the items it listed: each id's kind, the containers with their
 * parents and workspaces, where documents were seen and the versioned id of their latest version.
 * Items are made here from profiles, so every listing records what later calls need.
 */
export class ImanageItemCache {
  readonly kinds = new Map<string, Kind>();
  readonly containers = new Map<string, ContentItem>();
  readonly documentParents = new Map<string, string>();
  /** Document key → the versioned id of its latest version seen. */
  private readonly latest = new Map<string, string>();
  /** Container id → its workspace, for the per-workspace document class. */
  private readonly workspaceOf = new Map<string, string>();
  /** The newest edit_date or edit_profile_date of the documents seen, in the server's clock (ms). */
  private newestChange: number | undefined;

  /** The newest change among the documents seen, on the Work Server's clock. */
  get newestChangeSeen(): Date | undefined {
    return this.newestChange === undefined ? undefined : new Date(this.newestChange);
  }

  containerItem(profile: WorkProfile, kind: ContainerKind, parentId?: string): ContentItem {
    const parent =
      kind === 'workspace' ? ROOT : (parentId ?? String(profile.parent_id ?? profile.workspace_id ?? ROOT));
    const item = containerItemOf(profile, parent);
    this.kinds.set(profile.id, kind);
    this.containers.set(profile.id, item);
    const workspace =
      kind === 'workspace' ? profile.id : String(profile.workspace_id ?? this.workspaceOf.get(parent) ?? '');
    if (workspace) this.workspaceOf.set(profile.id, workspace);
    return item;
  }

  /** A folder, tab or workspace profile as an item; a shortcut or saved search is refused. */
  folderItem(profile: WorkProfile, parentId?: string): ContentItem {
    const classified = classify(profile);
    if (classified.kind === 'special')
      throw new ContentError(
        'content_invalid',
        `${profile.id} is a ${classified.special.replace('_', ' ')} in iManage, not a folder: choose the folder it stands for.`,
      );
    const kind = classified.kind === 'container' ? classified.container : 'folder';
    return this.containerItem(profile, kind, parentId);
  }

  documentItem(profile: DocumentProfile, parentId: string | null): ContentItem {
    const id = documentKey(profile.id);
    this.kinds.set(id, 'document');
    if (isDocumentId(profile.id) && profile.id !== id) this.latest.set(id, profile.id);
    if (parentId) this.documentParents.set(id, parentId);
    this.noteChange(profile.edit_date, profile.edit_profile_date);
    const checksum = recognisedChecksum(profile.checksum);
    return {
      id,
      kind: 'document',
      name: fileName(profile),
      parentId: parentId ?? this.documentParents.get(id) ?? null,
      ...(profile.size !== undefined ? { size: Number(profile.size) } : {}),
      ...(profile.edit_date ? { modifiedAt: new Date(profile.edit_date) } : {}),
      ...(profile.version !== undefined ? { version: String(profile.version) } : {}),
      ...(checksum ? { checksum } : {}),
      metadata: documentMetadata(profile),
    };
  }

  private noteChange(...dates: unknown[]): void {
    for (const date of dates) {
      const ms = typeof date === 'string' ? Date.parse(date) : Number.NaN;
      if (!Number.isNaN(ms) && (this.newestChange === undefined || ms > this.newestChange))
        this.newestChange = ms;
    }
  }

  /** The workspace a container lies in, where a listing showed it. */
  workspaceFor(containerId: string): string | undefined {
    return this.workspaceOf.get(containerId);
  }

  /**
   * The versioned id (`LIB!n.v`) of a document for the Work API: from the item's version, the
   * latest seen in a listing, or else its version list, which any of its versions' ids opens: version
   * 1's, or, when version 1 was deleted (its id is then 404), the one the search by number finds.
   */
  async versionedId(client: WorkApiClient, call: StoreCall, idOrItem: string | ContentItem): Promise<string> {
    const id = typeof idOrItem === 'string' ? idOrItem : idOrItem.id;
    if (!id.endsWith('.latest')) return id;
    const base = documentNumberId(id);
    if (typeof idOrItem !== 'string' && idOrItem.version) return `${base}.${idOrItem.version}`;
    const known = this.latest.get(id);
    if (known) return known;
    const versions = await call(() => client.listVersions(`${base}.1`)).catch(async (err: unknown) => {
      if (!(err instanceof ContentError) || err.code !== 'content_not_found') throw err;
      const found = await call(() => anyVersionOf(client, base));
      if (!found) throw err;
      return call(() => client.listVersions(found));
    });
    const newest = versions.reduce<number>((max, v) => Math.max(max, Number(v.version ?? 0)), 0);
    return `${base}.${newest || 1}`;
  }
}

/**
 * The versioned id of any version of document `LIB!n` still there, by the document search's
 * `document_number` filter (the search lags behind by its index, so the version it names may not be
 * the newest: the caller reads the version list from it).
 */
async function anyVersionOf(client: WorkApiClient, base: string): Promise<string | undefined> {
  const [library, number] = base.split('!') as [string, string];
  for await (const profile of client.searchDocuments(
    library,
    { document_number: Number(number) },
    { pageSize: 1 },
  )) {
    if (isDocumentId(profile.id) && documentNumberId(profile.id) === base) return profile.id;
  }
  return undefined;
}
