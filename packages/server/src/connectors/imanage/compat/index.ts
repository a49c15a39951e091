import type { CompatibilityCheck, ConnectionObservations } from '../../compatibility.ts';
import type { ConnectorPlugin } from '../../plugin.ts';
import { imanageServer } from '../server.ts';
import type { ImanageSettings } from '../settings.ts';
import {
  childrenCheck,
  clockCheck,
  documentChecks,
  resultsOf,
  type Sample,
  sampleOf,
  searchChecks,
} from './probes.ts';
import { type Answer, openReadOnlyApi, type ReadOnlyApi } from './read-only-api.ts';

/**
 * `lexbridge doctor --imanage-compat <connector>`: what the firm's Work Server does where the
 * connector depends on it, asked with read-only calls (read-only-api.ts) and one person's
 * authorisation, plus what Lexbridge recorded at that person's last authorisation and refresh.
 */
type Compatibility = NonNullable<ConnectorPlugin<ImanageSettings>['compatibility']>;

export const imanageCompatibility: Compatibility = {
  name: 'imanage-compat',
  async run(context, connector, access, observed) {
    const answers: Answer[] = [];
    const opened = await openReadOnlyApi(imanageServer(context, connector), access);
    const api: ReadOnlyApi = {
      serverAddress: opened.serverAddress,
      get: async (path, query) => remember(answers, await opened.get(path, query)),
      discovery: async () => remember(answers, await opened.discovery()),
    };
    const discovery = (await api.discovery()).body as { data?: Discovery } | undefined;
    const libraries = resultsOf((await api.get('/libraries')).body).map((l) => String(l.id ?? ''));
    const preferred = discovery?.data?.work?.preferred_library;
    const library = preferred && libraries.includes(preferred) ? preferred : libraries[0];
    const checks: CompatibilityCheck[] = [apiHostCheck(api.serverAddress, discovery?.data)];
    let newestEditDate: number | undefined;
    let sample: Sample | undefined;
    if (library) {
      sample = await sampleOf(api, library);
      checks.push(...(await searchChecks(api, sample)), await childrenCheck(api, sample));
      const documents = await documentChecks(api, sample);
      checks.push(...documents.checks);
      newestEditDate = documents.newestEditDate;
    }
    checks.push(
      clockCheck(answers, newestEditDate, Date.now()),
      ...recordedChecks(observed),
      indexLagCheck(),
    );
    return {
      format: 'lexbridge-compatibility-report',
      version: 1,
      kind: 'imanage-compat',
      readOnly: true,
      server: {
        dmsVersion: discovery?.data?.dms_version ?? null,
        apiPath: apiPathOf(discovery?.data),
        libraries: libraries.length,
        library: library ?? null,
        sampledWorkspace: sample?.filters.container_id ?? null,
        requests: answers.length,
      },
      checks,
    };
  },
};

interface Discovery {
  dms_version?: string;
  versions?: { name?: string; url?: string }[];
  work?: { preferred_library?: string };
}

function remember(answers: Answer[], answer: Answer): Answer {
  answers.push(answer);
  return answer;
}

function v2Url(data: Discovery | undefined): URL | undefined {
  const url = data?.versions?.find((v) => v.name === 'v2')?.url;
  try {
    return url ? new URL(url) : undefined;
  } catch {
    return undefined;
  }
}

function apiPathOf(data: Discovery | undefined): string | null {
  return v2Url(data)?.pathname.replace(/\/+$/, '') ?? null;
}

function apiHostCheck(serverAddress: string, data: Discovery | undefined): CompatibilityCheck {
  const url = v2Url(data);
  const same = url?.origin === new URL(serverAddress).origin;
  return {
    id: 'api.host',
    label: '/api names the Server Address',
    observed: !url ? 'no_url' : same ? 'same_host' : 'other_host',
    source: 'probed',
    detail: !url
      ? '/api named no v2 API URL; Lexbridge uses <Server Address>/work/api/v2.'
      : same
        ? `versions[v2].url is on the Server Address (path ${url.pathname}).`
        : `versions[v2].url names another host (not shown here), as behind an application proxy; Lexbridge keeps only its path ${url.pathname} on the Server Address.`,
  };
}

function recordedChecks(observed: ConnectionObservations): CompatibilityCheck[] {
  const refresh = observed.lastRefresh;
  return [
    {
      id: 'oauth.pkce',
      label: 'Token endpoint accepts PKCE',
      observed: 'accepted',
      source: 'recorded',
      detail: `At the last authorisation (${observed.authorisedAt.toISOString()}) Lexbridge sent PKCE (S256) and the server issued tokens; whether it verifies the code_verifier cannot be seen from outside.`,
    },
    {
      id: 'oauth.refresh_rotation',
      label: 'Refresh rotates the refresh token',
      observed: refresh ? refresh.refreshToken : 'not_observed',
      source: 'recorded',
      detail: refresh
        ? `At the last refresh (${refresh.at}) the answer ${refresh.refreshToken === 'rotated' ? 'carried a new refresh token' : refresh.refreshToken === 'unchanged' ? 'carried the same refresh token' : 'carried no refresh token (the old one is kept)'}.`
        : 'Lexbridge has not refreshed this authorisation since it was given (or since it began recording); run the check again after the access token has been renewed (within its idle time, usually 30 minutes).',
    },
  ];
}

function indexLagCheck(): CompatibilityCheck {
  return {
    id: 'search.index_lag',
    label: 'Search index lag',
    observed: 'not_measurable',
    source: 'not_measurable',
    detail:
      'Measuring it needs a new document to wait for, and this check writes nothing; Lexbridge starts each incremental search 10 minutes before its watermark.',
  };
}
