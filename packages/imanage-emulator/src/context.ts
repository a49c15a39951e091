/** What every route module needs, passed explicitly instead of hanging it on the fastify instance. */
import type { Clock } from './clock.ts';
import type { Faults } from './faults.ts';
import type { TokenStore } from './oauth/token-store.ts';
import type { SessionStore } from './sessions.ts';
import type { Store } from './store.ts';
import type { StrictConfig } from './strictness.ts';

export interface EmulatorContext {
  store: Store;
  tokens: TokenStore;
  sessions: SessionStore;
  faults: Faults;
  /** Real-server behaviours switched on (read per request, so it can change while running). */
  strict: StrictConfig;
  clock: Clock;
  customerId: number;
  /** Base URL clients use (publicUrl option, else the listening address); known once listening. */
  publicUrl: () => string;
  /** Required on /__emulator/* from non-loopback addresses. */
  adminToken: string;
  /** Where uploaded content is written; removed on close unless state is kept on disk. */
  uploadDir: string;
  /** Called after anything may have changed, so a state file can be saved. */
  changed: () => void;
  /** The latest requests answered (method, path without query, status), oldest first, for tests. */
  requests: RequestRecord[];
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number;
}

/** How many answered requests `requests` keeps. */
export const requestsKept = 2000;
