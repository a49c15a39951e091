/**
 * Runs once per `vitest run` for the server project: makes sure the embedded-database template
 * (store/template.ts) exists, so that every test file — and every Lexbridge process a test starts on a
 * new data directory — loads one migrated database instead of creating and migrating its own.
 */
import { prepareEmbeddedTemplate } from '../../src/cli/prepare.ts';

export default async function setup(): Promise<void> {
  await prepareEmbeddedTemplate();
}
