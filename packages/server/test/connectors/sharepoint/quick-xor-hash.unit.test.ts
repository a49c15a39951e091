import { describe, expect, it } from 'vitest';
import { QuickXorHash, quickXorHash } from '../../../src/connectors/sharepoint/quick-xor-hash.ts';

// Published values: rclone's OneDrive backend test vectors (inputs in base64) and the quickxorhash
// package's README example.
const vectors: [string, string][] = [
  ['', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
  ['Sg==', 'SgAAAAAAAAAAAAAAAQAAAAAAAAA='],
  ['J9iPGCbfZSTNyw==', 'J8DGIzBggm+UgQTNUgYAAAAAAAA='],
  ['2fuxhBJXtpWFe8dOfdGeHw==', 'O9tHLAghgSvYohKFyMMxnNCHaHg='],
  ['NbYXsp5/K6mR+NmHwExjvWeWDJFnXTKWVlzYHoesp2E=', 'wjuAuWDiq04qDt1R8hHWDDcwVoQ='],
];

describe('quickXorHash', () => {
  it('matches published values', () => {
    for (const [input, expected] of vectors)
      expect(quickXorHash(Buffer.from(input, 'base64'))).toBe(expected);
    expect(quickXorHash(Buffer.from('hello world'))).toBe('aCgDG9jwBhDc4Q1yawMZAAAAAAA=');
  });

  it('gives the same digest however the stream is cut', () => {
    const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256));
    const whole = quickXorHash(data);
    for (const block of [1, 7, 160, 333, 4096]) {
      const hash = new QuickXorHash();
      for (let i = 0; i < data.length; i += block) hash.update(data.subarray(i, i + block));
      expect(hash.digest()).toBe(whole);
    }
  });
});
