import type { CompatibilityCheck } from '../../compatibility.ts';
import { isDocumentId } from '../items.ts';
import type { Answer, ReadOnlyApi } from './read-only-api.ts';

/**
 * The probes of the iManage compatibility check, each a few GET requests answering one question the
 * connector depends on. They report ids and counts, never a name or a token.
 */
type Json = Record<string, unknown>;
const enc = encodeURIComponent;

const object = (value: unknown): Json | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;

/** Where an answer keeps `key`: beside `data`, inside it, or nowhere. */
function placement(body: unknown, key: string): 'top' | 'data' | 'absent' {
  const top = object(body);
  if (top && top[key] !== undefined && top[key] !== null && top[key] !== '') return 'top';
  const data = object(top?.data);
  if (data && data[key] !== undefined && data[key] !== null && data[key] !== '') return 'data';
  return 'absent';
}

/** The profiles of a list or search answer (`data` or `data.results`). */
export function resultsOf(body: unknown): Json[] {
  const data = object(body)?.data;
  const list = Array.isArray(data) ? data : object(data)?.results;
  return Array.isArray(list) ? list.filter((x): x is Json => Boolean(object(x))) : [];
}

const check = (c: CompatibilityCheck): CompatibilityCheck => c;

/** Where the probes look: a library, its first workspaces, and the search filters of the sample. */
export interface Sample {
  library: string;
  workspaces: string[];
  /** A workspace's subtree, as workflows search; empty for the whole library. */
  filters: { container_id?: string; include_subtree?: boolean };
}

/** The first of a few workspaces whose subtree holds two documents or more, else the whole library. */
export async function sampleOf(api: ReadOnlyApi, library: string): Promise<Sample> {
  const listed = resultsOf((await api.get(`/libraries/${enc(library)}/workspaces`, { limit: 5 })).body);
  const workspaces = listed.map((w) => String(w.id ?? '')).filter(Boolean);
  for (const id of workspaces) {
    const filters = { container_id: id, include_subtree: true };
    const found = await api.get(`/libraries/${enc(library)}/documents`, { ...filters, limit: 2 });
    if (resultsOf(found.body).length >= 2) return { library, workspaces, filters };
  }
  return { library, workspaces, filters: {} };
}

export async function searchChecks(api: ReadOnlyApi, sample: Sample): Promise<CompatibilityCheck[]> {
  const { library, filters } = sample;
  const path = `/libraries/${enc(library)}/documents`;
  const byOffset = await api.get(path, { ...filters, limit: 1, total: true });
  const byCursor = await api.get(path, { ...filters, limit: 1, paging_mode: 'standard_cursor' });
  const found = resultsOf(byCursor.body).length;
  const total = placement(byOffset.body, 'total_count');
  const cursor = placement(byCursor.body, 'cursor');
  return [
    check({
      id: 'search.cursor',
      label: 'Search cursor (paging_mode=standard_cursor)',
      observed:
        byCursor.status !== 200
          ? `error_${byCursor.status}`
          : cursor === 'absent' && found < 1
            ? 'not_observed'
            : cursor,
      source: 'probed',
      detail:
        byCursor.status !== 200
          ? `GET …/libraries/${library}/documents with paging_mode=standard_cursor answered ${byCursor.status}.`
          : cursor === 'top'
            ? 'A page of 1 document had its cursor beside data (top level).'
            : cursor === 'data'
              ? 'A page of 1 document had its cursor inside data.'
              : found < 1
                ? `The search found no document in library ${library}, so no cursor could be seen.`
                : 'A page of 1 document had no cursor: either the library holds one document, or the server does not page by cursor.',
    }),
    check({
      id: 'search.total_count',
      label: 'Search total_count (total=true)',
      observed: byOffset.status !== 200 ? `error_${byOffset.status}` : total,
      source: 'probed',
      detail:
        byOffset.status !== 200
          ? `GET …/libraries/${library}/documents with total=true answered ${byOffset.status}.`
          : total === 'absent'
            ? 'The offset-paged search answered no total_count.'
            : `total_count was ${total === 'top' ? 'beside data (top level)' : 'inside data'}.`,
    }),
  ];
}

/**
 * Whether `/children` honours `offset`: the first two children of a container, asked one at a time.
 * The same child twice means offset is ignored (paging by it would never end).
 */
export async function childrenCheck(api: ReadOnlyApi, sample: Sample): Promise<CompatibilityCheck> {
  const label = '/children honours offset';
  const { library, workspaces } = sample;
  for (const id of workspaces) {
    const path = `/libraries/${enc(library)}/workspaces/${enc(id)}/children`;
    const first = resultsOf((await api.get(path, { limit: 1 })).body)[0];
    if (!first) continue;
    const second = resultsOf((await api.get(path, { limit: 1, offset: 1 })).body)[0];
    if (!second) continue;
    const ignored = second.id === first.id;
    return check({
      id: 'children.offset',
      label,
      observed: ignored ? 'ignored' : 'honoured',
      source: 'probed',
      detail: ignored
        ? `Workspace ${id}: offset=1 answered the same first child again (Lexbridge reads /children as one page of up to 9999 and lists documents by the search).`
        : `Workspace ${id}: offset=1 answered the next child.`,
    });
  }
  return check({
    id: 'children.offset',
    label,
    observed: 'not_observed',
    source: 'probed',
    detail: `None of the first ${workspaces.length} workspaces of library ${library} has two children to compare.`,
  });
}

/** A few documents' profiles (by their versioned ids) and the versionless id of the first. */
export async function documentChecks(
  api: ReadOnlyApi,
  sample: Sample,
): Promise<{ checks: CompatibilityCheck[]; newestEditDate?: number }> {
  const { library, filters } = sample;
  const search = await api.get(`/libraries/${enc(library)}/documents`, { ...filters, limit: 5 });
  const ids = resultsOf(search.body)
    .map((p) => String(p.id ?? ''))
    .filter(isDocumentId);
  const profiles: Json[] = [];
  for (const id of ids) {
    const answer = await api.get(`/libraries/${enc(library)}/documents/${enc(id)}`);
    const profile = object(object(answer.body)?.data);
    if (answer.status === 200 && profile) profiles.push(profile);
  }
  const dates = profiles.flatMap((p) =>
    [p.edit_date, p.edit_profile_date]
      .map((d) => Date.parse(String(d ?? '')))
      .filter((d) => !Number.isNaN(d)),
  );
  return {
    checks: [
      await versionlessCheck(api, library, ids[0]),
      checksumCheck(profiles),
      editProfileDateCheck(profiles),
    ],
    ...(dates.length ? { newestEditDate: Math.max(...dates) } : {}),
  };
}

async function versionlessCheck(
  api: ReadOnlyApi,
  library: string,
  versioned: string | undefined,
): Promise<CompatibilityCheck> {
  const label = 'Versionless document id (LIB!n)';
  if (!versioned)
    return check({
      id: 'documents.versionless_id',
      label,
      observed: 'not_observed',
      source: 'probed',
      detail: `The search found no document in library ${library} to ask for.`,
    });
  const versionless = versioned.replace(/\.[0-9]+$/, '');
  const answer = await api.get(`/libraries/${enc(library)}/documents/${enc(versionless)}`);
  const observed =
    answer.status === 200 ? 'accepted' : answer.status === 404 ? 'refused_404' : `refused_${answer.status}`;
  return check({
    id: 'documents.versionless_id',
    label,
    observed,
    source: 'probed',
    detail: `GET …/documents/${versionless} (the document ${versioned} without its version) answered ${answer.status}; Lexbridge always sends the version.`,
  });
}

function counted(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** One value when every sample agrees, `mixed` when they differ, `not_observed` without samples. */
function verdict(counts: Record<string, number>): string {
  const kinds = Object.keys(counts);
  return kinds.length === 0 ? 'not_observed' : kinds.length === 1 ? kinds[0]! : 'mixed';
}

export function checksumFormat(value: unknown): string {
  if (value === undefined || value === null || value === '') return 'absent';
  const text = String(value).trim();
  if (/^SHA256:[0-9A-F]{64}$/.test(text)) return 'sha256_upper_hex';
  if (/^sha-?256:[0-9a-f]{64}$/i.test(text)) return 'sha256_hex_other_case';
  if (/^sha-?256:[A-Za-z0-9+/=_-]{43,44}$/i.test(text)) return 'sha256_base64';
  return 'other';
}

function checksumCheck(profiles: Json[]): CompatibilityCheck {
  const counts = counted(profiles.map((p) => checksumFormat(p.checksum)));
  return check({
    id: 'documents.checksum',
    label: 'Document checksum format',
    observed: verdict(counts),
    source: 'probed',
    detail: `${profiles.length} document profile(s) read; Lexbridge uses only SHA256: with 64 hex digits and otherwise verifies by size and its own SHA-256.`,
    counts,
  });
}

function editProfileDateCheck(profiles: Json[]): CompatibilityCheck {
  const counts = counted(
    profiles.map((p) => (typeof p.edit_profile_date === 'string' ? 'present' : 'absent')),
  );
  return check({
    id: 'documents.edit_profile_date',
    label: 'edit_profile_date on profiles',
    observed: verdict(counts),
    source: 'probed',
    detail: `${profiles.length} document profile(s) read (a rename moves edit_profile_date, not edit_date).`,
    counts,
  });
}

/** The server's clock against ours: its Date header, and whether any edit date lies in our future. */
export function clockCheck(
  answers: Answer[],
  newestEditDate: number | undefined,
  now: number,
): CompatibilityCheck {
  // A Date header is cut to the second: on average the server's time is half a second later.
  const skews = answers.flatMap((a) =>
    a.serverDate === undefined ? [] : [(a.serverDate + 500 - a.localMidpoint) / 1000],
  );
  const skew = skews.length ? Math.round(skews.reduce((x, y) => x + y, 0) / skews.length) : undefined;
  const ahead = newestEditDate !== undefined ? Math.round((newestEditDate - now) / 1000) : undefined;
  const counts = {
    ...(skew !== undefined ? { dateHeaderSkewSeconds: skew } : {}),
    ...(ahead !== undefined && ahead > 0 ? { newestEditDateAheadSeconds: ahead } : {}),
  };
  const observed =
    skew === undefined
      ? 'not_observed'
      : Math.abs(skew) <= 5
        ? 'in_step'
        : skew > 0
          ? 'server_ahead'
          : 'server_behind';
  return check({
    id: 'clock.skew',
    label: "Server clock against Lexbridge's",
    observed,
    source: 'probed',
    detail:
      (skew === undefined
        ? 'The server sent no Date header.'
        : `The Date header is ${skew >= 0 ? '+' : ''}${skew} s from this machine's clock (to the second).`) +
      (ahead !== undefined && ahead > 0
        ? ` The newest edit date read is ${ahead} s in this machine's future.`
        : ''),
    counts,
  });
}
