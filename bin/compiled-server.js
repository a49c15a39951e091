// The server compiled to JavaScript, so that `lexbridge serve`, `start` and `worker` run without a
// TypeScript loader in the process (tsx's loader costs about 30 MB resident and more at start). esbuild
// bundles packages/server/src/cli/main.ts and the workspace packages it imports (npm packages stay
// external) into packages/server/dist/<hash>/, where <hash> is a hash of every source file it may read:
// a changed source is a new folder, built at the next start (about a second), and never a stale server.
// `npm install` runs `lexbridge prepare`, so the first build happens at install time.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const distDir = join(root, 'packages', 'server', 'dist');
const packages = ['server', 'contracts', 'imanage-emulator', 'graph-emulator'];
/** How many earlier builds to keep beside the current one (a server still running may load from one). */
const keepEarlier = 2;

function filesUnder(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !/\.test\.ts$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

/** A hash over the sources the bundle is made of, the package manifests and this build's own code. */
export function serverSourceHash() {
  const inputs = [fileURLToPath(import.meta.url)];
  for (const name of packages) {
    const dir = join(root, 'packages', name);
    inputs.push(join(dir, 'package.json'), ...filesUnder(join(dir, 'src')));
  }
  const hash = createHash('sha256');
  for (const file of inputs.filter((f) => existsSync(f)).sort()) {
    hash.update(relative(root, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * What packages/server/src/http/route-files.ts becomes in the bundle: the route files it would find
 * at run time (the same file names), each imported statically, so that they load as one chunk.
 */
function routeFilesModule(routesDir) {
  const files = filesUnder(routesDir)
    .filter((f) => /^(get|post|put|patch|delete)\.ts$/.test(basename(f)))
    .map((f) => relative(routesDir, f).split('\\').join('/'))
    .sort();
  const imports = files.map((f, i) => `import * as route${i} from ${JSON.stringify(`./routes/${f}`)};`);
  const list = files.map((f, i) => `{ file: ${JSON.stringify(f)}, module: route${i} }`);
  return `${imports.join('\n')}\nexport async function importRouteFiles() {\n  return [${list.join(', ')}];\n}\n`;
}

/**
 * Bundles the server into `outdir` (a folder directly inside packages/server/dist). `import.meta.url`
 * in a source file becomes that file's own URL (relative to the bundle, so the checkout may move):
 * code that finds its migrations, routes or the web app beside itself finds them as before.
 */
async function bundle(outdir) {
  const { build } = await import('esbuild');
  const besideOutput = join(distDir, 'build');
  await build({
    entryPoints: [join(root, 'packages', 'server', 'src', 'cli', 'main.ts')],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20.19',
    outdir,
    entryNames: '[name]',
    chunkNames: 'chunk-[hash]',
    logLevel: 'error',
    plugins: [
      {
        name: 'lexbridge',
        setup(b) {
          // npm packages load from node_modules as they are; only the workspace's own TypeScript is bundled.
          b.onResolve({ filter: /^[^./]/ }, (args) =>
            args.path.startsWith('@lexbridge/') ? undefined : { external: true },
          );
          b.onLoad({ filter: /[\\/]http[\\/]route-files\.ts$/ }, (args) => ({
            contents: routeFilesModule(join(dirname(args.path), 'routes')),
            resolveDir: dirname(args.path),
            loader: 'ts',
          }));
          b.onLoad({ filter: /\.ts$/ }, async (args) => {
            const text = await readFile(args.path, 'utf8');
            const own = `new URL(${JSON.stringify(relative(besideOutput, args.path).split('\\').join('/'))}, import.meta.url).href`;
            return { contents: text.replaceAll('import.meta.url', own), loader: 'ts' };
          });
        },
      },
    ],
  });
}

/** Removes all but the newest `keepEarlier` builds other than `current`. */
async function pruneEarlier(current) {
  const entries = await readdir(distDir, { withFileTypes: true }).catch(() => []);
  const builds = [];
  for (const e of entries) {
    if (!e.isDirectory() || e.name === current) continue;
    const path = join(distDir, e.name);
    // Half-finished builds of other processes start with a dot; leave those younger than a minute.
    const { mtimeMs } = await stat(path);
    if (e.name.startsWith('.') && Date.now() - mtimeMs < 60_000) continue;
    builds.push({ path, mtimeMs, temporary: e.name.startsWith('.') });
  }
  builds.sort((a, b) => b.mtimeMs - a.mtimeMs);
  const finished = builds.filter((b) => !b.temporary);
  const stale = [...finished.slice(keepEarlier), ...builds.filter((b) => b.temporary)];
  await Promise.all(stale.map((b) => rm(b.path, { recursive: true, force: true })));
}

/**
 * The compiled server's entry point (packages/server/dist/<hash>/main.js), built first when the
 * sources changed since the last build. Processes starting at once may each build; the first to
 * finish wins and the others use its folder.
 */
export async function compiledServer({ log = (line) => console.error(line) } = {}) {
  const hash = serverSourceHash();
  const dir = join(distDir, hash);
  const main = join(dir, 'main.js');
  if (existsSync(main)) return main;
  const started = performance.now();
  const temporary = join(distDir, `.${hash}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await bundle(temporary);
    await rename(temporary, dir).catch((err) => {
      if (!existsSync(main)) throw err;
    });
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
  log(
    `lexbridge: compiled the server (packages/server/dist/${hash}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  await pruneEarlier(hash);
  return main;
}
