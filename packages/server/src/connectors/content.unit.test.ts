import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMeasuredFile } from './content.ts';

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
});
