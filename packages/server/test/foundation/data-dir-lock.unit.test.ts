import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AppError } from '../../src/errors.ts';
import { acquireDataDirLock, readLockOwner } from '../../src/store/data-dir-lock.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'lexbridge-lock-'));
});
afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

it('is held by one owner at a time and released on request', async () => {
  const lock = await acquireDataDirLock(dataDir);
  expect(JSON.parse(await readFile(lock.path, 'utf8')).pid).toBe(process.pid);
  expect((await readLockOwner(dataDir))?.pid).toBe(process.pid);
  await expect(acquireDataDirLock(dataDir)).rejects.toMatchObject({ code: 'data_dir_locked' });
  await lock.release();
  expect(await readLockOwner(dataDir)).toBeNull();
  const again = await acquireDataDirLock(dataDir);
  await again.release();
});

it('refuses while another live process holds it, naming that process', async () => {
  // The parent of this test process is alive for as long as the test runs.
  await writeFile(
    join(dataDir, 'lexbridge.lock'),
    JSON.stringify({ pid: process.ppid, startedAt: '2026-01-01T00:00:00.000Z' }),
  );
  const error = await acquireDataDirLock(dataDir).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('data_dir_locked');
  expect((error as AppError).message).toContain(`pid ${process.ppid}`);
  expect((error as AppError).message).toContain(dataDir);
});

it('takes over a lock left by a process that no longer runs', async () => {
  await writeFile(
    join(dataDir, 'lexbridge.lock'),
    JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: '2026-01-01T00:00:00.000Z' }),
  );
  expect(await readLockOwner(dataDir)).toBeNull();
  const lock = await acquireDataDirLock(dataDir);
  expect(JSON.parse(await readFile(lock.path, 'utf8')).pid).toBe(process.pid);
  await lock.release();
});

it('lets exactly one of several simultaneous claimants take over a stale lock', async () => {
  for (let round = 0; round < 10; round++) {
    await writeFile(
      join(dataDir, 'lexbridge.lock'),
      JSON.stringify({ pid: 2 ** 22 + 12345, startedAt: '2026-01-01T00:00:00.000Z' }),
    );
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => acquireDataDirLock(dataDir)));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ code: 'data_dir_locked' });
    expect(await readdir(dataDir)).toEqual(['lexbridge.lock']);
    await (won[0] as PromiseFulfilledResult<Awaited<ReturnType<typeof acquireDataDirLock>>>).value.release();
  }
});
