import type { DocumentMetadata } from '../content.ts';
import { enc, type GraphClient } from './graph-client.ts';

/**
 * Document facts as SharePoint column values. A library that has a column (by display name, any case)
 * from this mapping gets the source document's value in it; a library without one gets nothing:
 *
 * | metadata | column display names |
 * |---|---|
 * | author | "iManage Author", "Document Author" |
 * | number | "iManage Number", "Document Number" |
 * | version | "iManage Version", "Document Version" (a number column gets the number) |
 *
 * The library's columns are read once per drive for the store's life (one run).
 */
export const columnNames: Record<'author' | 'number' | 'version', string[]> = {
  author: ['imanage author', 'document author'],
  number: ['imanage number', 'document number'],
  version: ['imanage version', 'document version'],
};

interface ColumnJson {
  name: string;
  displayName?: string;
  readOnly?: boolean;
  number?: unknown;
}

type Mapping = Partial<Record<keyof typeof columnNames, { name: string; number: boolean }>>;

export class LibraryColumns {
  private readonly drives = new Map<string, Promise<Mapping>>();

  constructor(private readonly client: GraphClient) {}

  private mapping(driveId: string): Promise<Mapping> {
    let known = this.drives.get(driveId);
    if (!known) {
      known = (async () => {
        const mapping: Mapping = {};
        for await (const column of this.client.pages<ColumnJson>(`/drives/${enc(driveId)}/list/columns`)) {
          if (column.readOnly) continue;
          const label = (column.displayName ?? column.name).toLowerCase();
          for (const [key, names] of Object.entries(columnNames) as [keyof Mapping, string[]][])
            if (names.includes(label) && !mapping[key])
              mapping[key] = { name: column.name, number: column.number !== undefined };
        }
        return mapping;
      })();
      known.catch(() => this.drives.delete(driveId));
      this.drives.set(driveId, known);
    }
    return known;
  }

  /** The list item field values for `metadata` in this library (empty when it has no such columns). */
  async fields(driveId: string, metadata: DocumentMetadata): Promise<Record<string, string | number>> {
    const mapping = await this.mapping(driveId);
    const values: Record<string, string | number> = {};
    for (const key of Object.keys(columnNames) as (keyof Mapping)[]) {
      const column = mapping[key];
      const value = metadata[key];
      if (!column || value === undefined || value === '') continue;
      if (!column.number) values[column.name] = value;
      else if (Number.isFinite(Number(value))) values[column.name] = Number(value);
    }
    return values;
  }
}
