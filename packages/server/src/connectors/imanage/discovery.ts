import { AppError } from '../../errors.ts';
import type { ExternalAccount } from '../plugin.ts';
import { undici } from '../undici.ts';
import { apiBaseOn, type ImanageServer } from './server.ts';

/**
 * GET {server}/api: who the token belongs to, the customer id, the DMS version and where the v2 Work
 * API lives (versions[name=v2].url). It sits at the server root, not under /work/api/v2.
 */
export interface DiscoveryDocument {
  dms_version?: string;
  user?: { id?: string; name?: string; email?: string; customer_id?: number | string; user_type?: string };
  versions?: { name?: string; url?: string; version?: string }[];
  work?: { libraries?: { alias?: string }[]; preferred_library?: string };
}

export interface DiscoveryResult {
  status: number;
  /** The `data` object when the answer was iManage-shaped JSON. */
  data?: DiscoveryDocument;
  /** A short, token-free description of a non-iManage answer. */
  contentType?: string;
}

export async function fetchDiscovery(
  server: Pick<ImanageServer, 'serverAddress' | 'dispatcher'>,
  accessToken?: string,
  signal?: AbortSignal,
): Promise<DiscoveryResult> {
  const res = await undici().request(`${server.serverAddress}/api`, {
    method: 'GET',
    headers: { accept: 'application/json', ...(accessToken ? { 'x-auth-token': accessToken } : {}) },
    dispatcher: server.dispatcher,
    headersTimeout: 15_000,
    bodyTimeout: 15_000,
    ...(signal ? { signal } : {}),
  });
  const contentType = String(res.headers['content-type'] ?? '');
  if (!contentType.includes('json')) {
    await res.body.dump();
    return { status: res.statusCode, contentType };
  }
  const body = (await res.body.json().catch(() => undefined)) as { data?: DiscoveryDocument } | undefined;
  return {
    status: res.statusCode,
    ...(body?.data && typeof body.data === 'object' ? { data: body.data } : {}),
    contentType,
  };
}

/** Parses "10.3.0.1500" into [10, 3]; undefined when it is not a version. */
export function majorMinor(version: string | undefined): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)/.exec(version ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** What the iManage plug-in keeps of an account: where its Work API is and which customer it is. */
export interface ImanageAccountDetails {
  customerId: number | string | null;
  dmsVersion: string | null;
  /** versions[name=v2].url, e.g. https://imanage.firm.com/work/api/v2 */
  apiBaseUrl: string;
  /** False when the server has no /api discovery (a plain OAuth 2.0 server). */
  discovered: boolean;
}

/** The iManage details of a stored account (recorded by `lookUpAccount`). */
export function imanageAccountDetails(account: ExternalAccount): ImanageAccountDetails {
  const d = account.details;
  const customerId =
    typeof d.customerId === 'number' || typeof d.customerId === 'string' ? d.customerId : null;
  return {
    customerId,
    dmsVersion: typeof d.dmsVersion === 'string' ? d.dmsVersion : null,
    apiBaseUrl: typeof d.apiBaseUrl === 'string' ? d.apiBaseUrl : '',
    discovered: d.discovered === true,
  };
}

function accountOf(
  identity: { id: string; name: string | null; email: string | null },
  details: ImanageAccountDetails,
): ExternalAccount {
  const facts = [
    ...(details.customerId !== null ? [{ label: 'Customer id', value: String(details.customerId) }] : []),
    ...(details.dmsVersion ? [{ label: 'iManage Work version', value: details.dmsVersion }] : []),
  ];
  return { ...identity, facts, details: { ...details } };
}

/**
 * The account behind a fresh token. A server without /api (a plain OAuth 2.0 server, or one behind a
 * proxy that hides it) yields an account with `discovered: false` and the conventional API base.
 */
export async function lookUpAccount(server: ImanageServer, accessToken: string): Promise<ExternalAccount> {
  let result: DiscoveryResult;
  try {
    result = await fetchDiscovery(server, accessToken);
  } catch (err) {
    throw new AppError(
      'connector_unreachable',
      `The iManage server at ${server.serverAddress} did not answer GET /api: ${(err as Error).message}.`,
      undefined,
      { cause: err },
    );
  }
  if (result.status === 404) {
    return accountOf(
      { id: 'unknown', name: null, email: null },
      {
        customerId: null,
        dmsVersion: null,
        apiBaseUrl: `${server.serverAddress}/work/api/v2`,
        discovered: false,
      },
    );
  }
  const data = result.data;
  if (result.status !== 200 || !data?.user?.id) {
    throw new AppError(
      'connector_error',
      `GET ${server.serverAddress}/api answered ${result.status} without the iManage account details.`,
    );
  }
  const v2 = data.versions?.find((v) => v.name === 'v2')?.url;
  return accountOf(
    { id: String(data.user.id), name: data.user.name ?? null, email: data.user.email ?? null },
    {
      customerId: data.user.customer_id ?? null,
      dmsVersion: data.dms_version ?? null,
      // Only the path of versions[].url: behind an application proxy it names an internal host.
      apiBaseUrl: apiBaseOn(server.serverAddress, v2),
      discovered: true,
    },
  );
}
