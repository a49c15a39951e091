import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContentStore } from '../../src/connectors/content.ts';
import { openContentStore } from '../../src/workflows/content-stores.ts';
import { type Both, startBoth } from './imanage-sharepoint.ts';

/**
 * Document metadata in SharePoint over real HTTP against the Graph emulator: a document written with
 * iManage's author, number and version gets them in the library's matching columns (and a library
 * without such columns gets nothing), and documents listed from SharePoint carry Created by and
 * Modified by. (The engine hands writeDocument the source's metadata; tested in copy-document.)
 */
let both: Both;
let store: ContentStore;

beforeAll(async () => {
  both = await startBoth();
  store = await openContentStore(both.server.lexbridge, {
    connectorId: both.sharepointId,
    userId: both.user.userId,
  });
}, 60_000);
afterAll(async () => {
  await both?.close();
});

const drive = (name: string) => [...both.graph.store.drives.values()].find((d) => d.name === name)!;
const metadata = { author: 'John Smith', number: 'ACTIVE!1160', version: '3', system: 'iManage' };
const write = (driveId: string, name: string) =>
  store.writeDocument(`${driveId}/root`, name, Readable.from([Buffer.from('memo')]), { size: 4, metadata });

describe('SharePoint columns for document metadata', () => {
  it("sets the library's matching columns from the source document, typed as the column is", async () => {
    const filed = drive('Filed Documents');
    const written = await write(filed.id, 'Memo.docx');
    const item = both.graph.store.items.get(written.item.id.split('/')[1]!)!;
    expect(item.fields).toEqual({
      DocumentAuthor: 'John Smith',
      DocumentNumber: 'ACTIVE!1160',
      DocumentVersion: 3,
    });
  });

  it('sets nothing in a library without such columns, and the copy still succeeds', async () => {
    const documents = [...both.graph.store.drives.values()].find(
      (d) => d.columns.length === 0 && d.driveType === 'documentLibrary',
    )!;
    const written = await write(documents.id, 'Plain memo.docx');
    expect(written.size).toBe(4);
    expect(both.graph.store.items.get(written.item.id.split('/')[1]!)!.fields).toEqual({});
  });

  it('lists documents with who created and last modified them', async () => {
    const filed = drive('Filed Documents');
    const listed: { name: string; metadata?: unknown }[] = [];
    for await (const child of store.listChildren(`${filed.id}/root`)) listed.push(child);
    expect(listed.find((c) => c.name === 'Memo.docx')!.metadata).toEqual({
      system: 'SharePoint',
      author: 'Alex Wilber',
      modifiedBy: 'Alex Wilber',
    });
  });
});
