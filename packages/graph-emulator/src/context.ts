/** What every route module needs, passed explicitly. */
import type { Clock } from './clock.ts';
import type { Faults } from './faults.ts';
import type { TokenService } from './oauth/tokens.ts';
import type { ItemChanges } from './store/items.ts';
import type { PreauthLinks } from './store/preauth.ts';
import type { Store } from './store/store.ts';
import type { UploadSessions } from './store/upload-sessions.ts';

export interface Urls {
  /** Sign-in host, e.g. https://127.0.0.1:8443 (stands for https://login.microsoftonline.com). */
  login: string;
  /** Graph host without /v1.0, e.g. https://127.0.0.1:8443 (stands for https://graph.microsoft.com). */
  graph: string;
  /** Host of pre-authenticated download and upload URLs, e.g. https://localhost:8444. */
  content: string;
}

export interface EmulatorContext {
  store: Store;
  changes: ItemChanges;
  tokens: TokenService;
  uploads: UploadSessions;
  links: PreauthLinks;
  faults: Faults;
  clock: Clock;
  /** Known once listening. */
  urls: () => Urls;
  /** Required on /__emulator/* from non-loopback addresses. */
  adminToken: string;
  /** Simple upload (PUT …/content) limit in bytes; Graph documents 4 MB. */
  simpleUploadLimit: number;
  /** Writes the state file (when --state was given); returns its path. */
  saveState: () => Promise<string | undefined>;
}
