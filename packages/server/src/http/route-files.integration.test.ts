import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledServer } from '../../../../bin/compiled-server.js';
import { importRouteFiles } from './route-files.ts';

describe('the route files', () => {
  it('are found below http/routes and each exports a route', async () => {
    const found = await importRouteFiles();
    const files = found.map((r) => r.file);
    expect(files).toEqual([...files].sort());
    expect(files).toEqual(
      expect.arrayContaining(['healthz/get.ts', 'readyz/get.ts', 'api/openapi.json/get.ts']),
    );
    for (const { file, module } of found)
      expect(module.default, file).toMatchObject({ url: expect.any(String) });
  });

  it('are the same in the compiled server, imported statically into one chunk', async () => {
    // The build lists the route files itself (bin/compiled-server.js): a route missing there would be
    // missing from the server that `lexbridge serve` runs; one chunk per route file costs each start.
    const dir = dirname(await compiledServer({ log: () => {} }));
    const files = (await importRouteFiles()).map((r) => r.file);
    const holding: string[] = [];
    for (const name of await readdir(dir)) {
      const text = await readFile(join(dir, name), 'utf8');
      if (/async function importRouteFiles\(\)/.test(text)) {
        holding.push(name);
        const listed = [...text.matchAll(/\{ file: "([^"]+)", module: /g)].map((m) => m[1]);
        expect(listed).toEqual(files);
      }
      expect(text, name).not.toMatch(/import\("\.\/routes\//);
    }
    expect(holding).toHaveLength(1);
  });
});
