import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** A route module as found below http/routes: its path there (e.g. `api/me/get.ts`) and its exports. */
export interface RouteFile {
  file: string;
  module: { default?: unknown };
}

const routesDir = fileURLToPath(new URL('./routes/', import.meta.url));
/** The files that are routes (bin/compiled-server.js names the same): the folder path mirrors the URL, the file name the method. */
const routeFileName = /^(get|post|put|patch|delete)\.ts$/;

/**
 * Every route module under http/routes, sorted by path. The compiled server does not run this: its
 * build (bin/compiled-server.js) replaces this module with one that imports each route file
 * statically, so that the routes load as one chunk rather than one per file, after one read of the
 * folder at build time rather than at each start (docs/operations.md, "Start-up time").
 */
export async function importRouteFiles(): Promise<RouteFile[]> {
  const entries = await readdir(routesDir, { withFileTypes: true, recursive: true });
  const files = entries
    .filter((e) => e.isFile() && routeFileName.test(e.name))
    .map((e) => relative(routesDir, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
  // vite (the tests) is told to leave the import as it is.
  const modules = await Promise.all(files.map((file) => import(/* @vite-ignore */ `./routes/${file}`)));
  return files.map((file, i) => ({ file, module: modules[i] as RouteFile['module'] }));
}
