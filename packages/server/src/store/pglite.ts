import { createRequire } from 'node:module';
import type * as PGliteModule from '@electric-sql/pglite';
import type * as DrizzlePglite from 'drizzle-orm/pglite';

/**
 * PGlite and drizzle's PGlite driver, loaded as CommonJS. Their ES module builds would pass PGlite's
 * 800 KB of generated code through tsx's loader, which rewrites its dynamic imports and keeps a
 * fine-grained source map of it: about 40 MB of resident memory for nothing. The CommonJS builds are
 * the same code, loaded by Node itself. drizzle recognises its objects by a registered symbol, so the
 * schema's tables (ES modules) work with the CommonJS driver.
 */
const require = createRequire(import.meta.url);
export const { PGlite } = require('@electric-sql/pglite') as typeof PGliteModule;
export type PGlite = PGliteModule.PGlite;
export const { drizzle: drizzleOverPglite } = require('drizzle-orm/pglite') as typeof DrizzlePglite;
