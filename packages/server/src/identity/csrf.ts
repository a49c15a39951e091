import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../errors.ts';

/** Compares two secrets without leaking, through timing, how much of them matched. */
export function equalSecrets(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Throws csrf_token_invalid unless the X-CSRF-Token header carries the session's token. */
export function assertCsrfToken(header: string | string[] | undefined, expected: string): void {
  if (typeof header !== 'string' || !equalSecrets(header, expected)) throw new AppError('csrf_token_invalid');
}
