import { constants } from 'node:fs';
import { access, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { roleNames } from '@lexbridge/contracts';
import type { Config } from '../../config/index.ts';
import { AppError } from '../../errors.ts';
import { stepFailed, stepOk } from '../diagnostics/steps.ts';
import type { ConnectorPlugin } from '../plugin.ts';
import { LocalFolderContentStore } from './content-store.ts';
import {
  type LocalFolderConfig,
  localFolderAvailability,
  localFolderFields,
  parseLocalFolderSettings,
  readLocalFolderSettings,
} from './settings.ts';

/** True when `candidate` is `root` or lies beneath it. */
function within(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The connector's folder, checked again against LEXBRIDGE_LOCAL_FOLDER_ROOTS at every open, so that
 * removing a root from the configuration stops the workflows that use it.
 */
async function allowedFolder(config: Config, connector: { name: string; settings: LocalFolderConfig }) {
  const { path } = connector.settings;
  const real = await realpath(path).catch(() => {
    throw new AppError(
      'workflow_location_unavailable',
      `The folder ${path} of connector "${connector.name}" does not exist any more.`,
    );
  });
  const roots = await Promise.all(config.LEXBRIDGE_LOCAL_FOLDER_ROOTS.map((r) => realpath(r).catch(() => r)));
  if (!roots.some((root) => within(root, real))) {
    throw new AppError(
      'workflow_location_unavailable',
      `The folder of connector "${connector.name}" is not under LEXBRIDGE_LOCAL_FOLDER_ROOTS any more.`,
    );
  }
  return real;
}

export const localFolderPlugin: ConnectorPlugin<LocalFolderConfig> = {
  id: 'local-folder',
  label: 'Local folder',
  description:
    'A folder on the Lexbridge server, under the roots the operator allows. Useful as a workflow target and for trying Lexbridge out.',
  systemName: 'the local folder',
  locationHint: "A path inside the connector's folder, e.g. Acme/Shared; empty for the folder itself.",
  fields: localFolderFields,
  availability: localFolderAvailability,
  settings: {
    async parse(input, config, previous) {
      const parsed = await parseLocalFolderSettings(
        input,
        config,
        previous ? readLocalFolderSettings(previous.config) : undefined,
      );
      return { config: { ...parsed.config }, secrets: {} };
    },
    read: (stored) => readLocalFolderSettings(stored.config),
    invalidatesAuthorisations: [],
  },
  usePolicy({ settings }) {
    if (!settings.mayRead && !settings.mayWrite) return { read: roleNames, write: roleNames };
    return { read: settings.mayRead ?? [], write: settings.mayWrite ?? [] };
  },
  webLink: ({ settings }, item) => pathToFileURL(join(settings.path, item.id)).href,
  async openContentStore(context, connector) {
    return new LocalFolderContentStore(await allowedFolder(context.config, connector));
  },
  diagnostics: {
    async run(context, connector) {
      const label = 'Folder available';
      try {
        const real = await allowedFolder(context.config, connector);
        await access(real, constants.R_OK | constants.W_OK);
        return {
          target: real,
          steps: [
            stepOk(
              'folder',
              label,
              `${real} exists and Lexbridge may read and write it.`,
              connector.settings.mayRead || connector.settings.mayWrite
                ? []
                : [
                    'Everyone with a Lexbridge role may read and write this folder: set May read and May write to say who may.',
                  ],
            ),
          ],
        };
      } catch (err) {
        return {
          target: connector.settings.path,
          steps: [
            stepFailed('folder', label, (err as Error).message, [
              'Check that the folder exists on the Lexbridge server, under a root listed in LEXBRIDGE_LOCAL_FOLDER_ROOTS, and that the Lexbridge process may write to it.',
            ]),
          ],
        };
      }
    },
  },
};
