import type { SignedIn } from './lexbridge.ts';

/** The answer of one API call: its status and its JSON body (undefined when the body is empty). */
export type ApiAnswer<T> = { status: number; body: T };

// biome-ignore lint/suspicious/noExplicitAny: tests read answers of any shape
type AnyBody = Record<string, any>;

/**
 * A JSON API caller for a test server whose address is known only once its beforeAll ran: calls are
 * made as `who` (session cookie and CSRF header), with a JSON body when one is given.
 */
export function apiCaller(baseUrl: () => string) {
  return async <T = AnyBody>(
    who: SignedIn,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<ApiAnswer<T>> => {
    const res = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: { ...who.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
}
