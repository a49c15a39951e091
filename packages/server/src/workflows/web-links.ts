import type { RunItem } from '@lexbridge/contracts';
import { inArray } from 'drizzle-orm';
import { type LoadedConnector, loadedConnector } from '../connectors/repository.ts';
import type { Lexbridge } from '../context.ts';
import { connectors, type runItems } from '../store/schema.ts';

type RunItemRow = typeof runItems.$inferSelect;

/**
 * Where people open an item in its own system, for the run page's links: the plug-in's `webLink`
 * (a document's or folder's address in the system's web client, a local folder's file URL); null for systems that cannot
 * build one without asking the system, and for connectors whose settings no longer read.
 */
export function itemWebLink(
  loaded: LoadedConnector | undefined,
  id: string | null,
  kind: 'folder' | 'document',
): string | null {
  if (!loaded || id === null) return null;
  return loaded.plugin.webLink?.(loaded.connector, { id, kind, name: '', parentId: null }) ?? null;
}

function load(lexbridge: Pick<Lexbridge, 'secrets' | 'config'>, row: typeof connectors.$inferSelect) {
  try {
    return loadedConnector(lexbridge, row);
  } catch {
    return undefined;
  }
}

/**
 * Adds each item's links on the workflow's two sides: a two-way conflict's both versions (and its
 * copy), the archive manifest in the target, and otherwise the item's ids (a backward two-way item
 * was read from the target and written to the source).
 */
export async function withWebLinks(
  lexbridge: Pick<Lexbridge, 'secrets' | 'config' | 'store'>,
  sides: { source: string | null; target: string | null },
  rows: RunItemRow[],
  toResponse: (row: RunItemRow) => RunItem,
): Promise<RunItem[]> {
  const ids = [sides.source, sides.target].filter((id): id is string => id !== null);
  const found = ids.length
    ? await lexbridge.store.db.select().from(connectors).where(inArray(connectors.id, ids))
    : [];
  const loaded = (id: string | null) => {
    const row = found.find((c) => c.id === id);
    return row ? load(lexbridge, row) : undefined;
  };
  const source = loaded(sides.source);
  const target = loaded(sides.target);
  return rows.map((row) => {
    const item = toResponse(row);
    const kind = item.kind;
    const conflict = item.conflict;
    const [sourceId, targetId] = conflict
      ? [conflict.sourceId, conflict.targetId]
      : row.direction === 'backward'
        ? [row.targetId, row.sourceId]
        : [row.sourceId, row.targetId];
    const copy = conflict?.copy;
    return {
      ...item,
      links: {
        source: itemWebLink(source, sourceId, kind),
        target: itemWebLink(target, targetId, kind),
        copy: copy ? itemWebLink(copy.side === 'source' ? source : target, copy.id, 'document') : null,
      },
    };
  });
}
