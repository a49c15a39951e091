#!/usr/bin/env node
// The `lexbridge` command. It runs the server compiled to JavaScript (compiled-server.js builds it
// once per change of the sources), so no TypeScript loader sits in the process. Should compiling be
// impossible here, it says so and runs the TypeScript sources through tsx instead.
import { pathToFileURL } from 'node:url';
import { compiledServer } from './compiled-server.js';

let main;
try {
  main = await compiledServer();
} catch (err) {
  console.error(
    `lexbridge: could not compile the server (${err instanceof Error ? err.message : err}); running it from its TypeScript sources`,
  );
}
if (main) {
  await import(pathToFileURL(main).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../packages/server/src/cli/main.ts');
}
