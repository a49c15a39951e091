/**
 * Runs once per `vitest run` for the server project: makes sure the embedded-database template
 * (store/template.ts) exists, so that every test file — and every Lexbridge process a test starts on a
 * new data directory — loads one migrated database instead of creating and migrating its own; and
 * that the compiled server (bin/compiled-server.js) is current, so the `lexbridge` processes tests
 * start do not each compile it.
 */
import { compiledServer } from '../../../../bin/compiled-server.js';
import { prepareEmbeddedTemplate } from '../../src/cli/prepare.ts';

export default async function setup(): Promise<void> {
  await compiledServer({ log: () => {} });
  await prepareEmbeddedTemplate();
}
