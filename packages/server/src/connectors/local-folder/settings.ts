import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import { type ConnectorField, roleNames } from '@lexbridge/contracts';
import { z } from 'zod';
import type { Config } from '../../config/index.ts';
import { AppError } from '../../errors.ts';

/**
 * A folder on the Lexbridge server, as a workflow target (and in tests). Only folders under the roots
 * the operator lists in LEXBRIDGE_LOCAL_FOLDER_ROOTS may be used; the check runs on the real path, so
 * a symbolic link cannot lead outside a root.
 */
export const localFolderFields: ConnectorField[] = [
  {
    key: 'name',
    label: 'Name',
    help: 'Any name that helps people recognise this folder.',
    default: null,
    required: true,
    secret: false,
    type: 'text',
  },
  {
    key: 'path',
    label: 'Folder',
    help: 'The absolute path of an existing folder on the Lexbridge server, inside one of the roots the operator allows (LEXBRIDGE_LOCAL_FOLDER_ROOTS).',
    default: null,
    required: true,
    secret: false,
    type: 'path',
  },
  {
    key: 'mayRead',
    label: 'May read',
    help: 'Who may use this folder as a workflow source or browse it: Lexbridge roles (ConnectorAdmin, Admin, User, PluginUser) and email addresses, separated by commas. Whoever may write may also read; Connector Admins always may.',
    default: 'ConnectorAdmin',
    required: false,
    secret: false,
    type: 'text',
  },
  {
    key: 'mayWrite',
    label: 'May write',
    help: 'Who may use this folder as a workflow target, or move documents out of it: Lexbridge roles and email addresses, separated by commas. Publishing to a destination in this folder needs no entry here.',
    default: 'ConnectorAdmin',
    required: false,
    secret: false,
    type: 'text',
  },
];

export interface LocalFolderConfig {
  path: string;
  /**
   * Who may read and who may write (roles and email addresses). Both are absent on connectors stored
   * before they existed: then everyone with a Lexbridge role may do both, as before.
   */
  mayRead?: string[];
  mayWrite?: string[];
}

type UseKey = 'mayRead' | 'mayWrite';
const email = z.email();

/**
 * Reads a "May read"/"May write" value (a comma-separated list, or a list): each entry a Lexbridge role,
 * spelled as the role is, or an email address, kept in lower case.
 */
function parsePeople(value: unknown, key: UseKey): string[] {
  const entries = (
    Array.isArray(value) ? value.map(String) : typeof value === 'string' ? value.split(/[,;\n]/) : []
  )
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (value !== undefined && value !== null && !Array.isArray(value) && typeof value !== 'string')
    throw new AppError(
      'connector_config_invalid',
      `${key}: enter roles and email addresses separated by commas`,
      {
        field: key,
      },
    );
  const people: string[] = [];
  for (const entry of entries) {
    const role = roleNames.find((r) => r.toLowerCase() === entry.toLowerCase());
    const person = role ?? (email.safeParse(entry).success ? entry.toLowerCase() : undefined);
    if (!person)
      throw new AppError(
        'connector_config_invalid',
        `${key}: "${entry.slice(0, 100)}" is neither a Lexbridge role (${roleNames.join(', ')}) nor an email address`,
        { field: key },
      );
    if (!people.includes(person)) people.push(person);
  }
  return people;
}

/**
 * Who may use the folder, from the form over what is stored. A new connector without the fields is for
 * Connector Admins only; a stored one that never had them keeps "everyone with a role" until one is set.
 */
function parseUse(
  input: Record<string, unknown>,
  previous?: LocalFolderConfig,
): Pick<LocalFolderConfig, UseKey> {
  const given = (key: UseKey) => (key in input ? parsePeople(input[key], key) : previous?.[key]);
  const mayRead = given('mayRead');
  const mayWrite = given('mayWrite');
  if (previous && !mayRead && !mayWrite) return {};
  return { mayRead: mayRead ?? ['ConnectorAdmin'], mayWrite: mayWrite ?? ['ConnectorAdmin'] };
}

/** The stored settings in the plug-in's type. */
export function readLocalFolderSettings(stored: Record<string, unknown>): LocalFolderConfig {
  const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : undefined);
  const mayRead = list(stored.mayRead);
  const mayWrite = list(stored.mayWrite);
  return {
    path: String(stored.path ?? ''),
    ...(mayRead || mayWrite ? { mayRead: mayRead ?? [], mayWrite: mayWrite ?? [] } : {}),
  };
}

export function localFolderAvailability(config: Config): { available: boolean; reason?: string } {
  if (config.LEXBRIDGE_LOCAL_FOLDER_ROOTS.length > 0) return { available: true };
  return {
    available: false,
    reason:
      'No local folders are allowed on this server: the operator must list the allowed root folders in LEXBRIDGE_LOCAL_FOLDER_ROOTS.',
  };
}

function inside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Resolves and checks a local folder; returns its real path. */
export async function parseLocalFolderSettings(
  input: Record<string, unknown>,
  config: Config,
  previous?: LocalFolderConfig,
): Promise<{ config: LocalFolderConfig }> {
  const use = parseUse(input, previous);
  const roots = config.LEXBRIDGE_LOCAL_FOLDER_ROOTS;
  if (roots.length === 0) {
    throw new AppError('local_folder_root_not_allowed', localFolderAvailability(config).reason, {
      field: 'path',
    });
  }
  const given = 'path' in input ? input.path : previous?.path;
  if (typeof given !== 'string' || !isAbsolute(given)) {
    throw new AppError(
      'connector_config_invalid',
      'path: enter the absolute path of a folder, e.g. /srv/lexbridge/exports',
      { field: 'path' },
    );
  }
  let real: string;
  try {
    real = await realpath(given);
    if (!(await stat(real)).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new AppError(
      'connector_config_invalid',
      `path: ${given} does not exist on the server or is not a folder`,
      { field: 'path' },
    );
  }
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => undefined);
    if (realRoot && inside(realRoot, real)) return { config: { path: real, ...use } };
  }
  throw new AppError(
    'local_folder_root_not_allowed',
    `path: ${given} is not inside an allowed root (${roots.join(', ')}). Choose a folder inside one of them, or ask the operator to add a root.`,
    {
      field: 'path',
      roots,
    },
  );
}
