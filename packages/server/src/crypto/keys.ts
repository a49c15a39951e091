import { randomBytes } from 'node:crypto';
import { chmod, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { SecretKey } from './secret-box.ts';

/**
 * Where encryption keys come from. In production, LEXBRIDGE_ENCRYPTION_KEYS ("id:base64,id:base64",
 * first one encrypts). In local mode without it, a key file in the data directory is generated on first
 * start (mode 0600) with a warning: anyone who can read the data directory can read the secrets.
 */
export const keyFileName = 'encryption-keys.json';

interface KeyFile {
  keys: { id: string; key: string; createdAt: string }[];
}

export function parseKeyList(value: string): SecretKey[] {
  return value.split(',').map((pair) => {
    const [id, key] = pair.trim().split(':') as [string, string];
    return { id, key: Buffer.from(key.replace(/-/g, '+').replace(/_/g, '/'), 'base64') };
  });
}

export function newKeyId(): string {
  return `k${new Date()
    .toISOString()
    .replace(/[-:TZ.]/g, '')
    .slice(0, 14)}${randomBytes(2).toString('hex')}`;
}

export async function loadKeys(options: {
  envKeys?: string;
  dataDir?: string;
  log?: Logger;
}): Promise<{ keys: SecretKey[]; source: 'environment' | 'key-file' }> {
  if (options.envKeys) return { keys: parseKeyList(options.envKeys), source: 'environment' };
  if (!options.dataDir) {
    throw new AppError(
      'encryption_key_missing',
      'LEXBRIDGE_ENCRYPTION_KEYS is not set and there is no data directory to keep a key file in. Set LEXBRIDGE_ENCRYPTION_KEYS.',
    );
  }
  const file = join(options.dataDir, keyFileName);
  let content: KeyFile;
  try {
    content = JSON.parse(await readFile(file, 'utf8')) as KeyFile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    content = {
      keys: [
        { id: newKeyId(), key: randomBytes(32).toString('base64'), createdAt: new Date().toISOString() },
      ],
    };
    await writeKeyFile(file, content);
    options.log?.warn(
      { file },
      'LEXBRIDGE_ENCRYPTION_KEYS is not set: generated an encryption key file in the data directory. Fine for local use; in production set LEXBRIDGE_ENCRYPTION_KEYS from a secret store.',
    );
  }
  return {
    keys: content.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })),
    source: 'key-file',
  };
}

/** Adds a new primary key to the local key file and returns the new key list (primary first). */
export async function addKeyToFile(dataDir: string): Promise<SecretKey[]> {
  const file = join(dataDir, keyFileName);
  const content = JSON.parse(await readFile(file, 'utf8')) as KeyFile;
  content.keys.unshift({
    id: newKeyId(),
    key: randomBytes(32).toString('base64'),
    createdAt: new Date().toISOString(),
  });
  await writeKeyFile(file, content);
  return content.keys.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') }));
}

async function writeKeyFile(file: string, content: KeyFile): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
}
