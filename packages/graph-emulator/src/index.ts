/**
 * @lexbridge/graph-emulator: Microsoft Graph v1.0 (SharePoint, OneDrive and Teams files) with
 * Entra ID v2 sign-in, over https with a certificate it generates (or plain http), for tests,
 * demos and benchmarks.
 *
 * @example
 *   const graph = await startGraphEmulator({ port: 0 });
 *   // trust graph.caPem, sign in at `${graph.loginUrl}/${graph.tenantId}/oauth2/v2.0/authorize`,
 *   // call `${graph.graphUrl}/me/drive/root/children` …
 *   await graph.close();
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { buildContentApp, buildMainApp } from './app.ts';
import { Clock } from './clock.ts';
import type { EmulatorContext, Urls } from './context.ts';
import {
  type FaultConfig,
  type FaultConfigInput,
  type FaultRule,
  Faults,
  type ruleSchema,
} from './faults.ts';
import { IdGenerator } from './ids.ts';
import { TokenService } from './oauth/tokens.ts';
import { DEMO_APP, DEMO_PASSWORD, DEMO_TENANT, seedStore } from './seed.ts';
import { loadState, saveState } from './state.ts';
import { BlobStore } from './store/blobs.ts';
import { ItemChanges } from './store/items.ts';
import { PreauthLinks } from './store/preauth.ts';
import { Store } from './store/store.ts';
import { UploadSessions } from './store/upload-sessions.ts';
import {
  type CertificateAuthority,
  createCertificateAuthority,
  issueServerCertificate,
  loadOrCreateCertificateAuthority,
} from './tls/certificates.ts';

export type { FaultConfig, FaultConfigInput, FaultRule } from './faults.ts';
export { QuickXorHash, quickXorHash } from './quick-xor-hash.ts';
export { CONNECTOR_SCOPES, DEMO_APP, DEMO_PASSWORD, DEMO_TENANT } from './seed.ts';

export interface GraphEmulatorOptions {
  /** Main host (sign-in, Graph, admin). 0 picks a free port. Default 8443. */
  port?: number;
  /** Content host (download and upload URLs). Default 0 (any free port). */
  contentPort?: number;
  /** Listening address of both hosts. Default 127.0.0.1 (the content host then listens on localhost). */
  host?: string;
  /** https (default) with a generated certificate, or plain http. */
  https?: boolean;
  /** Keep the CA (ca.pem, ca-key.pem) here so clients keep trusting it across restarts. */
  caDir?: string;
  /** Name in the main URLs. Default 127.0.0.1. */
  hostname?: string;
  /** Name in download and upload URLs; must differ from `hostname` so clients see another host. Default localhost. */
  contentHostname?: string;
  /** Seeds the generated ids and fault dice. Default 1. */
  seed?: number;
  /** Redirect URIs of the demo app registration. */
  redirectUris?: string[];
  faults?: FaultConfigInput;
  /** JSON state file: loaded at start when present, written on changes and on close. */
  state?: string;
  /** Simple upload limit in bytes. Default 4 MiB. */
  simpleUploadLimit?: number;
  /** Lifetime of pre-authenticated download URLs. Default 600 s. */
  downloadUrlSeconds?: number;
  /** Upload session lifetime, extended by each fragment. Default 3600 s. */
  uploadSessionSeconds?: number;
  logger?: boolean;
}

export interface RunningGraphEmulator {
  /** Main host, e.g. https://127.0.0.1:8443 — stands for https://login.microsoftonline.com. */
  readonly loginUrl: string;
  /** e.g. https://127.0.0.1:8443/v1.0 — stands for https://graph.microsoft.com/v1.0. */
  readonly graphUrl: string;
  /** Host of download and upload URLs, e.g. https://localhost:40123. */
  readonly contentUrl: string;
  /** PEM of the CA that signed the certificate (https only). */
  readonly caPem: string | undefined;
  readonly tenantId: string;
  readonly app: typeof DEMO_APP;
  readonly password: string;
  readonly adminToken: string;
  readonly store: Store;
  readonly tokens: TokenService;
  readonly clock: Clock;
  faults: FaultConfig | FaultConfigInput;
  /** Graph API requests received so far (/v1.0/…; sign-in and content URLs not included). */
  readonly graphRequests: number;
  /** Adds a one-shot fault (the next N matching requests fail). */
  addFault(rule: z.input<typeof ruleSchema>): FaultRule;
  /** Revokes the user's tokens (refresh then fails with AADSTS50173, Graph with 401). */
  revokeUser(idOrUpn: string): number;
  /** Expires every delta token of the drive (410 resyncRequired). */
  expireDeltaTokens(driveId: string): void;
  userId(upn: string): string;
  close(): Promise<void>;
}

async function certificateAuthority(options: GraphEmulatorOptions): Promise<CertificateAuthority> {
  return options.caDir ? loadOrCreateCertificateAuthority(options.caDir) : createCertificateAuthority();
}

export async function startGraphEmulator(options: GraphEmulatorOptions = {}): Promise<RunningGraphEmulator> {
  const seed = options.seed ?? 1;
  const clock = new Clock();
  const blobDir = options.state ? `${options.state}.blobs` : await mkdtemp(join(tmpdir(), 'graph-emulator-'));
  const blobs = new BlobStore(blobDir);
  await blobs.init();
  const store = new Store(clock, new IdGenerator(seed), blobs);
  const tokens = new TokenService(clock);
  if (!options.state || !(await loadState(options.state, store, tokens))) {
    await seedStore(store, options.redirectUris ? { redirectUris: options.redirectUris } : {});
  }
  let urls: Urls = { login: '', graph: '', content: '' };
  const stateFile = options.state;
  const ctx: EmulatorContext = {
    store,
    changes: new ItemChanges(store),
    tokens,
    uploads: new UploadSessions(clock, blobs, (options.uploadSessionSeconds ?? 3600) * 1000),
    links: new PreauthLinks((options.downloadUrlSeconds ?? 600) * 1000),
    faults: new Faults(clock, seed, options.faults),
    clock,
    urls: () => urls,
    adminToken: randomBytes(16).toString('hex'),
    simpleUploadLimit: options.simpleUploadLimit ?? 4 * 1024 * 1024,
    saveState: async () => {
      if (!stateFile) return undefined;
      await saveState(stateFile, store, tokens);
      return stateFile;
    },
  };
  let saveTimer: NodeJS.Timeout | undefined;
  if (stateFile) {
    store.onChange = () => {
      saveTimer ??= setTimeout(() => {
        saveTimer = undefined;
        ctx.saveState().catch(() => {});
      }, 500).unref();
    };
  }

  const host = options.host ?? '127.0.0.1';
  const hostname = options.hostname ?? (host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host);
  const contentHostname = options.contentHostname ?? 'localhost';
  const useHttps = options.https ?? true;
  const ca = useHttps ? await certificateAuthority(options) : undefined;
  const tls = ca
    ? issueServerCertificate(ca, [...new Set([hostname, contentHostname, 'localhost', '127.0.0.1', '::1'])])
    : undefined;
  const appOptions = {
    logger: options.logger ?? false,
    ...(tls ? { https: { cert: tls.certPem, key: tls.keyPem } } : {}),
  };
  const main = buildMainApp(ctx, appOptions);
  const content = buildContentApp(ctx, appOptions);
  const portOf = (app: typeof main) => {
    const address = app.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  };
  try {
    await main.listen({ port: options.port ?? 8443, host });
    await content.listen({ port: options.contentPort ?? 0, host: host === '127.0.0.1' ? 'localhost' : host });
  } catch (error) {
    await Promise.allSettled([main.close(), content.close()]);
    if (!options.state) await rm(blobDir, { recursive: true, force: true });
    throw error;
  }
  const scheme = useHttps ? 'https' : 'http';
  const urlHost = (name: string) => (name.includes(':') ? `[${name}]` : name);
  const mainUrl = `${scheme}://${urlHost(hostname)}:${portOf(main)}`;
  urls = {
    login: mainUrl,
    graph: mainUrl,
    content: `${scheme}://${urlHost(contentHostname)}:${portOf(content)}`,
  };

  return {
    loginUrl: urls.login,
    graphUrl: `${urls.graph}/v1.0`,
    contentUrl: urls.content,
    caPem: ca?.certPem,
    tenantId: DEMO_TENANT.id,
    app: DEMO_APP,
    password: DEMO_PASSWORD,
    adminToken: ctx.adminToken,
    store,
    tokens,
    clock,
    get faults(): FaultConfig {
      return ctx.faults.config;
    },
    set faults(config: FaultConfigInput) {
      ctx.faults.config = config;
    },
    get graphRequests() {
      return ctx.faults.graphRequests;
    },
    addFault: (rule) => ctx.faults.addRule(rule),
    revokeUser(idOrUpn) {
      const user = store.findUser(idOrUpn);
      if (!user) throw new Error(`no user ${idOrUpn}`);
      user.tokensValidFrom = clock.now();
      return tokens.revokeUser(user.id);
    },
    expireDeltaTokens(driveId) {
      store.drive(driveId).deltaEpoch++;
    },
    userId(upn) {
      const user = store.findUser(upn);
      if (!user) throw new Error(`no user ${upn}`);
      return user.id;
    },
    async close() {
      if (saveTimer) clearTimeout(saveTimer);
      await Promise.allSettled([main.close(), content.close()]);
      await ctx.uploads.closeAll();
      if (stateFile) await ctx.saveState();
      else await rm(blobDir, { recursive: true, force: true });
    },
  };
}
