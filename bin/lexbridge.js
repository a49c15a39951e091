#!/usr/bin/env node
// The `lexbridge` command. It runs the server compiled to JavaScript (compiled-server.js builds it
// once per change of the sources), so no TypeScript loader sits in the process. Should compiling be
// impossible here, it says so and runs the TypeScript sources through tsx instead.
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { compiledServer } from './compiled-server.js';

// On the embedded database (no DATABASE_URL) Lexbridge is one process on one machine, where memory
// counts: V8's young generation stays at its initial size (1 MB semi-spaces) instead of growing to
// 16 MB ones at start, about 30 MB resident less, with no throughput cost measured (docs/operations.md,
// "Memory"). The flag is read each time the young generation would grow, so setting it here, before
// the server loads, is enough. Node options naming the semi-space size are the operator's and win.
const nodeOptions = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
if (!process.env.DATABASE_URL && !/semi-space/.test(nodeOptions)) {
  setFlagsFromString('--semi-space-growth-factor=1');
}

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
