import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ContentItem, ContentStore, WriteDocumentOptions } from '../../connectors/content.ts';
import { createLogger } from '../../log.ts';
import { executePlan } from '../executor.ts';
import type { PlanRecorder } from './input.ts';

const capabilities: ContentStore['capabilities'] = {
  versions: false,
  changeQuery: false,
  names: { windows: false, maxBytes: 254 },
  replacesByName: true,
};

function recorder(): PlanRecorder & { items: unknown[] } {
  const items: unknown[] = [];
  return {
    items,
    counts: { created: 0, updated: 0, deleted: 0, skipped: 0, failed: 0 },
    record(item, counter) {
      items.push(item);
      if (counter) this.counts[counter]++;
    },
    link: () => undefined,
    forget: () => undefined,
    setPlanned: () => undefined,
  };
}

describe('copying a document', () => {
  it("hands the source item's metadata to the target's writeDocument", async () => {
    const item: ContentItem = {
      id: 'D1',
      kind: 'document',
      name: 'memo.docx',
      parentId: 'R',
      size: 5,
      metadata: { author: 'John Smith', number: '1160', version: '2', system: 'Example DMS' },
    };
    const writes: WriteDocumentOptions[] = [];
    const source = {
      capabilities,
      openRead: async () => ({ stream: Readable.from([Buffer.from('hello')]), size: 5 }),
    } as unknown as ContentStore;
    const target = {
      capabilities,
      async writeDocument(_parent: string, name: string, stream: Readable, options: WriteDocumentOptions) {
        writes.push(options);
        for await (const _chunk of stream);
        await options.verify?.({ size: 5, sha256: 'x' });
        return { item: { id: `T/${name}`, kind: 'document', name, parentId: 'T' }, size: 5, sha256: 'x' };
      },
    } as unknown as ContentStore;
    const runRecorder = recorder();
    await executePlan({
      runId: '00000000-0000-4000-8000-000000000001',
      workflowId: '00000000-0000-4000-8000-000000000002',
      dryRun: false,
      source,
      target,
      sourceRootId: 'R',
      targetRootId: 'T',
      includeSelectContainer: false,
      actions: [
        {
          type: 'create',
          item,
          name: 'memo.docx',
          parentSourceId: 'R',
          sourcePath: 'memo.docx',
          versions: null,
        },
      ],
      links: new Map(),
      concurrency: 2,
      maxDeletes: 10,
      signal: new AbortController().signal,
      recorder: runRecorder,
      log: createLogger({ level: 'silent' }),
    });
    expect(runRecorder.counts.created).toBe(1);
    expect(writes).toHaveLength(1);
    expect(writes[0]!.metadata).toEqual(item.metadata);
  });
});
