import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrationsDir } from '../../src/store/migrate.ts';
import { connectors, itemLinks, workflows } from '../../src/store/schema.ts';
import { createTestLexbridge, signIn, type TestLexbridge } from '../support/lexbridge.ts';

/**
 * Migration 0009 re-keys the iManage documents of stored links as LIB!n.latest, on whichever side
 * iManage is, and leaves folders and other systems' ids alone.
 */
let lexbridge: TestLexbridge;
beforeAll(async () => {
  lexbridge = await createTestLexbridge();
});
afterAll(async () => {
  await lexbridge?.dispose();
});

describe('migration 0009 (iManage document keys)', () => {
  it('re-keys iManage documents on both sides, and only those', async () => {
    const owner = await signIn(lexbridge, { roles: ['User'] });
    const imanage = randomUUID();
    const local = randomUUID();
    await lexbridge.store.db.insert(connectors).values([
      { id: imanage, type: 'imanage-onprem', name: 'iManage', config: {} },
      { id: local, type: 'local-folder', name: 'Share', config: { path: '/tmp' } },
    ]);
    const out = randomUUID();
    const back = randomUUID();
    const base = { ownerId: owner.userId, sourceLocation: {}, targetLocation: {} };
    await lexbridge.store.db.insert(workflows).values([
      {
        ...base,
        id: out,
        name: 'out',
        type: 'one_way_sync',
        sourceConnectorId: imanage,
        targetConnectorId: local,
      },
      {
        ...base,
        id: back,
        name: 'back',
        type: 'one_way_sync',
        sourceConnectorId: local,
        targetConnectorId: imanage,
      },
    ]);
    await lexbridge.store.db.insert(itemLinks).values([
      { workflowId: out, sourceId: 'ACTIVE!1004', kind: 'folder', sourceName: 'Drafts', targetId: 'Drafts' },
      {
        workflowId: out,
        sourceId: 'ACTIVE!2001',
        kind: 'document',
        sourceName: 'Reply',
        targetId: 'Drafts/Reply.docx',
      },
      {
        workflowId: back,
        sourceId: 'Drafts/Memo.docx',
        kind: 'document',
        sourceName: 'Memo.docx',
        targetId: 'ACTIVE!3001.2',
      },
      { workflowId: back, sourceId: 'Drafts', kind: 'folder', sourceName: 'Drafts', targetId: 'ACTIVE!1005' },
    ]);
    const sql = await readFile(`${migrationsDir}0009_imanage_document_keys.sql`, 'utf8');
    await lexbridge.store.sql.exec(sql);
    await lexbridge.store.sql.exec(sql); // applying it twice changes nothing more
    const links = async (workflowId: string) =>
      (await lexbridge.store.db.select().from(itemLinks).where(eq(itemLinks.workflowId, workflowId)))
        .map((l) => [l.kind, l.sourceId, l.targetId])
        .sort();
    expect(await links(out)).toEqual([
      ['document', 'ACTIVE!2001.latest', 'Drafts/Reply.docx'],
      ['folder', 'ACTIVE!1004', 'Drafts'],
    ]);
    expect(await links(back)).toEqual([
      ['document', 'Drafts/Memo.docx', 'ACTIVE!3001.latest'],
      ['folder', 'Drafts', 'ACTIVE!1005'],
    ]);
  });
});
