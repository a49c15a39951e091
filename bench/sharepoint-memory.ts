/**
 * Peak memory while a Copy workflow moves one very large iManage document into SharePoint through an
 * upload session (fragments of the connector's chunk size, committed after verification). Samples
 * the process's resident set size while the run goes and prints the peak above the idle figure taken
 * just before (the goal: under 100 MB above idle for 1 GB). Both emulators run in processes of their
 * own, so the figure is Lexbridge's alone. Prints figures; asserts nothing.
 *
 *   node --expose-gc --import tsx bench/sharepoint-memory.ts [--mb 1024]
 */
import { parseArgs } from 'node:util';
import { defaultChunkSize } from '../packages/server/src/connectors/sharepoint/upload.ts';
import { performRun } from '../packages/server/src/workflows/runs.ts';
import { createWorkflow } from '../packages/server/src/workflows/service.ts';
import { MB, reportPeakMemory } from './compare.ts';
import { addGraph } from './sharepoint-setup.ts';
import { setupBench } from './workflows-setup.ts';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '1024' } } });
const size = Number(values.mb) * MB;
const setup = await setupBench(
  {
    workspaces: 1,
    folderDepth: 1,
    foldersPerContainer: 1,
    documentsPerFolder: 1,
    minSize: size,
    maxSize: size,
  },
  {},
  { emulatorProcess: true },
);
const graph = await addGraph(setup);
try {
  const { folderId } = await setup.firstFolder();
  const target = await graph.newFolder('large');
  const { run } = await createWorkflow(
    setup.lexbridge,
    { id: setup.userId, roles: ['User'] },
    {
      name: 'bench',
      type: 'copy',
      source: { connectorId: setup.imanageId, id: folderId },
      target: { connectorId: graph.sharepointId, id: target.locationId },
    },
  );
  await reportPeakMemory(`to SharePoint in ${defaultChunkSize / MB} MiB fragments`, size, async () => {
    const done = await performRun(setup.lexbridge, run!.id, { log: setup.lexbridge.log });
    return { status: done?.status ?? 'missing', bytes: Number(done?.bytes) };
  });
} finally {
  await graph.close();
  await setup.close();
}
