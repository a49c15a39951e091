import { describe, expect, it } from 'vitest';
import { readTar } from './template-unpack.ts';

/** One ustar header block plus the data, padded to 512 bytes. */
function entry(name: string, type: string, data = ''): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 'utf8');
  header.write(`${Buffer.byteLength(data).toString(8).padStart(11, '0')}\0`, 124, 'ascii');
  header.write(type, 156, 'ascii');
  header.write('ustar\u000000', 257, 'ascii');
  const body = Buffer.alloc(Math.ceil(Buffer.byteLength(data) / 512) * 512);
  body.write(data, 'utf8');
  return Buffer.concat([header, body]);
}
const end = Buffer.alloc(1024);

describe('reading a database template archive', () => {
  it('lists folders and files with their contents, paths relative to pgdata', () => {
    const tar = Buffer.concat([
      entry('/base/', '5'),
      entry('/base/5/', '5'),
      entry('/base/5/1259', '0', 'x'.repeat(700)),
      entry('/PG_VERSION', '0', '17\n'),
      end,
    ]);
    const entries = readTar(tar);
    expect(entries.map((e) => [e.path, e.kind, e.data.length])).toEqual([
      ['base', 'dir', 0],
      ['base/5', 'dir', 0],
      ['base/5/1259', 'file', 700],
      ['PG_VERSION', 'file', 3],
    ]);
    expect(Buffer.from(entries[3]!.data).toString()).toBe('17\n');
  });

  it('refuses a path that leaves pgdata', () => {
    expect(() => readTar(Buffer.concat([entry('/base/../../etc/passwd', '0', 'x'), end]))).toThrow(
      /outside pgdata/,
    );
  });

  it('refuses links and other entry types', () => {
    expect(() => readTar(Buffer.concat([entry('/pg_wal', '2'), end]))).toThrow(/unsupported type/);
  });

  it('refuses an archive cut short inside a file', () => {
    expect(() => readTar(entry('/PG_VERSION', '0', 'x'.repeat(2000)).subarray(0, 1024))).toThrow(/cut short/);
  });
});
