import { describe, expect, it } from 'vitest';
import { QuickXorHash, quickXorHash } from '../src/quick-xor-hash.ts';

// Published values: rclone's test vectors for its OneDrive backend (inputs base64) and the PyPI
// quickxorhash package's README example ("hello world").
const VECTORS: [string, string][] = [
  ['', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
  ['Sg==', 'SgAAAAAAAAAAAAAAAQAAAAAAAAA='],
  ['J9iPGCbfZSTNyw==', 'J8DGIzBggm+UgQTNUgYAAAAAAAA='],
  ['2fuxhBJXtpWFe8dOfdGeHw==', 'O9tHLAghgSvYohKFyMMxnNCHaHg='],
  ['NbYXsp5/K6mR+NmHwExjvWeWDJFnXTKWVlzYHoesp2E=', 'wjuAuWDiq04qDt1R8hHWDDcwVoQ='],
];

describe('quickXorHash', () => {
  it('matches published values', () => {
    for (const [input, expected] of VECTORS)
      expect(quickXorHash(Buffer.from(input, 'base64'))).toBe(expected);
    expect(quickXorHash(Buffer.from('hello world'))).toBe('aCgDG9jwBhDc4Q1yawMZAAAAAAA=');
  });

  it('gives the same digest whatever the chunking, and clones keep their own state', () => {
    const data = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7919) % 256));
    const whole = quickXorHash(data);
    for (const block of [1, 7, 64, 333]) {
      const hash = new QuickXorHash();
      for (let i = 0; i < data.length; i += block) hash.update(data.subarray(i, i + block));
      expect(hash.digest('base64')).toBe(whole);
    }
    const base = new QuickXorHash().update(data.subarray(0, 500));
    const copy = base.clone().update(data.subarray(500));
    expect(copy.digest('base64')).toBe(whole);
    expect(base.update(data.subarray(500)).digest('base64')).toBe(whole);
  });
});
