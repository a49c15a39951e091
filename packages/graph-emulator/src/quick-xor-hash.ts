/**
 * QuickXorHash, the hash SharePoint and OneDrive for Business report in `file.hashes.quickXorHash`:
 * each byte is XORed into a 160-bit register at a bit position that advances by 11 per byte
 * (wrapping at 160), and the data length (64-bit little-endian) is XORed into the last 8 bytes.
 * The register is kept as 20 bytes in little-endian bit order, which is the same layout as the
 * published C# implementation's three 64-bit cells.
 *
 * @example
 *   const hash = new QuickXorHash();
 *   hash.update(Buffer.from('hello world'));
 *   hash.digest('base64'); // 'aCgDG9jwBhDc4Q1yawMZAAAAAAA='
 */
const WIDTH_BITS = 160;
const WIDTH_BYTES = 20;
const SHIFT = 11;

export class QuickXorHash {
  #cells = new Uint8Array(WIDTH_BYTES);
  #length = 0n;
  #shift = 0;

  update(data: Uint8Array): this {
    const cells = this.#cells;
    let shift = this.#shift;
    for (let i = 0; i < data.length; i++) {
      const value = data[i] as number;
      const index = shift >> 3;
      const offset = shift & 7;
      cells[index] = (cells[index] as number) ^ ((value << offset) & 0xff);
      if (offset !== 0) {
        const next = index + 1 === WIDTH_BYTES ? 0 : index + 1;
        cells[next] = (cells[next] as number) ^ (value >> (8 - offset));
      }
      shift += SHIFT;
      if (shift >= WIDTH_BITS) shift -= WIDTH_BITS;
    }
    this.#shift = shift;
    this.#length += BigInt(data.length);
    return this;
  }

  /** A copy with the same state (to hash a fragment that may yet be abandoned). */
  clone(): QuickXorHash {
    const copy = new QuickXorHash();
    copy.#cells = this.#cells.slice();
    copy.#length = this.#length;
    copy.#shift = this.#shift;
    return copy;
  }

  digest(): Buffer;
  digest(encoding: 'base64'): string;
  digest(encoding?: 'base64'): Buffer | string {
    const out = Buffer.from(this.#cells);
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(this.#length);
    for (let i = 0; i < 8; i++)
      out[WIDTH_BYTES - 8 + i] = (out[WIDTH_BYTES - 8 + i] as number) ^ (length[i] as number);
    return encoding ? out.toString(encoding) : out;
  }
}

export function quickXorHash(data: Uint8Array): string {
  return new QuickXorHash().update(data).digest('base64');
}
