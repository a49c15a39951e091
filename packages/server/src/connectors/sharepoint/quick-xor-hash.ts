/**
 * QuickXorHash, the checksum OneDrive for Business and SharePoint report for every file
 * (`file.hashes.quickXorHash`), computed as we stream. The algorithm (OneDrive's "QuickXorHash"
 * reference): each byte is XORed into a 160-bit circular register at a bit position that advances by
 * 11 per byte; the 64-bit little-endian length is XORed into the last 8 bytes; the 20 bytes are
 * base64. Because 11 × 160 ≡ 0 (mod 160), byte n and byte n + 160 land on the same position, so the
 * input is first folded into 160 accumulators by XOR (linear, so equal) and spread once at digest:
 * the per-byte work is a single XOR.
 */
const widthBits = 160;
const shiftBits = 11;
const registerBytes = widthBits / 8;

export class QuickXorHash {
  private readonly folded = new Uint8Array(widthBits);
  private length = 0;

  update(chunk: Uint8Array): this {
    const folded = this.folded;
    let slot = this.length % widthBits;
    for (let i = 0; i < chunk.length; i++) {
      folded[slot] ^= chunk[i] as number;
      slot = slot === widthBits - 1 ? 0 : slot + 1;
    }
    this.length += chunk.length;
    return this;
  }

  /** The digest as Graph reports it (base64 of 20 bytes). */
  digest(): string {
    const register = new Uint8Array(registerBytes);
    for (let slot = 0; slot < widthBits; slot++) {
      const value = this.folded[slot] as number;
      if (value === 0) continue;
      const bit = (slot * shiftBits) % widthBits;
      const index = bit >> 3;
      const offset = bit & 7;
      register[index] = (register[index] as number) ^ ((value << offset) & 0xff);
      if (offset > 0) {
        const next = (index + 1) % registerBytes;
        register[next] = (register[next] as number) ^ (value >> (8 - offset));
      }
    }
    let length = BigInt(this.length);
    for (let i = registerBytes - 8; i < registerBytes; i++) {
      register[i] = (register[i] as number) ^ Number(length & 0xffn);
      length >>= 8n;
    }
    return Buffer.from(register).toString('base64');
  }
}

export function quickXorHash(data: Uint8Array): string {
  return new QuickXorHash().update(data).digest();
}
