import type { WorkflowOptions, WorkflowTriggers, WorkflowType } from '@lexbridge/contracts';
import type { ContentItem, ContentStore, ContentVersion, NameRules } from '../../connectors/content.ts';
import type { itemLinks } from '../../store/schema.ts';

export type LinkRow = typeof itemLinks.$inferSelect;

/** Stands for the target root when the source container itself is copied (Include Select Container). */
export const ROOT_PARENT = '//root-parent';

export interface Placed {
  item: ContentItem;
  /** Source id of the parent whose target the item goes into (ROOT_PARENT or the source root for top-level items). */
  parentSourceId: string;
  /** Name on the target (made safe). */
  name: string;
  sourcePath: string;
}

export type Action =
  | (Placed & { type: 'create_folder'; link?: LinkRow })
  /** `comment`: why the new version is written (a two-way conflict), for systems that keep one per version. */
  | (Placed & {
      type: 'create' | 'update';
      link?: LinkRow;
      versions: ContentVersion[] | null;
      comment?: string;
    })
  /** `implicit`: the item moved with its renamed or moved folder; only its link changes. */
  | (Placed & { type: 'rename' | 'move'; link: LinkRow; implicit?: boolean })
  /** `targetPath`: where a repair found a copy whose link is gone (plan/orphans.ts). */
  | { type: 'delete'; link: LinkRow; sourcePath: string; targetPath?: string }
  | (Placed & { type: 'delete_source'; link: LinkRow })
  | { type: 'skip'; kind: 'folder' | 'document'; sourceId: string; sourcePath: string; reason: string }
  /** Existing item of a workflow that does not copy existing items: remembered, not copied. */
  | (Placed & { type: 'ignore' })
  /** A link whose source is gone and needs no target change (a moved item, an ignored item). */
  | { type: 'forget'; link: LinkRow };

export interface PlanInput {
  type: WorkflowType;
  options: WorkflowOptions;
  triggers: WorkflowTriggers;
  /** True once the first run recorded what existed (only matters without Sync Existing Files And Folders). */
  baselineTaken: boolean;
  source: ContentStore;
  sourceRootId: string;
  targetNames: NameRules;
  targetVersions: boolean;
  links: Map<string, LinkRow>;
  /**
   * For incremental plans, `links` may hold only the folders' links: documents' links are loaded one
   * by one as the change query names them, so a run with few changes does not read every link.
   */
  loadLink?(sourceId: string): Promise<LinkRow | undefined>;
  /** A full One-way pass also removes target copies whose source and link are gone (plan/orphans.ts). */
  orphans?: OrphanSearch;
  /** Documents changed since this time (change query); absent for a full reconciliation. */
  changedSince?: Date;
  signal?: AbortSignal;
}

export interface Plan {
  actions: Action[];
  /** Everything examined, for the run's figures. */
  examined: number;
}

/** A document or folder an earlier run of the workflow wrote to the target, from the run's item log. */
export interface WrittenItem {
  /** The source it was copied from; its link is gone. */
  sourceId: string;
  sourcePath: string;
  kind: 'folder' | 'document';
  /** Its name on the target. */
  name: string;
  /** Documents: the bytes written and their sha256. */
  bytes: number;
  sha256: string | null;
}

export interface OrphanSearch {
  target: ContentStore;
  targetRootId: string;
  /** What earlier runs wrote for sources that are no longer linked (deleted, or dropped by a failed delete). */
  written: WrittenItem[];
}
