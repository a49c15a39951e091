import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseEmulatorArgs } from '../src/cli.ts';

describe('emulator command line', () => {
  it('turns flags into options, reading the users and apps files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'emulator-cli-'));
    await writeFile(join(dir, 'users.json'), JSON.stringify([{ id: 'u1', password: 'p' }]));
    await writeFile(join(dir, 'apps.json'), JSON.stringify([{ client_id: 'c1', redirect_urls: [] }]));
    const options = await parseEmulatorArgs([
      '--port=0',
      '--host',
      '0.0.0.0',
      '--seed',
      '7',
      '--users',
      join(dir, 'users.json'),
      '--apps',
      join(dir, 'apps.json'),
      '--workspaces',
      '3',
      '--folder-depth',
      '1',
      '--documents-per-folder',
      '4',
      '--min-size',
      '10',
      '--max-size',
      '20',
      '--latency-ms',
      '5',
      '--rate-limit-after',
      '100',
      '--rate-limit-rate',
      '0.1',
      '--error-rate',
      '0.2',
      '--reset-download-rate',
      '0.3',
      '--token-endpoint-down',
      '--clock-skew=-3600',
    ]);
    expect(options).toEqual({
      port: 0,
      host: '0.0.0.0',
      seed: 7,
      users: [{ id: 'u1', password: 'p' }],
      apps: [{ client_id: 'c1', redirect_urls: [] }],
      content: { workspaces: 3, folderDepth: 1, documentsPerFolder: 4, minSize: 10, maxSize: 20 },
      faults: {
        latencyMs: 5,
        rateLimitAfter: 100,
        rateLimitRate: 0.1,
        errorRate: 0.2,
        resetDownloadRate: 0.3,
        tokenEndpointDown: true,
      },
      clockSkewSeconds: -3600,
    });
    expect(await parseEmulatorArgs([])).toMatchObject({ port: 8090, content: {}, faults: {} });
    await expect(parseEmulatorArgs(['--error-rate', '3'])).rejects.toThrow('--error-rate');
    await expect(parseEmulatorArgs(['--bogus'])).rejects.toThrow();
    await expect(parseEmulatorArgs(['--clock-skew', 'soon'])).rejects.toThrow('--clock-skew');
  });

  it('runs directly with node --import tsx and prints how to sign in', async () => {
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('Applications:')) resolve(text);
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}: ${text}`)));
      });
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      expect(output).toContain('admin / admin');
      expect(output).toContain('jsmith / password');
      expect(output).toContain(`${url}/cc`);
      expect((await fetch(`${url}/__emulator/health`)).status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
