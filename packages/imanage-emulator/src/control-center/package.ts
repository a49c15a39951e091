/**
 * Reads an uploaded application package: a ZIP holding manifest.yaml (at the root, or inside the
 * package's single top-level folder) plus whatever files the application needs. Only the manifest is
 * decompressed; other entries are listed by name, so a large or hostile package costs little.
 */
import { strFromU8, unzipSync } from 'fflate';
import {
  type ImanageManifest,
  ImanageManifestError,
  parseImanageManifest,
} from '../../../contracts/src/imanage-manifest.ts';
import { EmulatorError } from '../store.ts';

export const MAX_PACKAGE_BYTES = 20 * 1024 * 1024;

export interface ApplicationPackage {
  manifest: ImanageManifest;
  files: string[];
}

export function readApplicationPackage(zip: Uint8Array): ApplicationPackage {
  if (zip.byteLength > MAX_PACKAGE_BYTES) {
    throw new EmulatorError(413, 'PackageTooLarge', `packages are limited to ${MAX_PACKAGE_BYTES} bytes`);
  }
  const names: string[] = [];
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip, {
      filter: (file) => {
        names.push(file.name);
        return /^([^/]+\/)?manifest\.yaml$/.test(file.name) && file.originalSize < 1024 * 1024;
      },
    });
  } catch (error) {
    throw new EmulatorError(
      400,
      'InvalidPackage',
      `the package is not a valid ZIP file (${(error as Error).message})`,
    );
  }
  const manifestName = entries['manifest.yaml'] ? 'manifest.yaml' : Object.keys(entries)[0];
  const manifestBytes = manifestName ? entries[manifestName] : undefined;
  if (!manifestName || !manifestBytes) {
    throw new EmulatorError(400, 'InvalidPackage', 'the package has no manifest.yaml');
  }
  try {
    const manifest = parseImanageManifest(strFromU8(manifestBytes));
    const files = names.filter((name) => name !== manifestName && !name.endsWith('/'));
    return { manifest, files };
  } catch (error) {
    if (error instanceof ImanageManifestError) throw new EmulatorError(400, 'InvalidManifest', error.message);
    throw error;
  }
}
