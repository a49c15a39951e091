import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.ts';
import { createLogger } from '../../src/log.ts';
import { openLexbridge } from '../../src/runtime.ts';
import { createWorkflow } from '../../src/workflows/service.ts';
import { signIn, testEncryptionKeys } from '../support/lexbridge.ts';
import { createLocalConnector, createRoot, readTree, writeTree } from './helpers.ts';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
let root: string;
afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

function lexbridgeCommand(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('lexbridge workflows run', () => {
  it('runs a workflow on the data directory and prints its progress to the end', async () => {
    root = await createRoot();
    const env = {
      LEXBRIDGE_DATA_DIR: join(root, 'data'),
      LEXBRIDGE_ENCRYPTION_KEYS: testEncryptionKeys(),
      LEXBRIDGE_LOCAL_FOLDER_ROOTS: root,
      LOG_LEVEL: 'silent',
    };
    const lexbridge = await openLexbridge({
      config: loadConfig(env),
      log: createLogger({ level: 'silent' }),
    });
    const owner = await signIn(lexbridge, { roles: ['User'] });
    const source = await createLocalConnector(lexbridge, root, 'src');
    const target = await createLocalConnector(lexbridge, root, 'dst');
    await writeTree(source.path, { 'a.txt': 'alpha', 'f/b.txt': 'bravo' });
    const { workflow } = await createWorkflow(
      lexbridge,
      { id: owner.userId, roles: ['User'] },
      {
        name: 'cli',
        type: 'copy',
        source: { connectorId: source.id, id: '' },
        target: { connectorId: target.id, id: '' },
      },
      { startNow: false },
    );
    await lexbridge.close();

    const dry = await lexbridgeCommand(['workflows', 'run', workflow.id, '--dry-run'], env);
    expect(dry.stderr).not.toMatch(/lexbridge:/);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/100% 3\/3 items.*created 3 .*succeeded \(dry run\)/);
    expect(await readTree(target.path)).toEqual({});

    const real = await lexbridgeCommand(['workflows', 'run', workflow.id], env);
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(
      /\[#{30}\] 100% 3\/3 items, 0\.0 MB {2}created 3 updated 0 deleted 0 skipped 0 failed 0 {2}succeeded/,
    );
    expect(await readTree(target.path)).toEqual({ 'a.txt': 'alpha', 'f/': '', 'f/b.txt': 'bravo' });

    const usage = await lexbridgeCommand(['workflows'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/lexbridge workflows run <workflow-id>/);
  }, 120_000);
});
