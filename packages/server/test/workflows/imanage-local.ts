import { createHash } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunningEmulator } from '@lexbridge/imanage-emulator';
import {
  authoriseThroughEmulator,
  createImanageConnector,
  startEmulatorFor,
  usePublicUrl,
} from '../connectors/support.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createRoot, readTree } from './helpers.ts';

/** A server with local folders under `root`, an emulator, and a user authorised on its iManage connector. */
export interface ImanageSuite {
  server: TestServer;
  emulator: RunningEmulator;
  user: SignedIn;
  imanageId: string;
  root: string;
  close(): Promise<void>;
}

export async function startImanageSuite(): Promise<ImanageSuite> {
  const root = await createRoot();
  const server = await startTestServer({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: root } });
  usePublicUrl(server);
  const emulator = await startEmulatorFor(server, {}, [
    { id: 'jsmith', password: 'password', name: 'John Smith', access: { '*': 'full_access' } },
  ]);
  const admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  const user = await signIn(server.lexbridge, { roles: ['User'] });
  const imanageId = (await createImanageConnector(server, admin, emulator)).id;
  await authoriseThroughEmulator(server, user, imanageId);
  return {
    server,
    emulator,
    user,
    imanageId,
    root,
    async close() {
      await emulator.close();
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** What the emulator holds under the folder: relative path → sha256 hex of the latest version. */
export function expectedTree(
  emulator: RunningEmulator,
  folderId: string,
  prefix = '',
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const document of emulator.store.documentsIn(folderId)) {
    const version = document.versions.at(-1)!;
    const name = version.extension ? `${document.name}.${version.extension}` : document.name;
    out[`${prefix}${name}`] = emulator.store.checksum(version).slice(7).toLowerCase();
  }
  for (const folder of emulator.store.subfolders(folderId))
    Object.assign(out, expectedTree(emulator, folder.id, `${prefix}${folder.name}/`));
  return out;
}

/** What a local folder holds: relative path → sha256 hex (documents only). */
export async function actualTree(base: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const path of Object.keys(await readTree(base))) {
    if (path.endsWith('/')) continue;
    out[path] = createHash('sha256')
      .update(await readFile(join(base, path)))
      .digest('hex');
  }
  return out;
}

/** Puts a text document into an emulator folder. */
export function addTextDocument(emulator: RunningEmulator, folderId: string, name: string, text: string) {
  return emulator.store.createDocument(folderId, 'jsmith', {
    name,
    extension: 'txt',
    content: {
      kind: 'bytes',
      bytes: Buffer.from(text),
      sha256: createHash('sha256').update(text).digest('hex'),
    },
  });
}
