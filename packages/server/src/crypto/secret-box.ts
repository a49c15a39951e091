import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors.ts';

/**
 * Envelope encryption of secrets at rest: AES-256-GCM under a named key, with associated data that
 * binds each value to its table, row and column. A value copied to another row or column, or altered
 * in any byte, fails to decrypt instead of yielding a usable secret.
 *
 * Stored form: `lb1.<keyId>.<iv>.<ciphertext+tag>` (base64url parts), so the key that sealed a value
 * is known without trying each one, and rotation can find values still sealed under an old key.
 */
export interface SecretKey {
  id: string;
  key: Buffer;
}

/** Where a secret lives; part of the authenticated data. */
export interface SecretSlot {
  table: string;
  rowId: string;
  column: string;
}

const PREFIX = 'lb1';

export class SecretBox {
  readonly primary: SecretKey;
  private readonly keys: Map<string, Buffer>;

  /** The first key encrypts; every key decrypts. */
  constructor(keys: SecretKey[]) {
    if (keys.length === 0) throw new Error('SecretBox needs at least one key');
    for (const k of keys) if (k.key.length !== 32) throw new Error(`encryption key ${k.id} is not 32 bytes`);
    this.primary = keys[0]!;
    this.keys = new Map(keys.map((k) => [k.id, k.key]));
  }

  get keyIds(): string[] {
    return [...this.keys.keys()];
  }

  seal(plaintext: string, slot: SecretSlot): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.primary.key, iv);
    cipher.setAAD(aad(slot));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [PREFIX, this.primary.id, iv.toString('base64url'), body.toString('base64url')].join('.');
  }

  open(sealed: string, slot: SecretSlot): string {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== PREFIX) {
      throw new AppError(
        'secret_tampered',
        `The stored secret ${describe(slot)} is not in the expected format.`,
      );
    }
    const [, keyId, ivText, bodyText] = parts as [string, string, string, string];
    const key = this.keys.get(keyId);
    if (!key) {
      throw new AppError(
        'encryption_key_missing',
        `The stored secret ${describe(slot)} was encrypted with key "${keyId}", which is not configured. Add it to LEXBRIDGE_ENCRYPTION_KEYS.`,
        { keyId },
      );
    }
    const body = Buffer.from(bodyText, 'base64url');
    if (body.length < 16)
      throw new AppError('secret_tampered', `The stored secret ${describe(slot)} is truncated.`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
      decipher.setAAD(aad(slot));
      decipher.setAuthTag(body.subarray(body.length - 16));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - 16)), decipher.final()]).toString(
        'utf8',
      );
    } catch (err) {
      throw new AppError(
        'secret_tampered',
        `The stored secret ${describe(slot)} failed its integrity check: it was altered or belongs to another row.`,
        undefined,
        { cause: err },
      );
    }
  }

  /** True when the value is sealed under the primary key already. */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`${PREFIX}.${this.primary.id}.`);
  }

  sealJson(value: unknown, slot: SecretSlot): string {
    return this.seal(JSON.stringify(value), slot);
  }

  openJson<T>(sealed: string, slot: SecretSlot): T {
    return JSON.parse(this.open(sealed, slot)) as T;
  }
}

function aad(slot: SecretSlot): Buffer {
  return Buffer.from(`lexbridge:${slot.table}:${slot.rowId}:${slot.column}`, 'utf8');
}

function describe(slot: SecretSlot): string {
  return `${slot.table}.${slot.column} of row ${slot.rowId}`;
}
