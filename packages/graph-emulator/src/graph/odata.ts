/** OData query options Graph honours here: $select, $top and paging through @odata.nextLink only. */
import { invalidRequest } from '../errors.ts';

export type Query = Record<string, string | undefined>;
export type Json = Record<string, unknown>;

export const DEFAULT_PAGE_SIZE = 200;
export const MAX_PAGE_SIZE = 999;

/** Keeps the selected properties (and OData annotations); everything when there is no $select. */
export function applySelect(object: Json, query: Query): Json {
  const select = query.$select ?? query.select;
  if (!select) return object;
  const wanted = new Set(select.split(',').map((name) => name.trim()));
  return Object.fromEntries(
    Object.entries(object).filter(
      ([key]) => wanted.has(key) || (key.startsWith('@odata.') && key !== '@odata.context'),
    ),
  );
}

export function pageSize(query: Query): number {
  const top = query.$top ?? query.top;
  if (top === undefined) return DEFAULT_PAGE_SIZE;
  const parsed = Number(top);
  if (!Number.isInteger(parsed) || parsed < 1) throw invalidRequest(`Invalid $top value: ${top}`);
  return Math.min(parsed, MAX_PAGE_SIZE);
}

export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeToken<T>(token: string): T | undefined {
  try {
    return JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as T;
  } catch {
    return undefined;
  }
}

/** A nextLink to `baseUrl` that keeps $select and $top and adds the given parameters (`$` unescaped, as Graph writes them). */
export function linkWith(baseUrl: string, query: Query, params: Record<string, string>): string {
  const kept = (['$select', '$top'] as const).flatMap((name) =>
    query[name] === undefined ? [] : [[name, query[name]] as [string, string]],
  );
  const pairs = [...kept, ...Object.entries(params)].map(
    ([name, value]) => `${encodeURIComponent(name).replace(/^%24/, '$')}=${encodeURIComponent(value)}`,
  );
  return `${baseUrl}?${pairs.join('&')}`;
}

/** One page of `items` after the $skiptoken offset, with @odata.nextLink when more remain. */
export function page<T>(items: T[], query: Query, selfUrl: string, render: (item: T) => Json): Json {
  const size = pageSize(query);
  const token = query.$skiptoken ?? query.$skipToken;
  const offset = token ? decodeToken<{ o: number }>(token)?.o : 0;
  if (offset === undefined || !Number.isInteger(offset) || offset < 0)
    throw invalidRequest('Invalid $skiptoken.');
  const slice = items.slice(offset, offset + size);
  return {
    value: slice.map((item) => applySelect(render(item), query)),
    ...(offset + size < items.length
      ? { '@odata.nextLink': linkWith(selfUrl, query, { $skiptoken: encodeToken({ o: offset + size }) }) }
      : {}),
  };
}
