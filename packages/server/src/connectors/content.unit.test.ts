import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMeasuredFile } from './content.ts';

/** Like undici's response body: destroyed, it reports a RequestAbortedError a tick later. */
function abortingBody(): Readable {
  return new Readable({
    read() {
      this.push(Buffer.alloc(16, 1));
    },
    destroy(err, callback) {
      const aborted = Object.assign(new Error('Request aborted'), { name: 'RequestAbortedError' });
      setImmediate(callback, err ?? aborted);
    },
  });
}

describe('writeMeasuredFile', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lexbridge-measured-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes every chunk and reports the size and sha256 of what it wrote', async () => {
    const chunks = [Buffer.alloc(70_000, 1), Buffer.from('middle'), Buffer.alloc(3, 9)];
    const whole = Buffer.concat(chunks);
    const path = join(dir, 'a');
    const written = await writeMeasuredFile(Readable.from(chunks), path, 'wx');
    expect(written).toEqual({ size: whole.length, sha256: createHash('sha256').update(whole).digest('hex') });
    expect((await readFile(path)).equals(whole)).toBe(true);
  });

  it('refuses an existing file with wx and destroys the content stream', async () => {
    const path = join(dir, 'b');
    await writeFile(path, 'already here');
    const content = new PassThrough();
    await expect(writeMeasuredFile(content, path, 'wx')).rejects.toMatchObject({ code: 'EEXIST' });
    expect(content.destroyed).toBe(true);
    expect(await readFile(path, 'utf8')).toBe('already here');
  });

  it('stops with an AbortError when the signal aborts mid-stream, destroying the content', async () => {
    const content = new PassThrough();
    const controller = new AbortController();
    const writing = writeMeasuredFile(content, join(dir, 'c'), 'wx', controller.signal);
    content.write(Buffer.alloc(10, 2));
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    await expect(writing).rejects.toMatchObject({ name: 'AbortError' });
    expect(content.destroyed).toBe(true);
  });

  it('passes on an error of the content stream', async () => {
    const content = new PassThrough();
    const writing = writeMeasuredFile(content, join(dir, 'd'), 'wx');
    content.write(Buffer.alloc(10, 3));
    content.destroy(new Error('connection reset'));
    await expect(writing).rejects.toThrow('connection reset');
  });

  it('leaves no error of the destroyed content unhandled when the local write fails', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', onUncaught);
    try {
      const path = join(dir, 'opened-for-reading');
      await writeFile(path, '');
      await expect(writeMeasuredFile(abortingBody(), path, 'r')).rejects.toMatchObject({ code: 'EBADF' });
      await expect(writeMeasuredFile(abortingBody(), join(dir, 'missing', 'x'), 'wx')).rejects.toMatchObject({
        code: 'ENOENT',
      });
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      for (const listener of listeners) process.on('uncaughtException', listener);
    }
  });
});

describe('writeMeasuredFile with an undici body', () => {
  let dir: string;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lexbridge-measured-undici-'));
    // Sends a first chunk and then holds the response open, as a large download in progress.
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-length': '1000000' });
      res.write(Buffer.alloc(64 * 1024, 7));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('fails the write, not the process, when the local write fails mid-download', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const path = join(dir, 'read-only');
      await writeFile(path, '');
      const { body } = await request(url);
      // Opened for reading: the first write fails (EBADF), as a full disk or a vanished share would.
      await expect(writeMeasuredFile(body, path, 'r')).rejects.toMatchObject({ code: 'EBADF' });
      expect(body.destroyed).toBe(true);
      // undici reports its destroyed body's RequestAbortedError on a later tick.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  });
});
