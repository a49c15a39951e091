import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunItem } from '@lexbridge/contracts';
import { inArray } from 'drizzle-orm';
import type { DbOrTx } from '../store/db.ts';
import { connectors, type runItems } from '../store/schema.ts';

type RunItemRow = typeof runItems.$inferSelect;
type ConnectorRow = typeof connectors.$inferSelect;

/**
 * Where people open an item in its own system, for the run page's links: an iManage document's or
 * folder's web link (`<server>/work/link/d|f/<id>`, a document keyed across versions opening its
 * latest), a local folder's file URL; null where Lexbridge cannot build one without asking the
 * system (SharePoint's web addresses come only from Graph).
 */
export function itemWebLink(
  connector: Pick<ConnectorRow, 'type' | 'config'> | undefined,
  id: string | null,
  kind: 'folder' | 'document',
): string | null {
  if (!connector || id === null) return null;
  const config = (connector.config ?? {}) as Record<string, unknown>;
  if (connector.type.startsWith('imanage') && typeof config.serverAddress === 'string') {
    const key = id.endsWith('.latest') ? id.slice(0, -'.latest'.length) : id;
    const letter = kind === 'document' ? 'd' : 'f';
    return `${config.serverAddress.replace(/\/+$/, '')}/work/link/${letter}/${encodeURIComponent(key)}`;
  }
  if (connector.type === 'local-folder' && typeof config.path === 'string')
    return pathToFileURL(join(config.path, id)).href;
  return null;
}

/**
 * Adds each item's links on the workflow's two sides: a two-way conflict's both versions (and its
 * copy), the archive manifest in the target, and otherwise the item's ids (a backward two-way item
 * was read from the target and written to the source).
 */
export async function withWebLinks(
  db: DbOrTx,
  sides: { source: string | null; target: string | null },
  rows: RunItemRow[],
  toResponse: (row: RunItemRow) => RunItem,
): Promise<RunItem[]> {
  const ids = [sides.source, sides.target].filter((id): id is string => id !== null);
  const found = ids.length ? await db.select().from(connectors).where(inArray(connectors.id, ids)) : [];
  const source = found.find((c) => c.id === sides.source);
  const target = found.find((c) => c.id === sides.target);
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
