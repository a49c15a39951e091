/**
 * Microsoft's own JavaScript Graph client against the emulator, as an independent check of Graph's
 * shapes: it attaches the bearer token only to the hosts it is told are Graph (here 127.0.0.1), so
 * download and upload URLs on the content host (localhost) must work without one. The client calls
 * the global fetch; here that is undici's (the version whose Agent trusts the emulator's CA: Node
 * 20's built-in fetch refuses an undici 7 Agent for bodies with Content-Length). Outside tests,
 * NODE_EXTRA_CA_CERTS with the CA file works with the built-in fetch as it is.
 */
import {
  Client,
  FileUpload,
  type LargeFileUploadSession,
  LargeFileUploadTask,
  OneDriveLargeFileUploadTask,
  PageIterator,
} from '@microsoft/microsoft-graph-client';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { quickXorHash } from '../src/quick-xor-hash.ts';
import { ALEX, signIn, startTestEmulator, type TestEmulator } from './helpers.ts';

let emulator: TestEmulator;
let client: Client;
const builtInFetch = globalThis.fetch;
beforeAll(async () => {
  globalThis.fetch = undiciFetch as unknown as typeof fetch;
  emulator = await startTestEmulator();
  const { access_token: token } = await signIn(emulator, ALEX);
  client = Client.init({
    authProvider: (done) => done(null, token),
    baseUrl: emulator.loginUrl,
    defaultVersion: 'v1.0',
    customHosts: new Set([new URL(emulator.graphUrl).hostname]),
    fetchOptions: { dispatcher: emulator.agent } as RequestInit,
  });
});
afterAll(async () => {
  globalThis.fetch = builtInFetch;
  await emulator.close();
});

describe('@microsoft/microsoft-graph-client 3.0.7', () => {
  it('reads /me, the drive, sites and joined teams', async () => {
    expect((await client.api('/me').get()).userPrincipalName).toBe(ALEX);
    expect((await client.api('/me/drive').select('id,driveType').get()).driveType).toBe('business');
    const sites = await client.api('/sites').query({ search: 'matter' }).get();
    expect(sites.value.map((site: { name: string }) => site.name).sort()).toEqual([
      'Matter1001',
      'Matter1002',
    ]);
    const teams = await client.api('/me/joinedTeams').get();
    const channels = await client.api(`/teams/${teams.value[0].id}/channels`).get();
    const folder = await client
      .api(`/teams/${teams.value[0].id}/channels/${channels.value[1].id}/filesFolder`)
      .get();
    expect(folder).toMatchObject({ name: 'Client - Acme', folder: { childCount: 1 } });
  });

  it('pages with PageIterator through https @odata.nextLink', async () => {
    for (let i = 0; i < 5; i++) await client.api(`/me/drive/root:/Iterated/n${i}.txt:/content`).put(`n${i}`);
    const names: string[] = [];
    const first = await client.api('/me/drive/root:/Iterated:/children').top(2).get();
    await new PageIterator(client, first, (item: { name: string }) => {
      names.push(item.name);
      return true;
    }).iterate();
    expect(names).toEqual(['n0.txt', 'n1.txt', 'n2.txt', 'n3.txt', 'n4.txt']);
  });

  it('uploads a large file with OneDriveLargeFileUploadTask in 320 KiB ranges', async () => {
    const content = Buffer.from(Array.from({ length: 700_000 }, (_, i) => (i * 13) % 256));
    const task = await OneDriveLargeFileUploadTask.createTaskWithFileObject(
      client,
      new FileUpload(content, 'large.bin', content.length),
      { path: '/Uploads', fileName: 'large.bin', rangeSize: 327_680, conflictBehavior: 'rename' },
    );
    const result = await task.upload();
    const item = result.responseBody as {
      id: string;
      size: number;
      file: { hashes: { quickXorHash: string } };
    };
    expect(item.size).toBe(content.length);
    expect(item.file.hashes.quickXorHash).toBe(quickXorHash(content));
  });

  it('resumes an interrupted session from nextExpectedRanges', async () => {
    const content = Buffer.alloc(3 * 327_680 + 17, 7);
    const session: LargeFileUploadSession = await LargeFileUploadTask.createUploadSession(
      client,
      '/me/drive/root:/Uploads/resumed.bin:/createUploadSession',
      { item: { '@microsoft.graph.conflictBehavior': 'replace' } },
    );
    const task = new LargeFileUploadTask(
      client,
      new FileUpload(content, 'resumed.bin', content.length),
      session,
      {
        rangeSize: 327_680,
      },
    );
    emulator.addFault({ kind: 'dropUpload', path: '/upload/' });
    await expect(task.upload()).rejects.toThrow();
    const status = (await task.getStatus()) as { nextExpectedRanges: string[] };
    expect(status.nextExpectedRanges).toEqual([`0-${content.length - 1}`]);
    const done = await task.resume();
    expect(done).toMatchObject({ responseBody: { size: content.length } });
  });

  it('downloads through /content without leaking the token to the content host', async () => {
    await client.api('/me/drive/root:/dl.txt:/content').put('downloaded by the Graph client');
    const stream = (await client
      .api('/me/drive/root:/dl.txt:/content')
      .getStream()) as ReadableStream<Uint8Array>;
    expect(await new Response(stream).text()).toBe('downloaded by the Graph client');
    expect((await fetchCounter()).bearerOnPreauthenticated).toBe(0);
  });

  it('surfaces Graph errors as GraphError with code and status', async () => {
    await expect(client.api('/me/drive/root:/missing.txt:').get()).rejects.toMatchObject({
      statusCode: 404,
      code: 'itemNotFound',
    });
  });
});

async function fetchCounter(): Promise<{ bearerOnPreauthenticated: number }> {
  return (await (await emulator.fetch(`${emulator.loginUrl}/__emulator/faults`)).json()) as {
    bearerOnPreauthenticated: number;
  };
}
