/**
 * Checks an upload's doc_profile against what a Work Server requires and turns it into the store's
 * input: the declared size must equal the bytes received (always), and with strict.requireClass a
 * new document needs a class the library knows (and, with strict.workspaceClasses, one its workspace
 * accepts).
 */
import { rm } from 'node:fs/promises';
import type { EmulatorContext } from '../context.ts';
import type { NewDocument } from '../store.ts';
import { EmulatorError } from '../store.ts';
import { splitFileName, type UploadedDocument } from './upload.ts';

/** The document classes of the emulator's libraries (a real library has its own list). */
export const DOCUMENT_CLASSES = ['DOC', 'EMAIL', 'CORR', 'MEMO', 'PLEADING', 'AGREEMENT'] as const;

function dateField(profile: Record<string, unknown>, field: string): number | undefined {
  const value = profile[field];
  if (typeof value !== 'string') return undefined;
  const parsed = Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

function profileError(field: string, message: string): EmulatorError {
  return new EmulatorError(400, 'InvalidParameter', `${field}: ${message}`);
}

/** Why the profile cannot be accepted, or undefined when it can. */
function problemWith(
  ctx: EmulatorContext,
  upload: UploadedDocument,
  kind: 'document' | 'version',
  workspaceId?: string,
): EmulatorError | undefined {
  const profile = upload.docProfile;
  if (typeof profile.size === 'number' && profile.size !== upload.content.size) {
    return profileError(
      'size',
      `the declared size ${profile.size} differs from the ${upload.content.size} bytes received`,
    );
  }
  if (kind === 'document' && ctx.strict.requireClass) {
    if (typeof profile.class !== 'string' || profile.class === '')
      return profileError('class', 'required field class is missing');
    if (!(DOCUMENT_CLASSES as readonly string[]).includes(profile.class.toUpperCase()))
      return profileError('class', `class "${profile.class}" does not exist in this library`);
  }
  const allowed = kind === 'document' && workspaceId ? ctx.strict.workspaceClasses[workspaceId] : undefined;
  if (allowed && !allowed.includes(String(profile.class ?? '').toUpperCase()))
    return profileError(
      'class',
      `documents in workspace ${workspaceId} must have class ${allowed.join(' or ')}, not "${String(profile.class ?? '')}"`,
    );
  return undefined;
}

/** Name, extension and other store fields from an upload's doc_profile (the file name fills gaps). */
export async function describeUpload(
  ctx: EmulatorContext,
  upload: UploadedDocument,
  kind: 'document' | 'version',
  workspaceId?: string,
): Promise<{ input: NewDocument; warnings: { field: string; error: string }[] }> {
  const [baseName, fileExtension] = splitFileName(upload.fileName);
  const profile = upload.docProfile;
  const name = typeof profile.name === 'string' && profile.name !== '' ? profile.name : baseName;
  const problem =
    problemWith(ctx, upload, kind, workspaceId) ??
    (name ? undefined : profileError('name', 'doc_profile.name is required (or a file name)'));
  if (problem) {
    await rm(upload.content.path, { force: true });
    throw problem;
  }
  const extension =
    typeof profile.extension === 'string' ? profile.extension.replace(/^\./, '') : fileExtension;
  const fileCreateDate = dateField(profile, 'file_create_date');
  const fileEditDate = dateField(profile, 'file_edit_date');
  return {
    input: {
      name,
      extension,
      content: upload.content,
      ...(typeof profile.class === 'string' ? { docClass: profile.class } : {}),
      ...(typeof profile.comment === 'string' ? { comment: profile.comment } : {}),
      ...(fileCreateDate !== undefined ? { fileCreateDate } : {}),
      ...(fileEditDate !== undefined ? { fileEditDate } : {}),
    },
    warnings: [],
  };
}
