import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `lexbridge` command of this checkout. */
export const lexbridgeBin = fileURLToPath(new URL('../../../../bin/lexbridge.js', import.meta.url));

export interface LexbridgeProcess {
  child: ChildProcess;
  pid: number;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  exited: Promise<number | string>;
  /** Waits for a stdout JSON log line with this message and returns it. */
  waitForLog(msg: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Sends SIGTERM and waits for the exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>;
}

const running = new Set<ChildProcess>();

/**
 * Spawns `node bin/lexbridge.js <args>` directly (not through npm, whose wrapper would leave the server
 * running when stopped). Call killAll() in afterAll.
 */
export function spawnLexbridge(args: string[], env: Record<string, string | undefined>): LexbridgeProcess {
  const child = spawn(process.execPath, [lexbridgeBin, ...args], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | string>((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      for (const l of listeners) l();
      resolve(code ?? signal ?? 'unknown');
    });
  });
  const findLog = (msg: string) =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.msg === msg);
  return {
    child,
    pid: child.pid!,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLog(msg, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const line = findLog(msg);
          if (line) return done(() => resolve(line));
          if (child.exitCode !== null || child.signalCode !== null) {
            done(() =>
              reject(
                new Error(`lexbridge ${args.join(' ')} exited before logging "${msg}":\n${out}\n${err}`),
              ),
            );
          }
        };
        const timer = setTimeout(
          () =>
            done(() =>
              reject(
                new Error(
                  `no "${msg}" from lexbridge ${args.join(' ')} within ${timeoutMs} ms:\n${out}\n${err}`,
                ),
              ),
            ),
          timeoutMs,
        );
        const done = (fn: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          fn();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs a command to completion. */
export async function runLexbridge(
  args: string[],
  env: Record<string, string | undefined>,
  timeoutMs = 60_000,
) {
  const p = spawnLexbridge(args, env);
  const timer = setTimeout(() => p.child.kill('SIGKILL'), timeoutMs);
  const code = await p.exited;
  clearTimeout(timer);
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** Kills every process spawned here that still runs. */
export async function killAll(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
