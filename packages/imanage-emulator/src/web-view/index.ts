/**
 * The Work web view (/work/web): libraries → workspaces → folders → documents for the signed-in
 * user, honouring the same per-workspace access as the API, with each row's context menu. The
 * profile links (/work/link/…) in API profiles lead here too.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ImanageContextMenuTarget } from '../../../contracts/src/imanage-manifest.ts';
import type { EmulatorContext } from '../context.ts';
import { html, page, SafeHtml } from '../html.ts';
import { type EmulatorUser, latestVersion } from '../model.ts';
import { notFound, parseItemId } from '../store.ts';
import { sendDocumentContent } from '../work-api/download.ts';
import { documentId, fullFileName } from '../work-api/profiles.ts';
import { menuFor } from './context-menu.ts';
import { MENU_SCRIPT } from './menu-script.ts';

interface Row {
  kind: ImanageContextMenuTarget;
  library: string;
  id: string;
  name: string;
  href: string;
  type: string;
  edited: number;
  size?: number;
}

const date = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const link = (path: string, id: string) => `/work/web/${path}/${encodeURIComponent(id)}`;

export function registerWebView(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;
  let menuCounter = 0;

  function signedIn(request: FastifyRequest, reply: FastifyReply): EmulatorUser | undefined {
    const userId = ctx.sessions.userId(request);
    const user = userId ? store.users.get(userId) : undefined;
    if (!user) reply.redirect(`/auth/sign-in?return_to=${encodeURIComponent(request.url)}`, 303);
    return user;
  }

  function rowHtml(user: EmulatorUser, row: Row): SafeHtml {
    const commands = menuFor(ctx, user, row);
    const menuId = `menu-${++menuCounter}`;
    const items =
      commands.length > 0
        ? commands.map(
            (
              c,
            ) => html`<a role="menuitem" tabindex="-1" href="${c.url}" data-href="${c.url}" data-multi="${String(c.multiSelect)}"
              data-targets="${c.targets.join(' ')}"${c.openInNewTab ? html` target="_blank" rel="noopener"` : ''}>${c.label}</a>`,
          )
        : html`<span role="menuitem" aria-disabled="true" tabindex="-1">No commands available</span>`;
    return html`<tr data-item-id="${row.id}" data-kind="${row.kind}">
      <td><input type="checkbox" class="select" aria-label="Select ${row.name}"></td>
      <th scope="row"><a href="${row.href}">${row.name}</a></th>
      <td>${row.type}</td><td>${date(row.edited)}</td><td>${row.size === undefined ? '' : String(row.size)}</td>
      <td><button type="button" class="actions" aria-haspopup="menu" aria-expanded="false" aria-controls="${menuId}"
        aria-label="Actions for ${row.name}">⋮ actions</button>
        <div role="menu" id="${menuId}" aria-label="Actions for ${row.name}" hidden>${items}</div></td></tr>`;
  }

  function listing(reply: FastifyReply, user: EmulatorUser, title: string, trail: SafeHtml, rows: Row[]) {
    const body = html`<nav aria-label="Breadcrumb"><p>${trail}</p></nav><h1>${title}</h1>
      <table aria-label="${title}"><thead><tr><th scope="col"><span class="help">Select</span></th><th scope="col">Name</th>
      <th scope="col">Type</th><th scope="col">Edited</th><th scope="col">Size</th><th scope="col">Actions</th></tr></thead>
      <tbody>${rows.length > 0 ? rows.map((row) => rowHtml(user, row)) : html`<tr><td colspan="6">Empty</td></tr>`}</tbody></table>
      <script>${new SafeHtml(MENU_SCRIPT)}</script>`;
    const nav = user.admin
      ? html` <a href="/work/web">Work</a> <a href="/cc">Control Center</a>`
      : html` <a href="/work/web">Work</a>`;
    return reply.type('text/html').send(page(`${title} – iManage Work`, body, { user: user.name, nav }));
  }

  function trailTo(containerId: string | undefined): SafeHtml {
    const parts: SafeHtml[] = [];
    let current = containerId ? store.containers.get(containerId) : undefined;
    while (current) {
      parts.unshift(
        html` › <a href="${link(current.kind === 'workspace' ? 'workspaces' : 'folders', current.id)}">${current.name}</a>`,
      );
      current = current.kind === 'folder' ? store.containers.get(current.parentId) : undefined;
    }
    const library = containerId ? parseItemId(containerId)?.library : undefined;
    return html`<a href="/work/web">Libraries</a>${library ? html` › <a href="${link('libraries', library)}">${library}</a>` : ''}${parts}`;
  }

  app.get('/work/web', async (request, reply) => {
    const user = signedIn(request, reply);
    if (!user) return reply;
    const libraries = [...store.libraries.values()].map(
      (l) => html`<li><a href="${link('libraries', l.id)}">${l.display_name} (${l.id})</a></li>`,
    );
    const body = html`<h1>Libraries</h1><ul aria-label="Libraries">${libraries}</ul>`;
    return reply.type('text/html').send(page('Libraries – iManage Work', body, { user: user.name }));
  });

  app.get<{ Params: { id: string } }>('/work/web/libraries/:id', async (request, reply) => {
    const user = signedIn(request, reply);
    if (!user) return reply;
    const library = store.library(request.params.id);
    const rows = store
      .workspacesIn(library.id)
      .filter((w) => store.workspaceAccess(user, w) !== 'no_access')
      .map(
        (w): Row => ({
          kind: 'workspace',
          library: w.library,
          id: w.id,
          name: w.name,
          href: link('workspaces', w.id),
          type: 'Workspace',
          edited: w.editDate,
        }),
      );
    return listing(reply, user, `${library.display_name} workspaces`, trailTo(undefined), rows);
  });

  const showContainer = async (request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) => {
    const user = signedIn(request, reply);
    if (!user) return reply;
    const container = store.container(request.params.id);
    if (store.accessToContainer(user, container) === 'no_access') throw notFound(`Container ${container.id}`);
    const rows: Row[] = store.subfolders(container.id).map((f) => ({
      kind: 'folder',
      library: f.library,
      id: f.id,
      name: f.name,
      href: link('folders', f.id),
      type: 'Folder',
      edited: f.editDate,
    }));
    for (const document of store.documentsIn(container.id)) {
      const version = latestVersion(document);
      const id = documentId(document, version);
      rows.push({
        kind: 'document',
        library: document.library,
        id,
        name: fullFileName(document.name, version.extension),
        href: `/work/web/documents/${encodeURIComponent(id)}/download`,
        type: `Document v${version.version}`,
        edited: store.editDate(document, version),
        size: version.size,
      });
    }
    return listing(reply, user, container.name, trailTo(container.id), rows);
  };
  app.get('/work/web/workspaces/:id', showContainer);
  app.get('/work/web/folders/:id', showContainer);

  app.get<{ Params: { id: string } }>('/work/web/documents/:id/download', async (request, reply) => {
    const user = signedIn(request, reply);
    if (!user) return reply;
    const { document, version } = store.documentVersion(request.params.id);
    if (store.accessToContainer(user, store.folder(document.folderId)) === 'no_access')
      throw notFound(`Document ${request.params.id}`);
    return sendDocumentContent(ctx, request, reply, document, version);
  });

  app.get<{ Params: { kind: string; id: string } }>('/work/link/:kind/:id', async (request, reply) => {
    const { kind, id } = request.params;
    if (kind === 'w') return reply.redirect(link('workspaces', id), 302);
    if (kind === 'f') return reply.redirect(link('folders', id), 302);
    const { document } = store.documentVersion(id);
    return reply.redirect(link('folders', document.folderId), 302);
  });
}
