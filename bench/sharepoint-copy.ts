/**
 * Copy throughput, iManage → SharePoint: a Copy workflow into a OneDrive folder against a plain script
 * that lists the same documents, downloads each from the iManage emulator and uploads it to the Graph
 * emulator (one PUT up to 4 MiB, else an upload session in fragments of the connector's chunk size)
 * with the same concurrency, in the same run. Prints documents/s, MB/s and the ratio workflow/plain
 * (the goal is at least 0.9). Asserts nothing.
 *
 *   node --import tsx bench/sharepoint-copy.ts [--small 2000] [--large 3] [--large-min-mb 50]
 *     [--large-max-mb 100] [--concurrency 4] [--rounds 2]
 *
 * Both emulators run in processes of their own (as the real services are elsewhere), so neither side
 * pays for their CPU time. The workflow also computes SHA-256 and quickXorHash of every byte and
 * checks Graph's answer; the plain script verifies nothing. Rounds alternate which side goes first;
 * the best round of each is compared.
 */
import { parseArgs } from 'node:util';
import { defaultChunkSize, simpleUploadLimit } from '../packages/server/src/connectors/sharepoint/upload.ts';
import { performRun } from '../packages/server/src/workflows/runs.ts';
import { createWorkflow } from '../packages/server/src/workflows/service.ts';
import { compareRounds, type Figures, MB } from './compare.ts';
import { addGraph, type GraphBench } from './sharepoint-setup.ts';
import { type BenchSetup, listDocuments, setupBench } from './workflows-setup.ts';

const { values } = parseArgs({
  options: {
    small: { type: 'string', default: '2000' },
    large: { type: 'string', default: '3' },
    'large-min-mb': { type: 'string', default: '50' },
    'large-max-mb': { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '2' },
  },
});
const concurrency = Number(values.concurrency);

async function viaWorkflow(setup: BenchSetup, graph: GraphBench, folderId: string): Promise<Figures> {
  const target = await graph.newFolder('workflow');
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
  const started = performance.now();
  const done = await performRun(setup.lexbridge, run!.id, { log: setup.lexbridge.log });
  const seconds = (performance.now() - started) / 1000;
  if (done?.status !== 'succeeded') throw new Error(`run ended ${done?.status}: ${done?.error}`);
  return { documents: done.created, bytes: Number(done.bytes), seconds };
}

/** `size`-byte fragments (the last one shorter) of a download. */
async function* fragments(body: AsyncIterable<Uint8Array>, size: number): AsyncIterable<Buffer> {
  let held: Buffer[] = [];
  let length = 0;
  for await (const chunk of body) {
    held.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    length += chunk.byteLength;
    while (length >= size) {
      const all = Buffer.concat(held);
      yield all.subarray(0, size);
      held = [all.subarray(size)];
      length -= size;
    }
  }
  if (length > 0) yield Buffer.concat(held);
}

async function uploadPlain(
  graph: GraphBench,
  folder: { driveId: string; itemId: string },
  name: string,
  size: number,
  body: ReadableStream<Uint8Array>,
): Promise<void> {
  const bearer = { authorization: `Bearer ${graph.plainToken}` };
  const at = `${graph.graphUrl}/drives/${folder.driveId}/items/${folder.itemId}:/${encodeURIComponent(name)}:`;
  if (size <= simpleUploadLimit) {
    const bytes = Buffer.from(await new Response(body).arrayBuffer());
    const put = await fetch(`${at}/content`, { method: 'PUT', headers: bearer, body: bytes });
    if (put.status !== 201) throw new Error(`simple upload: ${put.status} ${await put.text()}`);
    return;
  }
  const session = await fetch(`${at}/createUploadSession`, {
    method: 'POST',
    headers: { ...bearer, 'content-type': 'application/json' },
    body: JSON.stringify({ item: { '@microsoft.graph.conflictBehavior': 'fail' } }),
  });
  const { uploadUrl } = (await session.json()) as { uploadUrl: string };
  let offset = 0;
  for await (const fragment of fragments(body as AsyncIterable<Uint8Array>, defaultChunkSize)) {
    const res = await fetch(uploadUrl, {
      method: 'PUT',
      headers: { 'content-range': `bytes ${offset}-${offset + fragment.length - 1}/${size}` },
      body: fragment as Uint8Array<ArrayBuffer>,
    });
    await res.arrayBuffer();
    if (res.status >= 300) throw new Error(`fragment at ${offset}: ${res.status}`);
    offset += fragment.length;
  }
}

/** The baseline: list, then download from iManage and upload to Graph, `concurrency` at a time. */
async function viaPlainScript(setup: BenchSetup, graph: GraphBench, folderId: string): Promise<Figures> {
  const target = await graph.newFolder('plain');
  const auth = { 'x-auth-token': await setup.plainToken() };
  const base = `${setup.emulatorUrl}/work/api/v2/customers/${setup.customerId}/libraries/ACTIVE`;
  const started = performance.now();
  const documents = await listDocuments(setup, folderId, auth);
  let next = 0;
  let bytes = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < documents.length) {
        const document = documents[next++]!;
        const res = await fetch(`${base}/documents/${document.id}/download`, { headers: auth });
        const size = Number(res.headers.get('content-length'));
        await uploadPlain(
          graph,
          target,
          `${document.id.replace(/[!.]/g, '_')}-${document.name}`,
          size,
          res.body!,
        );
        bytes += size;
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
    {
      LEXBRIDGE_WORKFLOW_CONCURRENCY: String(concurrency),
      LEXBRIDGE_CONNECTOR_CONCURRENCY: String(concurrency),
    },
    { emulatorProcess: true },
  );
  const graph = await addGraph(setup);
  try {
    const { folderId } = await setup.firstFolder();
    await compareRounds(label, Number(values.rounds), {
      workflow: () => viaWorkflow(setup, graph, folderId),
      plain: () => viaPlainScript(setup, graph, folderId),
    });
  } finally {
    await graph.close();
    await setup.close();
  }
}

console.log(
  `node ${process.version}, concurrency ${concurrency}, upload chunk ${defaultChunkSize / MB} MiB, embedded database`,
);
if (Number(values.small) > 0) await measure('small', Number(values.small), 1024, 64 * 1024);
if (Number(values.large) > 0)
  await measure(
    'large',
    Number(values.large),
    Number(values['large-min-mb']) * MB,
    Number(values['large-max-mb']) * MB,
  );
