import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseGraphEmulatorArgs } from '../src/cli.ts';
import { ALEX, graph, signIn, startTestEmulator } from './helpers.ts';

describe('admin page and API', () => {
  it('shows what is inside, and changes app registrations', async () => {
    const emulator = await startTestEmulator();
    try {
      const page = await emulator.fetch(`${emulator.loginUrl}/__emulator`);
      const text = await page.text();
      expect(page.status).toBe(200);
      for (const expected of [
        ALEX,
        'Passw0rd!',
        emulator.app.clientId,
        'Matter 1001 - Acme v Globex',
        'Client - Acme',
        'Exhibit A.pdf',
      ]) {
        expect(text).toContain(expected);
      }
      const patched = await emulator.fetch(`${emulator.loginUrl}/__emulator/apps/${emulator.app.clientId}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          secretExpiry: { keyId: emulator.app.secretId, expiresAt: '2000-01-01T00:00:00Z' },
        }),
      });
      expect(patched.status).toBe(200);
      await expect(signIn(emulator)).rejects.toThrow(/AADSTS7000222/);
    } finally {
      await emulator.close();
    }
  });

  it('keeps state in a file across restarts (over plain http)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'graph-state-'));
    const state = join(dir, 'state.json');
    const first = await startTestEmulator({ state, https: false });
    expect(first.graphUrl.startsWith('http://')).toBe(true);
    const token = (await signIn(first)).access_token;
    const put = await graph(first, token, '/me/drive/root:/kept.txt:/content', {
      method: 'PUT',
      body: 'kept',
    });
    expect(put.status).toBe(201);
    await first.close();
    expect(JSON.parse(await readFile(state, 'utf8')).version).toBe(1);
    const second = await startTestEmulator({ state, https: false });
    try {
      const again = await graph(second, token, '/me/drive/root:/kept.txt:');
      expect(again.body.id).toBe(put.body.id);
      const content = await second.fetch(again.body['@microsoft.graph.downloadUrl']);
      expect(await content.text()).toBe('kept');
    } finally {
      await second.close();
    }
  });
});

describe('command line', () => {
  it('turns flags into options', () => {
    expect(
      parseGraphEmulatorArgs([
        '--port',
        '0',
        '--http',
        '--seed',
        '3',
        '--redirect-uri',
        'https://a/cb',
        '--throttle-rate',
        '0.1',
        '--ca-file',
        '/tmp/ca.pem',
      ]),
    ).toEqual({
      options: {
        port: 0,
        https: false,
        seed: 3,
        redirectUris: ['https://a/cb'],
        faults: { throttleRate: 0.1 },
      },
      caFile: '/tmp/ca.pem',
    });
    expect(() => parseGraphEmulatorArgs(['--error-rate', '2'])).toThrow('--error-rate');
    expect(() => parseGraphEmulatorArgs(['--bogus'])).toThrow();
  });

  it('runs with node --import tsx, writes the CA and prints how to sign in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'graph-cli-'));
    const caFile = join(dir, 'ca.pem');
    const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--ca-file', caFile], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const output = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('https with a generated CA')) resolve(text);
        });
        child.on('exit', (code) => reject(new Error(`exited with ${code}: ${text}`)));
      });
      expect(output).toContain(`${ALEX} / Passw0rd!`);
      expect(output).toContain('Client secret value: Lxb8Q~');
      expect(await readFile(caFile, 'utf8')).toContain('BEGIN CERTIFICATE');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
