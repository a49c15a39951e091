/**
 * Libraries, workspaces and folders: get, search by name, children, create, rename, delete when empty.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import { type AccessLevel, type Container, latestVersion } from '../model.ts';
import { EmulatorError } from '../store.ts';
import {
  callerOf,
  changeableContainer,
  optionalString,
  refuseSpecialFolder,
  requiredName,
  visibleContainer,
} from './guard.ts';
import { pageOf, parsePaging } from './paging.ts';
import { documentProfile, folderProfile, shortcutProfile, workspaceProfile } from './profiles.ts';
import { documentsListedIn } from './saved-search.ts';

type LibraryParams = { library: string };
type ItemParams = { library: string; id: string };
type Query = Record<string, string | undefined>;
type ContainerKind = 'workspace' | 'folder';

export function registerContainers(api: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  /** The workspace or folder named by the path's :library and :id, as the caller sees it. */
  const pathContainer = <K extends ContainerKind>(
    request: FastifyRequest<{ Params: ItemParams }>,
    kind: K | 'any',
  ) => visibleContainer(ctx, callerOf(request), request.params.library, request.params.id, kind);

  /** Same, for a change: the caller needs `required` access to it. */
  const changeablePathContainer = <K extends ContainerKind>(
    request: FastifyRequest<{ Params: ItemParams }>,
    kind: K,
    required: AccessLevel = 'read_write',
  ) => changeableContainer(ctx, callerOf(request), request.params.library, request.params.id, kind, required);

  /** POST …/workspaces/:id/folders and POST …/folders/:id/subfolders: a new folder inside the container. */
  const createFolderIn =
    (kind: ContainerKind) => async (request: FastifyRequest<{ Params: ItemParams }>, reply: FastifyReply) => {
      const { container, access } = changeablePathContainer(request, kind);
      refuseSpecialFolder(container, 'folder');
      const folder = store.createFolder(container.id, {
        name: requiredName(request.body),
        description: optionalString(request.body, 'description') ?? '',
        owner: callerOf(request).user.id,
      });
      return reply.code(201).send({ data: folderProfile(ctx, folder, access) });
    };

  /** PATCH of a workspace or folder: rename and/or change the description. */
  const renameContainerAt =
    (kind: ContainerKind) => async (request: FastifyRequest<{ Params: ItemParams }>) => {
      const { container, access } = changeablePathContainer(request, kind);
      store.renameContainer(container.id, renameFields(request.body));
      return { data: containerProfile(ctx, container, access) };
    };

  api.get('/libraries', async () => ({
    data: [...store.libraries.values()].map((library) => ({
      id: library.id,
      display_name: library.display_name,
      type: 'worksite',
      is_hidden: false,
    })),
  }));

  api.get<{ Params: LibraryParams; Querystring: Record<string, string | undefined> }>(
    '/libraries/:library/workspaces',
    async (request) => {
      const { user } = callerOf(request);
      store.library(request.params.library);
      const paging = parsePaging(request.query);
      const wanted = request.query.name?.toLowerCase();
      const matches = store
        .workspacesIn(request.params.library)
        .map((workspace) => ({ workspace, access: store.workspaceAccess(user, workspace) }))
        .filter(
          ({ workspace, access }) =>
            access !== 'no_access' && (!wanted || workspace.name.toLowerCase().includes(wanted)),
        )
        .sort((a, b) => a.workspace.number - b.workspace.number);
      const page = pageOf(matches, paging);
      return {
        data: {
          results: page.map(({ workspace, access }) => workspaceProfile(ctx, workspace, access)),
          ...(paging.total ? { total_count: matches.length } : {}),
        },
      };
    },
  );

  api.post<{ Params: LibraryParams }>('/libraries/:library/workspaces', async (request, reply) => {
    const { user } = callerOf(request);
    store.library(request.params.library);
    const workspace = store.createWorkspace(request.params.library, {
      name: requiredName(request.body),
      description: optionalString(request.body, 'description') ?? '',
      owner: user.id,
    });
    workspace.explicitAccess.set(user.id, 'full_access');
    return reply.code(201).send({ data: workspaceProfile(ctx, workspace, 'full_access') });
  });

  api.get<{ Params: ItemParams }>('/libraries/:library/workspaces/:id', async (request) => {
    const { container, access } = pathContainer(request, 'workspace');
    return { data: workspaceProfile(ctx, container, access) };
  });

  api.patch<{ Params: ItemParams }>('/libraries/:library/workspaces/:id', renameContainerAt('workspace'));
  api.post<{ Params: ItemParams }>('/libraries/:library/workspaces/:id/folders', createFolderIn('workspace'));

  const listChildren = async (request: FastifyRequest<{ Params: ItemParams; Querystring: Query }>) => {
    const { container, access } = pathContainer(request, 'any');
    const paging = parsePaging(request.query);
    // Some servers ignore offset on /children: a client paging it by offset sees page one forever.
    if (ctx.strict.childrenIgnoresOffset) paging.offset = 0;
    const folders = store.subfolders(container.id).sort((a, b) => a.number - b.number);
    const documents =
      request.query.exclude_docs === 'true' || container.kind === 'workspace'
        ? []
        : documentsListedIn(ctx, container, callerOf(request).user, access);
    const { user } = callerOf(request);
    const children = [
      ...folders.map((folder) => folderProfile(ctx, folder, access)),
      ...store.shortcutsIn(container.id).flatMap((shortcut) => shortcutProfile(ctx, shortcut, user) ?? []),
      ...documents.map(({ document, access }) =>
        documentProfile(ctx, document, latestVersion(document), access),
      ),
    ];
    return { data: pageOf(children, paging) };
  };
  api.get('/libraries/:library/workspaces/:id/children', listChildren);
  api.get('/libraries/:library/folders/:id/children', listChildren);

  api.get<{ Params: ItemParams }>('/libraries/:library/folders/:id', async (request) => {
    const { container, access } = pathContainer(request, 'folder');
    return { data: folderProfile(ctx, container, access) };
  });

  /** Flat list of every folder below a container (R10's "all folders under a container" call). */
  api.get<{ Params: LibraryParams; Querystring: Record<string, string | undefined> }>(
    '/libraries/:library/folders',
    async (request) => {
      const containerId = request.query.container_id;
      if (!containerId) throw new EmulatorError(400, 'InvalidParameter', 'container_id is required');
      const { container, access } = visibleContainer(
        ctx,
        callerOf(request),
        request.params.library,
        containerId,
        'any',
      );
      const paging = parsePaging(request.query);
      const ids = [...store.subtreeIds(container.id)].filter((id) => id !== container.id);
      const folders = ids.map((id) => store.folder(id)).sort((a, b) => a.number - b.number);
      return {
        data: pageOf(folders, paging).map((f) => folderProfile(ctx, f, access)),
      };
    },
  );

  api.post<{ Params: ItemParams }>('/libraries/:library/folders/:id/subfolders', createFolderIn('folder'));
  api.patch<{ Params: ItemParams }>('/libraries/:library/folders/:id', renameContainerAt('folder'));

  api.delete<{ Params: ItemParams }>('/libraries/:library/folders/:id', async (request, reply) => {
    const { container } = changeablePathContainer(request, 'folder', 'full_access');
    store.deleteFolder(container.id);
    return reply.code(204).send();
  });
}

/** The profile of a workspace or a folder, whichever it is. */
function containerProfile(ctx: EmulatorContext, container: Container, access: AccessLevel) {
  return container.kind === 'workspace'
    ? workspaceProfile(ctx, container, access)
    : folderProfile(ctx, container, access);
}

function renameFields(body: unknown): { name?: string; description?: string } {
  const name = optionalString(body, 'name');
  const description = optionalString(body, 'description');
  if (name !== undefined && name.trim() === '')
    throw new EmulatorError(400, 'InvalidParameter', '"name" must not be empty');
  if (name === undefined && description === undefined) {
    throw new EmulatorError(400, 'InvalidParameter', 'nothing to change: send "name" and/or "description"');
  }
  return {
    ...(name !== undefined ? { name: name.trim() } : {}),
    ...(description !== undefined ? { description } : {}),
  };
}
