/**
 * (b) A one-way sync when nothing changed, on a large iManage library: the Work API calls (counted on
 * the wire by a proxy) and the time of a full reconciliation, of an incremental run (change query with
 * the watermark), and of an incremental run after a few documents changed. The goal: calls grow with
 * the changes, not with the size of the library. Prints figures; asserts nothing.
 *
 *   node --import tsx bench/workflows-nochange.ts [--documents 20000] [--changes 10]
 */
import { parseArgs } from 'node:util';
import { createWorkflow } from '../packages/server/src/workflows/service.ts';
import { passes, setupBench } from './workflows-setup.ts';

const { values } = parseArgs({
  options: { documents: { type: 'string', default: '20000' }, changes: { type: 'string', default: '10' } },
});
const folders = 110; // 10 folders with 10 subfolders each, all holding documents
const setup = await setupBench({
  workspaces: 1,
  folderDepth: 2,
  foldersPerContainer: 10,
  documentsPerFolder: Math.ceil(Number(values.documents) / folders),
  minSize: 512,
  maxSize: 2048,
});
try {
  const workspaceId = setup.emulator!.store.workspacesIn('ACTIVE')[0]!.id;
  const total = setup.emulator!.store.documents.size;
  const target = await setup.localFolder('mirror');
  const { workflow, run } = await createWorkflow(
    setup.lexbridge,
    { id: setup.userId, roles: ['User'] },
    {
      name: 'bench',
      type: 'one_way_sync',
      source: { connectorId: setup.imanageId, id: workspaceId },
      target: { connectorId: target.id, id: '' },
    },
  );

  const { measure, again } = passes(setup, workflow.id, 34);

  console.log(`node ${process.version}; library: ${total} documents in ${folders} folders`);
  await measure('initial copy (full)', run!.id);
  const full = await measure('no change, full reconciliation', await again(true));
  const incremental = await measure('no change, incremental', await again(false));
  const documents = [...setup.emulator!.store.documents.values()].slice(0, Number(values.changes));
  for (const document of documents)
    setup.emulator!.addDocumentVersion(
      `${document.library}!${document.number}`,
      `changed ${document.number}`,
    );
  const changed = await measure(`${documents.length} changed, incremental`, await again(false));
  console.log(
    `ratios: incremental/full calls ${(incremental.calls / full.calls).toFixed(4)}, time ${(incremental.seconds / full.seconds).toFixed(3)}; ` +
      `calls per changed document ${((changed.calls - incremental.calls) / Math.max(1, documents.length)).toFixed(1)}`,
  );
} finally {
  await setup.close();
}
