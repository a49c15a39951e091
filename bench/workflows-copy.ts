/**
 * (a) Copy throughput, iManage → local folder: a Copy workflow against a plain script that lists the
 * same documents and downloads them to disk with the same concurrency, in the same run. Prints
 * documents/s, MB/s and the ratio workflow/plain (the goal is at least 0.9). Asserts nothing.
 *
 *   node --import tsx bench/workflows-copy.ts [--small 5000] [--large 4] [--large-min-mb 50]
 *     [--large-max-mb 200] [--concurrency 4] [--rounds 2]
 *
 * The emulator runs in a process of its own (as a real iManage server would be elsewhere), so both
 * sides are measured with the same server and neither pays for the server's CPU time.
 * Each round runs the plain script and then the workflow (alternating which goes first), each into a
 * fresh folder; the best round of each is compared, as other work on the machine makes single runs noisy.
 *
 * The full set is --small 5000 --large 20; the default large count is lower so that the
 * script finishes in a few minutes on two cores.
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { performRun } from '../packages/server/src/workflows/runs.ts';
import { createWorkflow } from '../packages/server/src/workflows/service.ts';
import { compareRounds, type Figures, MB } from './compare.ts';
import { type BenchSetup, listDocuments, setupBench } from './workflows-setup.ts';

const { values } = parseArgs({
  options: {
    small: { type: 'string', default: '5000' },
    large: { type: 'string', default: '4' },
    'large-min-mb': { type: 'string', default: '50' },
    'large-max-mb': { type: 'string', default: '200' },
    concurrency: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '2' },
  },
});
const concurrency = Number(values.concurrency);

/** The workflow: create a Copy and run it to the end in this process. */
async function viaWorkflow(setup: BenchSetup, folderId: string): Promise<Figures> {
  const target = await setup.localFolder('workflow');
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
  const started = performance.now();
  const done = await performRun(setup.lexbridge, run!.id, { log: setup.lexbridge.log });
  const seconds = (performance.now() - started) / 1000;
  if (done?.status !== 'succeeded') throw new Error(`run ended ${done?.status}: ${done?.error}`);
  return { documents: done.created, bytes: Number(done.bytes), seconds };
}

/** The baseline: list the folder, download every document with the same concurrency, write it to disk. */
async function viaPlainScript(setup: BenchSetup, folderId: string): Promise<Figures> {
  const target = await setup.localFolder('plain');
  const auth = { 'x-auth-token': await setup.plainToken() };
  const base = `${setup.emulatorUrl}/work/api/v2/customers/${setup.customerId}/libraries/ACTIVE`;
  const started = performance.now();
  const documents = await listDocuments(setup, folderId, auth);
  await mkdir(target.path, { recursive: true });
  let next = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < documents.length) {
        const document = documents[next++]!;
        const res = await fetch(`${base}/documents/${document.id}/download`, { headers: auth });
        const file = join(target.path, `${document.id.replace(/[!.]/g, '_')}-${document.name}`);
        await pipeline(res.body!, createWriteStream(file));
        bytes += Number(res.headers.get('content-length'));
      }
    }),
  );
  return { documents: documents.length, bytes, seconds: (performance.now() - started) / 1000 };
}

async function measure(label: string, documents: number, minSize: number, maxSize: number): Promise<void> {
  const setup = await setupBench(
    {
      workspaces: 1,
      folderDepth: 1,
      foldersPerContainer: 1,
      documentsPerFolder: documents,
      minSize,
      maxSize,
    },
    { LEXBRIDGE_WORKFLOW_CONCURRENCY: String(concurrency) },
    { emulatorProcess: true },
  );
  try {
    const { folderId } = await setup.firstFolder();
    await compareRounds(label, Number(values.rounds), {
      workflow: () => viaWorkflow(setup, folderId),
      plain: () => viaPlainScript(setup, folderId),
    });
  } finally {
    await setup.close();
  }
}

console.log(`node ${process.version}, concurrency ${concurrency}, embedded database`);
if (Number(values.small) > 0) await measure('small', Number(values.small), 1024, 64 * 1024);
if (Number(values.large) > 0)
  await measure(
    'large',
    Number(values.large),
    Number(values['large-min-mb']) * MB,
    Number(values['large-max-mb']) * MB,
  );
