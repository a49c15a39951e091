import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

/**
 * Password hashes for the embedded provider's users file: `scrypt$N$r$p$salt$hash` (base64url salt
 * and hash). Plain passwords are accepted in the file too, for demo users on a developer's machine.
 */
const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;
const params = { N: 16384, r: 8, p: 1 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, 32, { ...params, maxmem: 64 * 1024 * 1024 });
  return [
    'scrypt',
    params.N,
    params.r,
    params.p,
    salt.toString('base64url'),
    hash.toString('base64url'),
  ].join('$');
}

export function isPasswordHash(value: string): boolean {
  return /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/.test(value);
}

/** Constant-time check of a password against a hash (or, for demo users, a plain password). */
export async function verifyPassword(
  password: string,
  stored: { password?: string; passwordHash?: string },
): Promise<boolean> {
  if (stored.passwordHash) {
    const [, n, r, p, salt, hash] = stored.passwordHash.split('$') as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const expected = Buffer.from(hash, 'base64url');
    const actual = await scryptAsync(password, Buffer.from(salt, 'base64url'), expected.length, {
      N: Number(n),
      r: Number(r),
      p: Number(p),
      maxmem: 256 * 1024 * 1024,
    });
    return timingSafeEqual(actual, expected);
  }
  if (stored.password === undefined) return false;
  const a = Buffer.from(password);
  const b = Buffer.from(stored.password);
  return a.length === b.length && timingSafeEqual(a, b);
}
