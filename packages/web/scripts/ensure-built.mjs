#!/usr/bin/env node
// Builds the web app into packages/web/dist when the build is missing or older than its sources, so
// that `npm start` serves the app on a fresh clone and stays fast on restart. `npm install` runs it
// once (--optional: a failure only warns), so the first `npm start` does not build. A hash of the sources
// (web app and contracts) is kept in dist/.build-hash; `--force` builds regardless.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = fileURLToPath(new URL('..', import.meta.url));
const distDir = join(webDir, 'dist');
const hashFile = join(distDir, '.build-hash');

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !/\.test\.tsx?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** A hash over every file the build reads: the app's sources, its config and the shared contracts. */
export function sourceHash() {
  const inputs = [
    ...filesUnder(join(webDir, 'src')),
    ...filesUnder(join(webDir, '..', 'contracts', 'src')),
    join(webDir, 'index.html'),
    join(webDir, 'vite.config.ts'),
    join(webDir, 'package.json'),
  ]
    .filter((f) => existsSync(f))
    .sort();
  const hash = createHash('sha256');
  for (const file of inputs) {
    hash.update(relative(webDir, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** True when dist holds a build of the current sources. */
export function isWebBuildCurrent() {
  if (!existsSync(join(distDir, 'index.html')) || !existsSync(hashFile)) return false;
  return readFileSync(hashFile, 'utf8').trim() === sourceHash();
}

/** Runs `vite build` in packages/web unless the build is current (or `force`). Throws if it fails. */
export function ensureWebBuilt({ force = false, log = console.log } = {}) {
  if (!force && isWebBuildCurrent()) return { built: false };
  log('lexbridge: building the web app (packages/web/dist)…');
  const require = createRequire(join(webDir, 'package.json'));
  const viteBin = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  const started = Date.now();
  const result = spawnSync(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], {
    cwd: webDir,
    stdio: 'inherit',
  });
  if (result.status !== 0)
    throw new Error(`the web app build failed (vite exited with ${result.status ?? result.signal})`);
  writeFileSync(hashFile, `${sourceHash()}\n`);
  log(`lexbridge: web app built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { built: true };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    ensureWebBuilt({ force: process.argv.includes('--force') });
  } catch (err) {
    console.error(`lexbridge: ${err.message}. Run \`npm run build\` to see why.`);
    // After `npm install` (--optional) a failed build must not fail the install: `npm start` tries again.
    process.exitCode = process.argv.includes('--optional') ? 0 : 1;
  }
}
