/**
 * Pre-authenticated download links: stateless, HMAC-signed tokens naming the drive, the item and an
 * expiry, so a listing of thousands of files costs no memory. They expire after a few minutes, like
 * SharePoint's `tempauth` links, and always serve the item's current content.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface DownloadTarget {
  driveId: string;
  itemId: string;
  /** A specific version (…/versions/{id}/content); the current one when absent. */
  versionId?: string;
  expiresAt: number;
}

export class PreauthLinks {
  readonly #key = randomBytes(32);
  readonly lifetimeMs: number;

  constructor(lifetimeMs: number) {
    this.lifetimeMs = lifetimeMs;
  }

  #mac(payload: string): string {
    return createHmac('sha256', this.#key).update(payload).digest('base64url');
  }

  sign(target: Omit<DownloadTarget, 'expiresAt'>, now: number): string {
    const payload = Buffer.from(
      JSON.stringify({ d: target.driveId, i: target.itemId, v: target.versionId, e: now + this.lifetimeMs }),
    ).toString('base64url');
    return `${payload}.${this.#mac(payload)}`;
  }

  /** The target of a well-formed, genuine token (expired or not), else undefined. */
  verify(token: string): DownloadTarget | undefined {
    const [payload = '', mac = ''] = token.split('.');
    const expected = Buffer.from(this.#mac(payload));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      d: string;
      i: string;
      v?: string;
      e: number;
    };
    return {
      driveId: parsed.d,
      itemId: parsed.i,
      ...(parsed.v ? { versionId: parsed.v } : {}),
      expiresAt: parsed.e,
    };
  }
}
