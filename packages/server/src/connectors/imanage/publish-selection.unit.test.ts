import { describe, expect, it } from 'vitest';
import {
  describeSelection,
  normaliseSelection,
  SelectionContentStore,
  selectionRootId,
} from '../../publishing/selection.ts';
import { ContentError, type ContentItem, type ContentStore } from '../content.ts';
import { imanageOnPremPlugin } from './plugin.ts';

/** A small in-memory tree standing in for iManage. */
function memoryStore(items: ContentItem[]): ContentStore {
  const byId = new Map(items.map((i) => [i.id, i]));
  return {
    capabilities: {
      versions: true,
      changeQuery: true,
      replacesByName: false,
      names: { windows: false, maxBytes: 255 },
    },
    async getItem(id) {
      const item = byId.get(id);
      if (!item) throw new ContentError('content_not_found', `${id} does not exist.`);
      return item;
    },
    async ancestors() {
      return [];
    },
    async *listChildren(folderId) {
      for (const item of items) if (item.parentId === folderId) yield item;
    },
    async findChild() {
      return null;
    },
    async openRead() {
      throw new Error('not used');
    },
    async writeDocument() {
      throw new Error('not used');
    },
    async createFolder() {
      throw new Error('not used');
    },
    async relocate() {
      throw new Error('not used');
    },
    async delete() {
      throw new Error('not used');
    },
    async rights() {
      return { read: true, write: false };
    },
  };
}

const tree: ContentItem[] = [
  { id: 'ACTIVE!10', kind: 'folder', name: 'Pleadings', parentId: 'ACTIVE!1' },
  { id: 'ACTIVE!11', kind: 'folder', name: 'Drafts', parentId: 'ACTIVE!10' },
  { id: 'ACTIVE!500', kind: 'document', name: 'Claim.docx', parentId: 'ACTIVE!10', size: 1200, version: '3' },
  {
    id: 'ACTIVE!501',
    kind: 'document',
    name: 'Defence.docx',
    parentId: 'ACTIVE!11',
    size: 800,
    version: '1',
  },
];

const imanage = imanageOnPremPlugin.publishing!;

describe('normaliseSelection', () => {
  it('keys documents without their version, drops blanks and duplicates', () => {
    expect(
      normaliseSelection(['ACTIVE!500.3', ' ACTIVE!10 ', '', 'ACTIVE!500', 'ACTIVE!500.2'], imanage),
      // A versioned id is a document (keyed across versions); a versionless one may be a folder.
    ).toEqual(['ACTIVE!500.latest', 'ACTIVE!10', 'ACTIVE!500']);
  });

  it('refuses what is not an iManage id, and an empty selection', () => {
    expect(() => normaliseSelection(['../etc/passwd'], imanage)).toThrow(
      /not an iManage document or folder id/,
    );
    expect(() => normaliseSelection([' ', ''], imanage)).toThrow(
      expect.objectContaining({ code: 'publish_selection_invalid' }),
    );
  });
});

describe('SelectionContentStore', () => {
  it('shows the selected items as the children of one virtual folder, and never writes', async () => {
    const store = new SelectionContentStore(memoryStore(tree), ['ACTIVE!500', 'ACTIVE!11']);
    const children: ContentItem[] = [];
    for await (const child of store.listChildren(selectionRootId)) children.push(child);
    expect(children.map((c) => [c.id, c.parentId])).toEqual([
      ['ACTIVE!500', selectionRootId],
      ['ACTIVE!11', selectionRootId],
    ]);
    const inside: string[] = [];
    for await (const child of store.listChildren('ACTIVE!11')) inside.push(child.id);
    expect(inside).toEqual(['ACTIVE!501']);
    expect(store.capabilities.changeQuery).toBe(false);
    expect(() => store.delete()).toThrow(ContentError);
  });
});

describe('describeSelection', () => {
  it('counts what folders hold, gives document sizes, and reports unreadable items instead of failing', async () => {
    const items = await describeSelection(memoryStore(tree), ['ACTIVE!10', 'ACTIVE!500', 'ACTIVE!999']);
    expect(items).toEqual([
      {
        id: 'ACTIVE!10',
        kind: 'folder',
        name: 'Pleadings',
        size: 2000,
        version: null,
        documentCount: 2,
        folderCount: 1,
        countComplete: true,
        error: null,
      },
      {
        id: 'ACTIVE!500',
        kind: 'document',
        name: 'Claim.docx',
        size: 1200,
        version: '3',
        documentCount: null,
        folderCount: null,
        countComplete: true,
        error: null,
      },
      {
        id: 'ACTIVE!999',
        kind: 'document',
        name: 'ACTIVE!999',
        size: null,
        version: null,
        documentCount: null,
        folderCount: null,
        countComplete: true,
        error: 'ACTIVE!999 does not exist.',
      },
    ]);
  });
});
