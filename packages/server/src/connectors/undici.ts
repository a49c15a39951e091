import { createRequire } from 'node:module';
import type * as Undici from 'undici';

const require = createRequire(import.meta.url);
let loaded: typeof Undici | undefined;

/**
 * undici, loaded when Lexbridge first talks to another server rather than at start: its CommonJS
 * entry loads every part of it (fetch, WebSocket, caches, mocks), about 100 ms of each start
 * (docs/operations.md, "Start-up time"). Loaded once; later calls return the same module.
 */
export function undici(): typeof Undici {
  loaded ??= require('undici') as typeof Undici;
  return loaded;
}
