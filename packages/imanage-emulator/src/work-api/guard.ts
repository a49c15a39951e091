/**
 * Shared checks for Work API routes: the caller (set by the API scope's hook), the customer id in
 * the path, and the caller's access to an item.
 *
 * Access policy (mirrors what iManage users see): an item in a workspace the caller has no_access to
 * does not exist for them (404 NotFound); an item they can see but may not change answers
 * 403 AccessDenied. read = view and download; read_write = also upload, add versions, edit profiles,
 * create and rename folders; full_access = also delete.
 */
import type { FastifyRequest } from 'fastify';
import type { Caller } from '../authentication.ts';
import type { EmulatorContext } from '../context.ts';
import {
  type AccessLevel,
  accessAtLeast,
  type Container,
  type DocumentRecord,
  type DocumentVersion,
} from '../model.ts';
import { EmulatorError, notFound, parseItemId } from '../store.ts';

const callers = new WeakMap<FastifyRequest, Caller>();

export function setCaller(request: FastifyRequest, caller: Caller): void {
  callers.set(request, caller);
}

export function callerOf(request: FastifyRequest): Caller {
  const caller = callers.get(request);
  if (!caller) throw new Error('Work API route reached without authentication');
  return caller;
}

export function requireAccess(access: AccessLevel, required: AccessLevel, what: string): void {
  if (!accessAtLeast(access, required)) {
    throw new EmulatorError(
      403,
      'AccessDenied',
      `${required} access to ${what} is required; you have ${access}`,
    );
  }
}

function checkLibrary(library: string, id: string): void {
  if (!id.startsWith(`${library}!`)) throw notFound(`Item ${id} in library ${library}`);
}

export function visibleContainer<K extends Container['kind']>(
  ctx: EmulatorContext,
  caller: Caller,
  library: string,
  id: string,
  kind: K | 'any',
): { container: Extract<Container, { kind: K }>; access: AccessLevel } {
  checkLibrary(library, id);
  const container = ctx.store.containers.get(id);
  const label = kind === 'any' ? 'Container' : kind === 'workspace' ? 'Workspace' : 'Folder';
  if (!container || (kind !== 'any' && container.kind !== kind)) throw notFound(`${label} ${id}`);
  const access = ctx.store.accessToContainer(caller.user, container);
  if (access === 'no_access') throw notFound(`${label} ${id}`);
  return { container: container as Extract<Container, { kind: K }>, access };
}

/**
 * A container the caller can see and must be allowed to change: 404 when it is not visible to them,
 * 403 when their access is below `required`.
 */
export function changeableContainer<K extends Container['kind']>(
  ctx: EmulatorContext,
  caller: Caller,
  library: string,
  id: string,
  kind: K | 'any',
  required: AccessLevel = 'read_write',
): { container: Extract<Container, { kind: K }>; access: AccessLevel } {
  const found = visibleContainer(ctx, caller, library, id, kind);
  requireAccess(found.access, required, found.container.id);
  return found;
}

export function visibleDocument(
  ctx: EmulatorContext,
  caller: Caller,
  library: string,
  id: string,
): { document: DocumentRecord; version: DocumentVersion; access: AccessLevel } {
  checkLibrary(library, id);
  if (ctx.strict.versionedDocumentIds && parseItemId(id)?.version === undefined) {
    throw notFound(`Document ${id} (document ids need their version: ${id}.1)`);
  }
  const { document, version } = ctx.store.documentVersion(id);
  const access = ctx.store.accessToContainer(caller.user, ctx.store.folder(document.folderId));
  if (access === 'no_access') throw notFound(`Document ${id}`);
  return { document, version, access };
}

/** A required non-empty string field of a JSON body. */
export function requiredName(body: unknown, field = 'name'): string {
  const value = (body as Record<string, unknown> | null)?.[field];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new EmulatorError(400, 'InvalidParameter', `"${field}" is required and must be a non-empty string`);
  }
  return value.trim();
}

export function optionalString(body: unknown, field: string): string | undefined {
  const value = (body as Record<string, unknown> | null)?.[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string')
    throw new EmulatorError(400, 'InvalidParameter', `"${field}" must be a string`);
  return value;
}

/**
 * Documents are filed in regular folders only; a search folder holds nothing of its own (its
 * contents are a saved search). Tabs and category folders group folders and shortcuts.
 */
export function refuseSpecialFolder(container: Container, adding: 'document' | 'folder'): void {
  if (container.kind !== 'folder' || container.folderType === 'regular') return;
  if (adding === 'folder' && container.folderType !== 'search') return;
  throw new EmulatorError(
    400,
    'InvalidParameter',
    `${container.id} is a ${container.folderType} folder: a ${adding} cannot be added to it`,
  );
}
