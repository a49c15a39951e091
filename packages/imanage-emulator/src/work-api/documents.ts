/**
 * Documents: profile get and patch, download, upload, versions, delete.
 */
import { rm } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { EmulatorError } from '../store.ts';
import { refuseIfCheckedOut } from './checkout.ts';
import { sendDocumentContent } from './download.ts';
import {
  callerOf,
  changeableContainer,
  refuseSpecialFolder,
  requireAccess,
  visibleDocument,
} from './guard.ts';
import { documentProfile } from './profiles.ts';
import { readUpload } from './upload.ts';
import { describeUpload } from './upload-profile.ts';

type ItemParams = { library: string; id: string };

const EDITABLE_FIELDS = new Set([
  'name',
  'comment',
  'class',
  ...Array.from({ length: 30 }, (_, i) => `custom${i + 1}`),
]);

export function registerDocuments(api: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  api.get<{ Params: ItemParams }>('/libraries/:library/documents/:id', async (request) => {
    const { document, version, access } = visibleDocument(
      ctx,
      callerOf(request),
      request.params.library,
      request.params.id,
    );
    return { data: documentProfile(ctx, document, version, access) };
  });

  api.patch<{ Params: ItemParams }>('/libraries/:library/documents/:id', async (request) => {
    const caller = callerOf(request);
    const { document, version, access } = visibleDocument(
      ctx,
      caller,
      request.params.library,
      request.params.id,
    );
    requireAccess(access, 'read_write', request.params.id);
    const body = request.body;
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      throw new EmulatorError(400, 'InvalidParameter', 'the body must be a JSON object of profile fields');
    }
    const fields = body as Record<string, unknown>;
    const warnings: { field: string; error: string }[] = [];
    const custom: Record<string, string> = {};
    for (const [field, value] of Object.entries(fields)) {
      if (!EDITABLE_FIELDS.has(field))
        warnings.push({ field, error: 'field is read-only or unknown; ignored' });
      else if (typeof value !== 'string')
        throw new EmulatorError(400, 'InvalidParameter', `"${field}" must be a string`);
      else if (field.startsWith('custom')) custom[field] = value;
    }
    if (typeof fields.name === 'string' && fields.name.trim() === '') {
      throw new EmulatorError(400, 'InvalidParameter', '"name" must not be empty');
    }
    store.patchDocument(request.params.id, caller.user.id, {
      ...(typeof fields.name === 'string' ? { name: fields.name.trim() } : {}),
      ...(typeof fields.comment === 'string' ? { comment: fields.comment } : {}),
      ...(typeof fields.class === 'string' ? { docClass: fields.class } : {}),
      custom,
    });
    return { data: documentProfile(ctx, document, version, access), warnings };
  });

  api.get<{ Params: ItemParams }>('/libraries/:library/documents/:id/download', async (request, reply) => {
    const { document, version } = visibleDocument(
      ctx,
      callerOf(request),
      request.params.library,
      request.params.id,
    );
    return sendDocumentContent(ctx, request, reply, document, version);
  });

  api.get<{ Params: ItemParams }>('/libraries/:library/documents/:id/versions', async (request) => {
    const { document, access } = visibleDocument(
      ctx,
      callerOf(request),
      request.params.library,
      request.params.id,
    );
    return { data: document.versions.map((version) => documentProfile(ctx, document, version, access)) };
  });

  api.post<{ Params: ItemParams }>('/libraries/:library/documents/:id/versions', async (request, reply) => {
    const caller = callerOf(request);
    const { document, access } = visibleDocument(ctx, caller, request.params.library, request.params.id);
    requireAccess(access, 'read_write', request.params.id);
    const upload = await readUpload(request, ctx.uploadDir);
    if (document.checkout && document.checkout.user !== caller.user.id) {
      await rm(upload.content.path, { force: true });
      refuseIfCheckedOut(document, caller.user.id);
    }
    const { input, warnings } = await describeUpload(ctx, upload, 'version');
    const version = store.addVersion(`${document.library}!${document.number}`, caller.user.id, input);
    return reply.code(201).send({ data: documentProfile(ctx, document, version, access), warnings });
  });

  api.post<{ Params: ItemParams }>('/libraries/:library/folders/:id/documents', async (request, reply) => {
    const caller = callerOf(request);
    const { container, access } = changeableContainer(
      ctx,
      caller,
      request.params.library,
      request.params.id,
      'folder',
    );
    refuseSpecialFolder(container, 'document');
    const { input, warnings } = await describeUpload(
      ctx,
      await readUpload(request, ctx.uploadDir),
      'document',
      container.workspaceId,
    );
    const document = store.createDocument(container.id, caller.user.id, input);
    const version = document.versions[0];
    if (!version) throw new Error('a new document always has version 1');
    return reply.code(201).send({ data: documentProfile(ctx, document, version, access), warnings });
  });

  /** Deletes the whole document (all versions), whichever version the id names. */
  api.delete<{ Params: ItemParams }>('/libraries/:library/documents/:id', async (request, reply) => {
    const caller = callerOf(request);
    const { document, access } = visibleDocument(ctx, caller, request.params.library, request.params.id);
    requireAccess(access, 'full_access', request.params.id);
    refuseIfCheckedOut(document, caller.user.id);
    store.deleteDocument(request.params.id);
    return reply.code(204).send();
  });
}
