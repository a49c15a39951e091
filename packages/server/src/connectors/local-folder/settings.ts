import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';
import type { ConnectorField } from '@lexbridge/contracts';
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
];

export interface LocalFolderConfig {
  path: string;
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
    if (realRoot && inside(realRoot, real)) return { config: { path: real } };
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
