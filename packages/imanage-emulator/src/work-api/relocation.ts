/**
 * Move and copy: POST …/documents/{id}/move|copy and POST …/folders/{id}/move|copy with
 * `{"destination_id": "LIB!n"}`. `destination_folder_id` (the Power Automate connector's moveDocument,
 * R10) and `folder_id` (copyDocument, R10) are accepted as the same thing, and so is R10's
 * POST …/folders/{folderId}/documents/{id}/move. The caller needs read_write on both sides.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { copyDocument, copyFolder, moveDocument, moveFolder } from '../relocate.ts';
import { EmulatorError } from '../store.ts';
import { refuseIfCheckedOut } from './checkout.ts';
import {
  callerOf,
  changeableContainer,
  refuseSpecialFolder,
  requireAccess,
  visibleDocument,
} from './guard.ts';
import { documentProfile, folderProfile } from './profiles.ts';

type ItemParams = { library: string; id: string };

const DESTINATION_FIELDS = ['destination_id', 'destination_folder_id', 'folder_id'] as const;

function destinationOf(body: unknown): string {
  const fields = (body ?? {}) as Record<string, unknown>;
  const value = DESTINATION_FIELDS.map((field) => fields[field]).find((v) => v !== undefined);
  if (typeof value !== 'string' || value === '')
    throw new EmulatorError(400, 'InvalidParameter', '"destination_id" is required (a folder id, LIB!n)');
  return value;
}

export function registerRelocation(api: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  /** The document in the path, changeable by the caller, and the folder it is to go to. */
  const documentAndDestination = (request: FastifyRequest<{ Params: ItemParams }>) => {
    const caller = callerOf(request);
    const { library, id } = request.params;
    const found = visibleDocument(ctx, caller, library, id);
    const destination = changeableContainer(ctx, caller, library, destinationOf(request.body), 'folder');
    refuseSpecialFolder(destination.container, 'document');
    return { ...found, caller, destination };
  };

  const moveDocumentRoute = async (request: FastifyRequest<{ Params: ItemParams }>) => {
    const { document, version, access, caller, destination } = documentAndDestination(request);
    requireAccess(access, 'read_write', request.params.id);
    refuseIfCheckedOut(document, caller.user.id);
    moveDocument(store, document, destination.container.id);
    return { data: documentProfile(ctx, document, version, access) };
  };
  api.post('/libraries/:library/documents/:id/move', moveDocumentRoute);
  api.post('/libraries/:library/folders/:folderId/documents/:id/move', moveDocumentRoute);

  api.post<{ Params: ItemParams }>('/libraries/:library/documents/:id/copy', async (request, reply) => {
    const { document, caller, destination } = documentAndDestination(request);
    const copy = copyDocument(store, document, destination.container.id, caller.user.id);
    const version = copy.versions[0];
    if (!version) throw new Error('a new document always has version 1');
    return reply.code(201).send({ data: documentProfile(ctx, copy, version, destination.access) });
  });

  /** The folder in the path and the container it is to go under, both changeable by the caller. */
  const folderAndDestination = (request: FastifyRequest<{ Params: ItemParams }>) => {
    const caller = callerOf(request);
    const { library, id } = request.params;
    const found = changeableContainer(ctx, caller, library, id, 'folder');
    const destination = changeableContainer(ctx, caller, library, destinationOf(request.body), 'any');
    refuseSpecialFolder(destination.container, 'folder');
    return { folder: found.container, access: found.access, caller, destination };
  };

  api.post<{ Params: ItemParams }>('/libraries/:library/folders/:id/move', async (request) => {
    const { folder, access, destination } = folderAndDestination(request);
    moveFolder(store, folder, destination.container.id);
    return { data: folderProfile(ctx, folder, access) };
  });

  api.post<{ Params: ItemParams }>('/libraries/:library/folders/:id/copy', async (request, reply) => {
    const { folder, caller, destination } = folderAndDestination(request);
    const copy = copyFolder(store, folder, destination.container.id, caller.user.id);
    return reply.code(201).send({ data: folderProfile(ctx, copy, destination.access) });
  });
}
