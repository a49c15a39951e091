import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { CreateWorkflowBody } from '@lexbridge/contracts';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll } from 'vitest';
import type { Lexbridge } from '../../src/runtime.ts';
import { connectors, runItems, workflowRuns } from '../../src/store/schema.ts';
import type { WorkflowRow } from '../../src/workflows/model.ts';
import { performRun, requestRun } from '../../src/workflows/runs.ts';
import { createWorkflow } from '../../src/workflows/service.ts';
import { createTestLexbridge, type SignedIn, signIn, type TestLexbridge } from '../support/lexbridge.ts';

/** A directory for the local-folder roots of one test file. */
export async function createRoot(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'lexbridge-wf-'));
}

/** What useLocalLexbridge sets up; filled in by its beforeAll. */
export interface LocalLexbridge {
  lexbridge: TestLexbridge;
  /** A signed-in person with the User role. */
  owner: SignedIn;
  /** The only local-folder root this Lexbridge allows. */
  root: string;
}

/**
 * One embedded Lexbridge for the calling test file, allowing local folders under a fresh root, with a
 * signed-in User; disposed of (root included) after the file's tests.
 */
export function useLocalLexbridge(): LocalLexbridge {
  const context = {} as LocalLexbridge;
  beforeAll(async () => {
    context.root = await createRoot();
    context.lexbridge = await createTestLexbridge({ env: { LEXBRIDGE_LOCAL_FOLDER_ROOTS: context.root } });
    context.owner = await signIn(context.lexbridge, { roles: ['User'] });
  });
  afterAll(async () => {
    await context.lexbridge?.dispose();
    if (context.root) await rm(context.root, { recursive: true, force: true });
  });
  return context;
}

/** A local-folder connector on a new folder under root. */
export async function createLocalConnector(
  lexbridge: Lexbridge,
  root: string,
  name: string,
): Promise<{ id: string; path: string }> {
  const path = join(root, `${name}-${randomUUID().slice(0, 8)}`);
  await mkdir(path, { recursive: true });
  const id = randomUUID();
  await lexbridge.store.db.insert(connectors).values({ id, type: 'local-folder', name, config: { path } });
  return { id, path };
}

/** Writes files given as {relative path: content}. */
export async function writeTree(base: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(base, path)), { recursive: true });
    await writeFile(join(base, path), content);
  }
}

/** Every file under base as {relative path: content}, plus folders as path/ → ''. */
export async function readTree(base: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(base, { withFileTypes: true, recursive: true })) {
    const rel = join(entry.parentPath, entry.name).slice(base.length + 1);
    out[entry.isDirectory() ? `${rel}/` : rel] = entry.isDirectory()
      ? ''
      : await readFile(join(base, rel), 'utf8');
  }
  return out;
}

export async function runNow(
  lexbridge: Lexbridge,
  workflow: WorkflowRow,
  options: { dryRun?: boolean } = {},
) {
  const run = await requestRun(lexbridge, workflow, { trigger: 'manual', dryRun: options.dryRun });
  return finishRun(lexbridge, run.id);
}

export async function finishRun(lexbridge: Lexbridge, runId: string) {
  await performRun(lexbridge, runId, { log: lexbridge.log });
  const [run] = await lexbridge.store.db.select().from(workflowRuns).where(eq(workflowRuns.id, runId));
  const items = await lexbridge.store.db.select().from(runItems).where(eq(runItems.runId, runId));
  return { run: run!, items };
}

/** Creates a workflow between two connectors and completes its first run. */
export async function createAndRun(
  lexbridge: Lexbridge,
  owner: { userId: string },
  body: Omit<CreateWorkflowBody, 'name'> & { name?: string },
) {
  const { workflow, run } = await createWorkflow(
    lexbridge,
    { id: owner.userId, roles: ['User'] },
    { name: 'test', ...body },
  );
  const first = await finishRun(lexbridge, run!.id);
  return { workflow, ...first };
}
