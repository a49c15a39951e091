import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import type { Config } from '../../config/index.ts';
import { AppError } from '../../errors.ts';
import { isPasswordHash } from './passwords.ts';

/**
 * The people of the embedded identity provider, in a JSON file (LEXBRIDGE_USERS_FILE, default
 * <data dir>/users.json). It is read at every sign-in, so edits apply without a restart.
 *
 *   { "users": [ { "username": "ada", "passwordHash": "scrypt$…", "name": "Ada Lovelace",
 *                  "email": "ada@firm.example", "roles": ["Connector.Admin", "Admin"] } ] }
 *
 * Roles are written as the firm's provider would send them and go through the same role mapping.
 */
const userSchema = z
  .object({
    username: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .regex(/^[^\s]+$/, 'a username has no spaces'),
    password: z.string().min(1).optional(),
    passwordHash: z.string().refine(isPasswordHash, 'expected scrypt$N$r$p$salt$hash').optional(),
    name: z.string().trim().min(1),
    email: z.email(),
    roles: z.array(z.string()).default([]),
  })
  .refine((u) => Boolean(u.password) !== Boolean(u.passwordHash), {
    message: 'give either password or passwordHash',
  });

export const usersFileSchema = z
  .object({ users: z.array(userSchema) })
  .refine((f) => new Set(f.users.map((u) => u.username.toLowerCase())).size === f.users.length, {
    message: 'usernames must be unique',
  });

export type LocalUser = z.infer<typeof userSchema>;

export function usersFilePath(config: Config): string {
  const given = config.LEXBRIDGE_USERS_FILE;
  if (!given) return join(config.dataDir, 'users.json');
  return isAbsolute(given) ? given : resolve(given);
}

/** Demo people for a first local start. Their passwords are documented (README, docs/identity-provider.md). */
export const demoUsers: LocalUser[] = [
  {
    username: 'admin',
    password: 'lexbridge-admin',
    name: 'Ada Admin',
    email: 'admin@example.com',
    roles: ['Connector.Admin', 'Admin'],
  },
  {
    username: 'user',
    password: 'lexbridge-user',
    name: 'Uma User',
    email: 'user@example.com',
    roles: ['User'],
  },
  {
    username: 'plugin',
    password: 'lexbridge-plugin',
    name: 'Pim Plugin',
    email: 'plugin@example.com',
    roles: ['PluginUser'],
  },
  {
    username: 'norole',
    password: 'lexbridge-norole',
    name: 'Noor Norole',
    email: 'norole@example.com',
    roles: [],
  },
];

/** Reads and validates the users file; throws users_file_invalid naming the file and the problem. */
export async function readUsersFile(path: string): Promise<LocalUser[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AppError(
      'users_file_invalid',
      `The users file ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}). Create it or set LEXBRIDGE_USERS_FILE.`,
      { path },
      { cause: err },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AppError(
      'users_file_invalid',
      `The users file ${path} is not valid JSON: ${(err as Error).message}.`,
      { path },
      { cause: err },
    );
  }
  const parsed = usersFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AppError(
      'users_file_invalid',
      `The users file ${path} is not valid at ${issue.path.join('.') || 'top level'}: ${issue.message}.`,
      { path },
    );
  }
  return parsed.data.users;
}

/**
 * Makes sure the users file exists. When it is missing and `createDemo` is set (a loopback public URL),
 * writes the demo users and returns them; otherwise a missing file is an error.
 */
export async function ensureUsersFile(
  path: string,
  createDemo: boolean,
): Promise<{ created: boolean; users: LocalUser[] }> {
  try {
    return { created: false, users: await readUsersFile(path) };
  } catch (err) {
    const missing =
      (err as AppError).cause && ((err as AppError).cause as NodeJS.ErrnoException).code === 'ENOENT';
    if (!missing || !createDemo) throw err;
  }
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify({ users: demoUsers }, null, 2)}\n`, {
    mode: 0o600,
    flag: 'wx',
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
  });
  return { created: true, users: await readUsersFile(path) };
}
