import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * connectors/ sits below authorisation/, workflows/ and publishing/: what an edit of a connector means
 * for people's authorisations and workflows is decided above it (connector-admin/), never imported into it.
 */
const src = fileURLToPath(new URL('../../src/', import.meta.url));
const above = /from '(?:\.\.\/)+(authorisation|workflows|publishing|http|connector-admin|cli|jobs)\//;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return files(path);
    return /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
  });
}

describe('connectors/ layering', () => {
  it('imports nothing from the layers above it', () => {
    const upward = files(join(src, 'connectors')).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => above.test(line))
        .map((line) => `${relative(src, file)}: ${line.trim()}`),
    );
    expect(upward).toEqual([]);
  });
});
