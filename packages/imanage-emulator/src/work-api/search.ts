/**
 * GET …/libraries/{lib}/documents: the changed-documents query. Filters: container_id (+
 * include_subtree), edit_date_from / edit_date_to (inclusive, ISO 8601), name (case-insensitive
 * substring of the name or file name), document_number (one document, whichever versions it has left). Returns the latest version of each document the caller may
 * read, ordered by document number, as {data: {results, total_count?, cursor?}} (or, with
 * strict.cursorPlacement 'top', {data: {results}, total_count?, cursor?}). With strict.indexLagSeconds
 * the search sees documents as they were that many seconds ago.
 */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context.ts';
import type { DocumentRecord, DocumentVersion } from '../model.ts';
import { EmulatorError } from '../store.ts';
import { callerOf, visibleContainer } from './guard.ts';
import { encodeCursor, parsePaging } from './paging.ts';
import { documentProfile, fullFileName } from './profiles.ts';

type Query = Record<string, string | undefined>;

function dateFilter(query: Query, name: string): number | undefined {
  const value = query[name];
  if (value === undefined || value === '') return undefined;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed))
    throw new EmulatorError(400, 'InvalidParameter', `${name} must be an ISO 8601 date`);
  return parsed;
}

export function registerSearch(api: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  api.get<{ Params: { library: string }; Querystring: Query }>(
    '/libraries/:library/documents',
    async (request) => {
      const caller = callerOf(request);
      const { library } = request.params;
      store.library(library);
      const query = request.query;
      const paging = parsePaging(query);
      const from = dateFilter(query, 'edit_date_from');
      const to = dateFilter(query, 'edit_date_to');
      const name = query.name?.toLowerCase();
      const number = numberFilter(query.document_number);

      let inScope: (folderId: string) => boolean = () => true;
      if (query.container_id) {
        const { container } = visibleContainer(ctx, caller, library, query.container_id, 'any');
        const ids =
          query.include_subtree === 'true' ? store.subtreeIds(container.id) : new Set([container.id]);
        inScope = (folderId) => ids.has(folderId);
      }
      const accessByWorkspace = new Map<string, ReturnType<typeof store.workspaceAccess>>();
      const accessTo = (workspaceId: string) => {
        let access = accessByWorkspace.get(workspaceId);
        if (!access) {
          access = store.workspaceAccess(caller.user, store.workspace(workspaceId));
          accessByWorkspace.set(workspaceId, access);
        }
        return access;
      };

      const indexed = indexedVersionAt(ctx.clock.now() - ctx.strict.indexLagSeconds * 1000);
      const matches = [...store.documents.values()]
        .flatMap((document) => {
          const version = indexed(document);
          if (!version || document.library !== library || !inScope(document.folderId)) return [];
          if (number !== undefined && document.number !== number) return [];
          if (accessTo(document.workspaceId) === 'no_access') return [];
          const edited = store.editDate(document, version);
          if ((from !== undefined && edited < from) || (to !== undefined && edited > to)) return [];
          if (name && !fullFileName(document.name, version.extension).toLowerCase().includes(name)) return [];
          return paging.mode === 'standard' || document.number > paging.after ? [{ document, version }] : [];
        })
        .sort((a, b) => a.document.number - b.document.number);

      const page =
        paging.mode === 'standard'
          ? matches.slice(paging.offset, paging.offset + paging.limit)
          : matches.slice(0, paging.limit);
      const results = page.map(({ document, version }) =>
        documentProfile(ctx, document, version, accessTo(document.workspaceId)),
      );
      const last = page.at(-1);
      const more = paging.mode === 'standard_cursor' && matches.length > page.length && last;
      const position = {
        ...(paging.total ? { total_count: matches.length } : {}),
        ...(more ? { cursor: encodeCursor(last.document.number) } : {}),
      };
      return ctx.strict.cursorPlacement === 'top'
        ? { data: { results }, ...position }
        : { data: { results, ...position } };
    },
  );
}

function numberFilter(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  if (!/^\d+$/.test(value))
    throw new EmulatorError(400, 'InvalidParameter', 'document_number must be a whole number');
  return Number(value);
}

/**
 * What the search index knows at `indexedUntil`: a document's latest version added by then (older
 * versions stay findable while a new one is being indexed), or nothing for a document created later.
 */
function indexedVersionAt(indexedUntil: number) {
  return (document: DocumentRecord): DocumentVersion | undefined => {
    if (document.createProfileDate > indexedUntil) return undefined;
    return document.versions.findLast((version) => version.createDate <= indexedUntil);
  };
}
