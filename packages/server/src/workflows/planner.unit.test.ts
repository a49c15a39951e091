import { workflowOptionsSchema, workflowTriggersSchema } from '@lexbridge/contracts';
import { describe, expect, it } from 'vitest';
import type { ContentItem, ContentStore, ContentVersion } from '../connectors/content.ts';
import { type LinkRow, planSync } from './planner.ts';

/** A source with one folder holding one document with three versions (2 is minor). */
function versionedSource(): ContentStore {
  const root: ContentItem = { id: 'R', kind: 'folder', name: 'Root', parentId: null };
  const doc: ContentItem = {
    id: 'D',
    kind: 'document',
    name: 'memo.docx',
    parentId: 'R',
    size: 30,
    version: '3',
  };
  const versions: ContentVersion[] = [
    { id: 'D.1', version: '1', major: true, size: 10 },
    { id: 'D.2', version: '2', major: false, size: 20 },
    { id: 'D.3', version: '3', major: true, size: 30 },
  ];
  return {
    capabilities: {
      versions: true,
      changeQuery: false,
      names: { windows: false, maxBytes: 254 },
      replacesByName: false,
    },
    getItem: async () => root,
    ancestors: async () => [],
    async *listChildren(id: string) {
      if (id === 'R') yield doc;
    },
    findChild: async () => null,
    listVersions: async () => versions,
    openRead: async () => {
      throw new Error('not used');
    },
    writeDocument: async () => {
      throw new Error('not used');
    },
    createFolder: async () => root,
    relocate: async () => root,
    delete: async () => undefined,
    rights: async () => ({ read: true, write: true }),
  };
}

async function plan(
  options: Record<string, unknown>,
  targetVersions: boolean,
  links = new Map<string, LinkRow>(),
) {
  const { actions } = await planSync({
    type: 'one_way_sync',
    options: workflowOptionsSchema.parse(options),
    triggers: workflowTriggersSchema.parse({}),
    baselineTaken: true,
    source: versionedSource(),
    sourceRootId: 'R',
    targetNames: { windows: true, maxBytes: 255 },
    targetVersions,
    links,
  });
  return actions;
}

describe('planSync versions', () => {
  it('copies only the current content with Latest Version Only', async () => {
    const [action] = await plan({ latestVersionOnly: true }, true);
    expect(action).toMatchObject({ type: 'create', versions: null });
  });

  it('copies every version, oldest first, when the target keeps versions', async () => {
    const [action] = await plan({ latestVersionOnly: false }, true);
    expect(action?.type === 'create' && action.versions?.map((v) => v.version)).toEqual(['1', '2', '3']);
  });

  it('copies only major versions with Sync Major Versions Only, and only the newest to a target without versions', async () => {
    const [major] = await plan({ latestVersionOnly: false, syncMajorVersionsOnly: true }, true);
    expect(major?.type === 'create' && major.versions?.map((v) => v.version)).toEqual(['1', '3']);
    const [flat] = await plan({ latestVersionOnly: false }, false);
    expect(flat?.type === 'create' && flat.versions?.map((v) => v.version)).toEqual(['3']);
  });

  it('sees nothing to do when the linked version is the current one', async () => {
    const link = {
      workflowId: 'w',
      sourceId: 'D',
      kind: 'document',
      state: 'linked',
      sourceParentId: 'R',
      sourceName: 'memo.docx',
      sourceVersion: '3',
      sourceSize: 30,
      sourceModifiedAt: null,
      sourceIdentity: null,
      targetId: 'T',
      targetParentId: '',
      targetName: 'memo.docx',
      targetVersion: null,
      targetModifiedAt: null,
      targetIdentity: null,
      size: 30,
      sha256: null,
      lastRunId: null,
      updatedAt: new Date(),
    } satisfies LinkRow;
    expect(await plan({ latestVersionOnly: false }, true, new Map([['D', link]]))).toEqual([]);
  });

  it('adds only the versions after the linked one on an update', async () => {
    const link = {
      workflowId: 'w',
      sourceId: 'D',
      kind: 'document',
      state: 'linked',
      sourceParentId: 'R',
      sourceName: 'memo.docx',
      sourceVersion: '1',
      sourceSize: 10,
      sourceModifiedAt: null,
      sourceIdentity: null,
      targetId: 'T',
      targetParentId: '',
      targetName: 'memo.docx',
      targetVersion: null,
      targetModifiedAt: null,
      targetIdentity: null,
      size: 10,
      sha256: null,
      lastRunId: null,
      updatedAt: new Date(),
    } satisfies LinkRow;
    const [action] = await plan({ latestVersionOnly: false }, true, new Map([['D', link]]));
    expect(action?.type === 'update' && action.versions?.map((v) => v.version)).toEqual(['2', '3']);
  });
});
