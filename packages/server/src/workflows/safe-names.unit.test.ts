import { describe, expect, it } from 'vitest';
import { assignSafeNames, makeSafeName, nameTag } from './safe-names.ts';

const windows = { windows: true, maxBytes: 255 };

describe('makeSafeName', () => {
  it('replaces characters Windows cannot hold, and trailing dots and spaces', () => {
    expect(makeSafeName('Q3: "final" <draft>?.docx', windows)).toBe('Q3_ _final_ _draft__.docx');
    expect(makeSafeName('a/b\\c|d*e', windows)).toBe('a_b_c_d_e');
    expect(makeSafeName('notes. ', windows)).toBe('notes__');
    expect(makeSafeName('tab\there', windows)).toBe('tab_here');
  });

  it('suffixes reserved device names, with or without an extension', () => {
    expect(makeSafeName('CON', windows)).toBe('CON_');
    expect(makeSafeName('nul.txt', windows)).toBe('nul_.txt');
    expect(makeSafeName('COM1.tar', windows)).toBe('COM1_.tar');
    expect(makeSafeName('CONSOLE.txt', windows)).toBe('CONSOLE.txt');
    // Windows reserves the device name before the first dot, whatever follows it.
    expect(makeSafeName('nul.tar.gz', windows)).toBe('nul_.tar.gz');
    expect(makeSafeName('Aux.backup.docx', windows)).toBe('Aux_.backup.docx');
    expect(makeSafeName('CONIN$', windows)).toBe('CONIN$_');
    expect(makeSafeName('conout$.log', windows)).toBe('conout$_.log');
    expect(makeSafeName('LPT¹.txt', windows)).toBe('LPT¹_.txt');
  });

  it('shortens long names at a character boundary, keeping the extension and a tag of the original', () => {
    const long = `${'é'.repeat(200)}.pdf`;
    const safe = makeSafeName(long, windows);
    expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(255);
    expect(safe.endsWith(`~${nameTag(long)}.pdf`)).toBe(true);
    expect(makeSafeName(long, windows)).toBe(safe);
  });

  it('leaves acceptable names alone, and keeps only / out where the target is not Windows', () => {
    expect(makeSafeName('Contract v2 (signed).docx', windows)).toBe('Contract v2 (signed).docx');
    expect(makeSafeName('What? Yes: "this".txt', { windows: false, maxBytes: 254 })).toBe(
      'What? Yes: "this".txt',
    );
    expect(makeSafeName('a/b', { windows: false, maxBytes: 254 })).toBe('a_b');
  });
});

describe('assignSafeNames', () => {
  it('keeps siblings distinct when two names become alike, in a stable order', () => {
    const names = assignSafeNames(
      [
        { id: 'b', name: 'a?.txt' },
        { id: 'a', name: 'a_.txt' },
      ],
      windows,
    );
    expect(names.get('a')).toBe('a_.txt');
    expect(names.get('b')).toBe(`a_~${nameTag('b')}.txt`);
  });

  it('treats names differing only in case as the same on Windows targets', () => {
    const names = assignSafeNames([{ id: '2', name: 'Memo.docx' }], windows, new Set(['memo.docx']));
    expect(names.get('2')).toBe(`Memo~${nameTag('2')}.docx`);
  });
});
