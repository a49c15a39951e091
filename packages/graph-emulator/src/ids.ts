/**
 * Identifiers shaped like Microsoft's: GUIDs for tenants, users, apps and teams; `b!…` drive ids;
 * `01…` item ids of 34 base32 characters as SharePoint uses; `host,guid,guid` site ids. They come from
 * a seeded generator, so one seed gives the same ids on every start.
 */
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

export class IdGenerator {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** mulberry32 */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  #chars(alphabet: string, count: number): string {
    let out = '';
    for (let i = 0; i < count; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  guid(): string {
    const hex = this.#chars('0123456789abcdef', 32);
    const variant = '89ab'[Math.floor(this.next() * 4)];
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
  }

  itemId(): string {
    return `01${this.#chars(BASE32, 32)}`;
  }

  driveId(): string {
    return `b!${this.#chars(BASE64URL, 64)}`;
  }

  channelId(): string {
    return `19:${this.#chars('0123456789abcdef', 32)}@thread.tacv2`;
  }
}
