/**
 * (c) Peak memory while a Copy workflow moves one very large iManage document to a local folder.
 * Samples the process's resident set size while the run goes and prints the peak above the idle
 * figure taken just before (the goal: under 200 MB above idle for 1 GB). The emulator runs in a process
 * of its own, so the figure is Lexbridge's alone. Prints figures; asserts nothing.
 *
 *   node --expose-gc --import tsx bench/workflows-memory.ts [--mb 1024]
 */
import { parseArgs } from 'node:util';
import { performRun } from '../packages/server/src/workflows/runs.ts';
import { createWorkflow } from '../packages/server/src/workflows/service.ts';
import { MB, reportPeakMemory } from './compare.ts';
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
try {
  const { folderId } = await setup.firstFolder();
  const target = await setup.localFolder('large');
  const { run } = await createWorkflow(
    setup.lexbridge,
    { id: setup.userId, roles: ['User'] },
    {
      name: 'bench',
      type: 'copy',
      source: { connectorId: setup.imanageId, id: folderId },
      target: { connectorId: target.id, id: '' },
    },
  );
  await reportPeakMemory('to a local folder', size, async () => {
    const done = await performRun(setup.lexbridge, run!.id, { log: setup.lexbridge.log });
    return { status: done?.status ?? 'missing', bytes: Number(done?.bytes) };
  });
} finally {
  await setup.close();
}
