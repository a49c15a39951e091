/**
 * A fresh clone has nothing beside it: no file under packages/, bench/, bin/ or .ci/ may name a path
 * that leaves the repository. Every relative path written in a file (`../…` in an import, a URL, a
 * script) is resolved against that file's folder and must stay inside the repository root.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const scanned = ['packages', 'bench', 'bin', '.ci'];
const skippedDirs = new Set(['node_modules', 'dist', 'data', 'test-artifacts']);
const textFile = /\.(ts|tsx|mts|js|mjs|cjs|json|sh|md|yml|yaml|html)$|^[^.]+$/;

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skippedDirs.has(entry.name)) yield* filesUnder(path);
    } else if (entry.isFile() && textFile.test(entry.name) && statSync(path).size < 1_000_000) {
      yield path;
    }
  }
}

/** Each relative path in the text that climbs out of `fileDir` past the repository root. */
export function pathsLeavingRoot(text: string, fileDir: string, repoRoot: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(/(?:^|[^\w.])((?:\.\.\/)+[^\s'"`),;]*)/g)) {
    const written = match[1] as string;
    const target = resolve(fileDir, written);
    if (target !== repoRoot && !target.startsWith(repoRoot + sep)) found.push(written);
  }
  return found;
}

describe('the repository is self-contained', () => {
  it('detects a path that climbs out of the repository', () => {
    const dir = join(root, 'packages', 'x', 'test');
    expect(pathsLeavingRoot("new URL('../../../../elsewhere/ref.json', import.meta.url)", dir, root)).toEqual(
      ['../../../../elsewhere/ref.json'],
    );
    expect(pathsLeavingRoot("import x from '../../src/a.ts'", dir, root)).toEqual([]);
  });

  it('no file under packages/, bench/, bin/ or .ci/ refers to a parent of the repository root', () => {
    const offenders: string[] = [];
    let scannedFiles = 0;
    for (const top of scanned) {
      for (const file of filesUnder(join(root, top))) {
        scannedFiles++;
        for (const path of pathsLeavingRoot(readFileSync(file, 'utf8'), dirname(file), root)) {
          offenders.push(`${relative(root, file)}: ${path}`);
        }
      }
    }
    expect(scannedFiles).toBeGreaterThan(200);
    expect(offenders).toEqual([]);
  });
});
