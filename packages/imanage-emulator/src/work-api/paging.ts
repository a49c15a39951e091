/**
 * Paging parameters. Offset mode: limit (default 500, 1..9999), offset, total=true. Cursor mode
 * (paging_mode=standard_cursor): an opaque cursor that encodes the last document number returned, so
 * documents added or deleted between pages never shift the next page.
 */
import { EmulatorError } from '../store.ts';

export interface Paging {
  limit: number;
  offset: number;
  total: boolean;
  mode: 'standard' | 'standard_cursor';
  /** Document number after which the page starts (cursor mode). */
  after: number;
}

function integer(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new EmulatorError(400, 'InvalidParameter', `${name} must be an integer from ${min} to ${max}`);
  }
  return parsed;
}

export function encodeCursor(afterNumber: number): string {
  return Buffer.from(JSON.stringify({ after: afterNumber })).toString('base64url');
}

function decodeCursor(cursor: string): number {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof value.after === 'number' && Number.isInteger(value.after)) return value.after;
  } catch {
    // fall through to the error below
  }
  throw new EmulatorError(400, 'InvalidParameter', 'cursor is not a cursor this server issued');
}

export function parsePaging(query: Record<string, string | undefined>): Paging {
  const mode = query.paging_mode ?? 'standard';
  if (mode !== 'standard' && mode !== 'standard_cursor') {
    throw new EmulatorError(400, 'InvalidParameter', 'paging_mode must be standard or standard_cursor');
  }
  return {
    limit: integer(query.limit, 'limit', 500, 1, 9999),
    offset: mode === 'standard' ? integer(query.offset, 'offset', 0, 0, Number.MAX_SAFE_INTEGER) : 0,
    // Cursor mode ignores total, as iManage does.
    total: mode === 'standard' && query.total === 'true',
    mode,
    after: mode === 'standard_cursor' && query.cursor ? decodeCursor(query.cursor) : -1,
  };
}

/** The offset-mode page of `items` (in cursor mode offset is 0, so this is the first `limit` items). */
export function pageOf<T>(items: readonly T[], paging: Paging): T[] {
  return items.slice(paging.offset, paging.offset + paging.limit);
}
