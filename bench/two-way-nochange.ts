/**
 * A two-way sync when nothing changed: an iManage workspace (emulator, Work API calls counted on the
 * wire by the proxy of workflows-setup.ts) against a local folder, each side holding about 10,000
 * documents of its own before the first pass. Prints the API calls and time of the initial sync, of a
 * full pass with no change, of incremental passes (change feeds from each side's watermark) with no
 * change, and of one with a few documents changed on each side; ratios against the full pass measured
 * in the same run. Asserts nothing. A local folder has no change feed: it is walked in full on every
 * pass, which costs no API calls (its time is in the figures).
 *
 * iManage's change search starts twelve minutes before the newest change the last pass saw (the
 * two-minute overlap and ten minutes of index lag), so right after the initial sync the 10,000
 * documents Lexbridge had just written into iManage come back in every incremental search (20 pages,
 * each recognised as Lexbridge's own without further calls) until a newer change moves the window on:
 * time alone does not (the bench moves the emulator's clock 15 minutes on and measures again). The
 * changes then made on each side move it, and the pass after them is the steady state.
 *
 *   node --import tsx bench/two-way-nochange.ts [--documents 10000] [--changes 10]
 */
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createWorkflow } from '../packages/server/src/workflows/service.ts';
import { passes, setupBench } from './workflows-setup.ts';

const { values } = parseArgs({
  options: { documents: { type: 'string', default: '10000' }, changes: { type: 'string', default: '10' } },
});
const documents = Number(values.documents);
const changes = Number(values.changes);
const folders = 110; // 10 folders with 10 subfolders each, all holding documents
const setup = await setupBench({
  workspaces: 1,
  folderDepth: 2,
  foldersPerContainer: 10,
  documentsPerFolder: Math.ceil(documents / folders),
  minSize: 512,
  maxSize: 2048,
});
const emulator = setup.emulator!;
try {
  const workspaceId = emulator.store.workspacesIn('ACTIVE')[0]!.id;
  const local = await setup.localFolder('teams-export');
  const localFiles: string[] = [];
  for (let f = 0; f < 100; f++) {
    await mkdir(join(local.path, `Local ${f}`));
    for (let d = 0; d < Math.ceil(documents / 100); d++) {
      const path = join(local.path, `Local ${f}`, `Note ${f}-${d}.txt`);
      await writeFile(path, `local note ${f}-${d} `.repeat(40));
      localFiles.push(path);
    }
  }
  const { workflow, run } = await createWorkflow(
    setup.lexbridge,
    { id: setup.userId, roles: ['User'] },
    {
      name: 'bench',
      type: 'two_way_sync',
      source: { connectorId: setup.imanageId, id: workspaceId },
      target: { connectorId: local.id, id: '' },
    },
  );

  const { measure, again } = passes(setup, workflow.id, 44);
  // The emulator's search index lags 0 s here; its clock moves on only where said.
  console.log(
    `node ${process.version}; iManage: ${emulator.store.documents.size} documents in ${folders} folders; ` +
      `local folder: ${localFiles.length} files in 100 folders; load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  await measure('initial sync (full, both directions)', run!.id);
  const full = await measure('no change, full pass', await again(true));
  const afterBurst = await measure('no change, incremental (just after initial)', await again(false));
  emulator.clock.advance(15 * 60_000);
  const quiet = await measure('no change, incremental (15 min on)', await again(false));
  const changedDocs = [...emulator.store.documents.values()].slice(0, changes);
  for (const document of changedDocs)
    emulator.addDocumentVersion(`${document.library}!${document.number}`, `changed ${document.number}`);
  const later = new Date(Date.now() + 60_000);
  for (const path of localFiles.slice(0, changes)) {
    await writeFile(path, `changed locally ${path}`);
    await utimes(path, later, later);
  }
  const changed = await measure(`${changes} changed on each side, incremental`, await again(false));
  const steady = await measure('no change, incremental (after the changes)', await again(false));
  const ratio = (m: { calls: number; seconds: number }) =>
    `calls ${(m.calls / full.calls).toFixed(4)}, time ${(m.seconds / full.seconds).toFixed(3)}`;
  console.log(
    `ratios against the full pass with no change (${full.calls} calls, ${full.seconds.toFixed(2)} s):`,
  );
  console.log(`  incremental just after initial: ${ratio(afterBurst)}`);
  console.log(`  incremental, quiet:             ${ratio(quiet)}`);
  console.log(`  incremental, ${changes} changed each side: ${ratio(changed)}`);
  console.log(`  incremental, steady state:      ${ratio(steady)}`);
  console.log(
    `load average at the end ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
} finally {
  await setup.close();
}
