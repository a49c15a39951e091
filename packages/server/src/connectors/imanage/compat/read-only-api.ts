import { isAppError } from '../../../errors.ts';
import type { UserAccess } from '../../plugin.ts';
import { imanageAccountDetails } from '../discovery.ts';
import { apiBaseOn, type ImanageServer } from '../server.ts';
import { WorkApiTransport } from '../work-api-transport.ts';

/**
 * The only way the compatibility check reaches the Work Server: GET requests, through the same
 * transport as workflows (the token as X-Auth-Token, renewed once on 401, sent to the Server Address's
 * origin only). It offers no other method, so the check cannot write, whatever a probe does.
 */
export interface Answer {
  status: number;
  /** The parsed JSON body (undefined when empty or not JSON). */
  body: unknown;
  /** The server's Date header, in ms, and our clock halfway through the request. */
  serverDate?: number;
  localMidpoint: number;
}

export interface ReadOnlyApi {
  readonly serverAddress: string;
  /** GET {Work API base}/customers/{id}{path}; a 4xx is an answer, not an error. */
  get(path: string, query?: Record<string, string | number | boolean>): Promise<Answer>;
  /** GET {Server Address}/api. */
  discovery(): Promise<Answer>;
}

const policy = { attempts: 2, baseDelayMs: 200, maxDelayMs: 1000, maxRetryAfterMs: 5000 };

export async function openReadOnlyApi(server: ImanageServer, access: UserAccess): Promise<ReadOnlyApi> {
  const details = imanageAccountDetails((await access.current()).account);
  const transport = new WorkApiTransport(
    access,
    server.dispatcher,
    server.serverAddress,
    apiBaseOn(server.serverAddress, details.apiBaseUrl),
    details.customerId ?? '',
    policy,
  );
  const get = async (path: string, options: Parameters<WorkApiTransport['send']>[2]): Promise<Answer> => {
    const sentAt = Date.now();
    try {
      const res = await transport.send('GET', path, { idempotent: true, ...options });
      const text = await res.body.text();
      const date = Date.parse(String(res.headers.date ?? ''));
      return {
        status: res.statusCode,
        body: parse(text),
        ...(Number.isNaN(date) ? {} : { serverDate: date }),
        localMidpoint: (sentAt + Date.now()) / 2,
      };
    } catch (err) {
      const status = isAppError(err) ? statusOf(err.code, err.retryable) : undefined;
      if (status === undefined) throw err;
      return { status, body: undefined, localMidpoint: (sentAt + Date.now()) / 2 };
    }
  };
  return {
    serverAddress: server.serverAddress,
    get: (path, query) => get(path, query ? { query } : {}),
    discovery: () => get('', { absolute: `${server.serverAddress}/api` }),
  };
}

/**
 * The answers a probe reads as an observation rather than a failure of the check: 404, 403 and any
 * other refusal (a 4xx, reported as 400); an outage, an expired authorisation or a 5xx stops it.
 */
function statusOf(code: string, retryable: boolean): number | undefined {
  if (code === 'connector_item_not_found') return 404;
  if (code === 'connector_access_denied') return 403;
  if (code === 'connector_error' && !retryable) return 400;
  return undefined;
}

function parse(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
