import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKeyList } from '../../src/crypto/keys.ts';
import { rotateSecrets } from '../../src/crypto/rotate.ts';
import { SecretBox } from '../../src/crypto/secret-box.ts';
import { AppError } from '../../src/errors.ts';
import {
  createPostgresDatabase,
  createTestLexbridge,
  describeWithPostgres,
  type TestLexbridge,
} from '../support/lexbridge.ts';
import { allSealedValues, readSealed, type SeededSecret, seedSecrets } from './secrets-fixture.ts';

const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;
const slot = { table: 'connections', rowId: '5f0c6f5e-0000-4000-8000-000000000001', column: 'access_token' };

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : `not an AppError: ${String(err)}`;
  }
  return undefined;
}

describe('SecretBox', () => {
  const box = new SecretBox(parseKeyList(key('k1')));

  it('round-trips a value and never stores the plaintext', () => {
    const sealed = box.seal('refresh-token-value', slot);
    expect(sealed).toMatch(/^lb1\.k1\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('refresh-token-value');
    expect(box.open(sealed, slot)).toBe('refresh-token-value');
    expect(box.seal('refresh-token-value', slot)).not.toBe(sealed);
  });

  it('rejects a tampered value with secret_tampered', () => {
    const sealed = box.seal('refresh-token-value', slot);
    const [prefix, keyId, iv, body] = sealed.split('.') as [string, string, string, string];
    const bytes = Buffer.from(body, 'base64url');
    for (const position of [0, bytes.length - 1]) {
      const flipped = Buffer.from(bytes);
      flipped[position]! ^= 0x01;
      expect(codeOf(() => box.open([prefix, keyId, iv, flipped.toString('base64url')].join('.'), slot))).toBe(
        'secret_tampered',
      );
    }
    const otherIv = Buffer.from(iv, 'base64url');
    otherIv[0]! ^= 0x01;
    expect(codeOf(() => box.open([prefix, keyId, otherIv.toString('base64url'), body].join('.'), slot))).toBe(
      'secret_tampered',
    );
    expect(codeOf(() => box.open(`${prefix}.${keyId}.${iv}.${body.slice(0, 10)}`, slot))).toBe(
      'secret_tampered',
    );
    expect(codeOf(() => box.open('plain text', slot))).toBe('secret_tampered');
  });

  it('rejects a value copied to another row, column or table', () => {
    const sealed = box.seal('refresh-token-value', slot);
    expect(codeOf(() => box.open(sealed, { ...slot, rowId: '5f0c6f5e-0000-4000-8000-000000000002' }))).toBe(
      'secret_tampered',
    );
    expect(codeOf(() => box.open(sealed, { ...slot, column: 'refresh_token' }))).toBe('secret_tampered');
    expect(codeOf(() => box.open(sealed, { ...slot, table: 'connectors' }))).toBe('secret_tampered');
  });

  it('reports a value sealed under a key that is not configured with encryption_key_missing', () => {
    const sealed = new SecretBox(parseKeyList(key('gone'))).seal('x', slot);
    let error: AppError | undefined;
    try {
      box.open(sealed, slot);
    } catch (err) {
      error = err as AppError;
    }
    expect(error?.code).toBe('encryption_key_missing');
    expect(error?.message).toContain('"gone"');
    expect(error?.message).toContain('LEXBRIDGE_ENCRYPTION_KEYS');
  });

  it('seals with the first key and opens with any listed key', () => {
    const [k1, k2] = [key('k1'), key('k2')];
    const old = new SecretBox(parseKeyList(k1)).seal('v', slot);
    const both = new SecretBox(parseKeyList(`${k2},${k1}`));
    expect(both.open(old, slot)).toBe('v');
    expect(both.seal('v', slot).split('.')[1]).toBe('k2');
    expect(both.isCurrent(old)).toBe(false);
  });
});

/** Rotation with keys from LEXBRIDGE_ENCRYPTION_KEYS: the operator puts the new key first. */
function rotationSuite(openDatabase: () => Promise<{ url?: string; drop(): Promise<void> }>) {
  const oldKey = key('old');
  const newKey = key('new');
  let database: { url?: string; drop(): Promise<void> };
  let before: TestLexbridge;
  let during: TestLexbridge;
  let seeded: SeededSecret[];

  beforeAll(async () => {
    database = await openDatabase();
    before = await createTestLexbridge({
      databaseUrl: database.url,
      env: { LEXBRIDGE_ENCRYPTION_KEYS: oldKey },
    });
    seeded = await seedSecrets(before.store.sql, before.secrets, 20);
    // The same database, as a process configured with the new key first would see it.
    during = database.url
      ? await createTestLexbridge({
          databaseUrl: database.url,
          env: { LEXBRIDGE_ENCRYPTION_KEYS: `${newKey},${oldKey}` },
        })
      : before;
  });

  afterAll(async () => {
    if (during !== before) await during?.dispose();
    await before?.dispose();
    await database?.drop();
  });

  it('re-encrypts every value under the new key while a writer keeps changing one, without overwriting it', async () => {
    const rotator = new SecretBox(parseKeyList(`${newKey},${oldKey}`));
    // A process not yet restarted with the new key keeps writing under the old one.
    const writer = new SecretBox(parseKeyList(`${oldKey},${newKey}`));
    const contested = seeded.find((s) => s.slot.column === 'access_token')!.slot;
    const busy = seeded.filter((s) => s.slot.column === 'refresh_token').at(-1)!.slot;
    let interleaved = 0;
    let writes = 0;
    let stop = false;
    const write = async (target: typeof contested, value: string) => {
      await during.store.sql.query(`UPDATE connections SET ${target.column} = $1 WHERE id = $2`, [
        writer.seal(value, target),
        target.rowId,
      ]);
      writes++;
    };
    // A writer running alongside the whole rotation.
    const background = (async () => {
      for (let i = 0; !stop; i++) await write(busy, `busy-${i}`);
    })();
    const report = await rotateSecrets(during.store.sql, rotator, {
      batchSize: 7,
      async beforeWrite(slot) {
        // Another process refreshes this token between the rotation's read and its write.
        if (slot.rowId === contested.rowId && slot.column === contested.column && interleaved === 0) {
          interleaved++;
          await write(contested, 'refreshed-meanwhile');
        }
      },
    });
    stop = true;
    await background;
    expect(writes).toBeGreaterThan(1);
    expect(report.skippedConcurrent).toBeGreaterThanOrEqual(1);
    expect(report.reencrypted + report.skippedConcurrent).toBe(seeded.length);
    // The concurrent writes won: the rotation did not put back what it had read.
    expect(rotator.open(await readSealed(during.store.sql, contested), contested)).toBe(
      'refreshed-meanwhile',
    );
    expect(rotator.open(await readSealed(during.store.sql, busy), busy)).toMatch(/^busy-\d+$/);

    // A second run picks up what the writers left under the old key; then everything is under the new one.
    const second = await rotateSecrets(during.store.sql, rotator);
    expect(second.skippedConcurrent).toBe(0);
    const values = await allSealedValues(during.store.sql);
    expect(new Set(values.map((v) => v.keyId))).toEqual(new Set(['new']));
    expect((await rotateSecrets(during.store.sql, rotator)).reencrypted).toBe(0);
  });

  it('leaves every value readable with the new key alone, and none with the old key alone', async () => {
    const newOnly = new SecretBox(parseKeyList(newKey));
    const oldOnly = new SecretBox(parseKeyList(oldKey));
    for (const { slot, plaintext } of seeded) {
      const sealed = await readSealed(during.store.sql, slot);
      const value = newOnly.open(sealed, slot);
      if (!['refreshed-meanwhile'].includes(value) && !value.startsWith('busy-'))
        expect(value).toBe(plaintext);
      expect(codeOf(() => oldOnly.open(sealed, slot))).toBe('encryption_key_missing');
    }
  });
}

describe('key rotation on the embedded database', () => {
  rotationSuite(async () => ({ drop: async () => {} }));
});

describeWithPostgres('key rotation on PostgreSQL, online', () => {
  rotationSuite(createPostgresDatabase);
});
