import { createServer } from 'node:net';

/**
 * Just enough of a browser for sign-in flows: a cookie jar per host (cookies ignore ports, as in
 * browsers), redirects followed by hand so each hop can be inspected, and form posts. Loops are
 * bounded.
 */
export class TestBrowser {
  readonly cookies = new Map<string, Map<string, string>>();

  cookieHeader(url: string): string {
    const jar = this.cookies.get(new URL(url).hostname);
    return jar ? [...jar].map(([k, v]) => `${k}=${v}`).join('; ') : '';
  }

  cookie(url: string, name: string): string | undefined {
    return this.cookies.get(new URL(url).hostname)?.get(name);
  }

  async request(
    url: string,
    init: { method?: string; body?: URLSearchParams; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = { accept: 'text/html', ...init.headers };
    const cookie = this.cookieHeader(url);
    if (cookie) headers.cookie = cookie;
    if (init.body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers,
      body: init.body,
      redirect: 'manual',
    });
    this.store(url, res.headers.getSetCookie());
    return res;
  }

  private store(url: string, setCookies: string[]): void {
    const host = new URL(url).hostname;
    const jar = this.cookies.get(host) ?? new Map<string, string>();
    this.cookies.set(host, jar);
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = attrs.some((a) => {
        const [k, v] = a.trim().split('=');
        if (k?.toLowerCase() === 'max-age') return Number(v) <= 0;
        if (k?.toLowerCase() === 'expires') return new Date(v ?? '').getTime() < Date.now();
        return false;
      });
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }
}

export interface FlowResult {
  /** The last response (not a redirect, or a redirect leaving the given stop condition). */
  final: Response;
  finalUrl: string;
  /** Every URL requested, in order. */
  visited: string[];
}

/**
 * Follows redirects from `start` until a response is not a redirect or `stopAt` says so. `onPage`
 * may answer an HTML page (a login form) with the next request to make.
 */
export async function followFlow(
  browser: TestBrowser,
  start: string,
  options: {
    stopAt?: (url: string) => boolean;
    onPage?: (url: string, html: string) => { url: string; body: URLSearchParams } | undefined;
  } = {},
): Promise<FlowResult> {
  const visited: string[] = [];
  let next: { url: string; body?: URLSearchParams } = { url: start };
  for (let hop = 0; hop < 20; hop++) {
    visited.push(next.url);
    const res = await browser.request(next.url, next.body ? { method: 'POST', body: next.body } : {});
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      const target = new URL(location, next.url).href;
      if (options.stopAt?.(target)) return { final: res, finalUrl: target, visited };
      next = { url: target };
      continue;
    }
    if (options.onPage && (res.headers.get('content-type') ?? '').includes('text/html')) {
      const form = options.onPage(next.url, await res.text());
      if (form) {
        next = form;
        continue;
      }
      return { final: res, finalUrl: next.url, visited };
    }
    return { final: res, finalUrl: next.url, visited };
  }
  throw new Error(`more than 20 hops from ${start}: ${visited.join(' → ')}`);
}

/** A port that was free a moment ago (for servers whose URL must be known before they start). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Answers the embedded provider's login page with a username and password (onPage for followFlow). */
export function fillLoginForm(username: string, password: string) {
  return (url: string, html: string) => {
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (!action || !html.includes('name="password"')) return undefined;
    return {
      url: new URL(action.replace(/&amp;/g, '&'), url).href,
      body: new URLSearchParams({ username, password }),
    };
  };
}
