import type { ContentItem, DocumentMetadata } from '../content.ts';
import type { DocumentProfile, WorkProfile } from './work-api-client.ts';

/**
 * What an iManage id or profile is, from its shape and its `wstype` / `folder_type`, never by asking
 * the server under each kind in turn: folder and document numbers may be the same in one library
 * (workspace `Dev!11` beside document `Dev!11.1`).
 *
 * Item ids the engine sees: containers keep their id (`LIB!n`); a document is keyed across its
 * versions as `LIB!n.latest`, which no container id can equal, and every call to the Work API uses
 * its versioned id `LIB!n.v`, as real servers require.
 */
export type ContainerKind = 'workspace' | 'folder' | 'tab';

/** Items listed among a container's children that Lexbridge neither copies nor writes into. */
export type SpecialKind = 'shortcut' | 'search_folder' | 'category_folder';

const versioned = /^([^!\s]+![0-9]+)\.([0-9]+)$/;
const documentKeyShape = /^([^!\s]+![0-9]+)\.latest$/;
const containerShape = /^[^!\s]+![0-9]+$/;

/** "ACTIVE!123.4" (or "ACTIVE!123.latest") → "ACTIVE!123.latest": a document across its versions. */
export function documentKey(id: string): string {
  const match = versioned.exec(id) ?? documentKeyShape.exec(id);
  return match ? `${match[1]}.latest` : id;
}

/** True for a document id, versioned or keyed (`LIB!n.v`, `LIB!n.latest`). */
export function isDocumentId(id: string): boolean {
  return versioned.test(id) || documentKeyShape.test(id);
}

export function isContainerId(id: string): boolean {
  return containerShape.test(id);
}

/** "ACTIVE!123.latest" / "ACTIVE!123.4" → "ACTIVE!123". */
export function documentNumberId(id: string): string {
  return (versioned.exec(id) ?? documentKeyShape.exec(id))?.[1] ?? id;
}

/** The version in a versioned id, or undefined. */
export function versionOf(id: string): number | undefined {
  const match = versioned.exec(id);
  return match ? Number(match[2]) : undefined;
}

export type Classified =
  | { kind: 'document' }
  | { kind: 'container'; container: ContainerKind }
  | { kind: 'special'; special: SpecialKind };

/** What a listed profile is: a document (emails included), a container Lexbridge copies, or neither. */
export function classify(profile: WorkProfile): Classified {
  const wstype = String(profile.wstype ?? '');
  if (wstype.endsWith('_shortcut') || profile.target_id !== undefined)
    return { kind: 'special', special: 'shortcut' };
  if (wstype === 'workspace') return { kind: 'container', container: 'workspace' };
  if (wstype === 'folder' || wstype === 'tab') {
    const type = String(profile.folder_type ?? 'regular');
    if (type === 'search' || profile.is_content_saved_search === true)
      return { kind: 'special', special: 'search_folder' };
    if (type === 'category') return { kind: 'special', special: 'category_folder' };
    return { kind: 'container', container: type === 'tab' || wstype === 'tab' ? 'tab' : 'folder' };
  }
  if (wstype === 'document' || wstype === 'email' || isDocumentId(profile.id)) return { kind: 'document' };
  return isContainerId(profile.id)
    ? { kind: 'container', container: 'folder' }
    : { kind: 'special', special: 'shortcut' };
}

/** The server's checksum as `sha256:<hex>` only in a recognised format (`SHA256:` + 64 hex digits). */
export function recognisedChecksum(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^sha-?256:([0-9a-f]{64})$/i.exec(value.trim());
  return match ? `sha256:${match[1]!.toLowerCase()}` : undefined;
}

export function fileName(profile: DocumentProfile): string {
  const name = String(profile.name ?? profile.document_number ?? 'document');
  return profile.extension ? `${name}.${profile.extension}` : name;
}

export function splitFileName(name: string): { name: string; extension: string } {
  const dot = name.lastIndexOf('.');
  if (dot <= 0 || name.length - dot > 11) return { name, extension: '' };
  return { name: name.slice(0, dot), extension: name.slice(dot + 1) };
}

/** iManage's application type for common extensions (FullDocumentProfile `type`); others are left to the server. */
const applicationTypes: Record<string, string> = {
  doc: 'WORD',
  docx: 'WORDX',
  pdf: 'ACROBAT',
  xls: 'EXCEL',
  xlsx: 'EXCELX',
  ppt: 'PPT',
  pptx: 'PPTX',
};

export function applicationType(extension: string): string | undefined {
  return applicationTypes[extension.toLowerCase()];
}

/** Who has a document checked out, from its profile; undefined when it is free. */
export function checkedOutBy(profile: WorkProfile): string | undefined {
  if (profile.is_checked_out !== true) return undefined;
  return String(profile.in_use_by ?? profile.checkout_user ?? 'another user');
}

export function containerItemOf(profile: WorkProfile, parentId: string): ContentItem {
  return {
    id: profile.id,
    kind: 'folder',
    name: String(profile.name ?? profile.id),
    parentId,
    ...(profile.edit_date ? { modifiedAt: new Date(profile.edit_date) } : {}),
  };
}

/** What a document's profile says about it, for other systems (author, last editor, number, version). */
export function documentMetadata(profile: DocumentProfile): DocumentMetadata {
  const text = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);
  const author = text(profile.author_description) ?? text(profile.author);
  const modifiedBy = text(profile.last_user_description) ?? text(profile.last_user) ?? text(profile.operator);
  const number =
    profile.database && profile.document_number !== undefined
      ? `${profile.database}!${profile.document_number}`
      : undefined;
  return {
    ...(author ? { author } : {}),
    ...(modifiedBy ? { modifiedBy } : {}),
    ...(number ? { number } : {}),
    ...(profile.version !== undefined ? { version: String(profile.version) } : {}),
    system: 'iManage',
  };
}

/** The longest profile comment Lexbridge writes (iManage keeps comments up to 254 characters). */
export const maxCommentLength = 254;

/**
 * The profile comment of a document Lexbridge writes: the caller's comment and, for a document from
 * another system, where it came from ("From SharePoint: author X, modified by Y"), cut to the limit.
 */
export function profileComment(comment?: string, metadata?: DocumentMetadata): string | undefined {
  const parts = [comment?.trim()];
  if (metadata?.system && metadata.system !== 'iManage') {
    const facts = [
      metadata.author ? `author ${metadata.author}` : '',
      metadata.modifiedBy ? `modified by ${metadata.modifiedBy}` : '',
    ].filter(Boolean);
    if (facts.length) parts.push(`From ${metadata.system}: ${facts.join(', ')}`);
  }
  const text = parts.filter(Boolean).join('. ');
  if (!text) return undefined;
  return text.length <= maxCommentLength ? text : `${text.slice(0, maxCommentLength - 1)}…`;
}

/**
 * Where people open an item in iManage Work's web client: `<server>/work/link/f/<folder id>`, or
 * `…/d/<document id>`; a document keyed across its versions (`LIB!n.latest`) opens at its latest.
 */
export function workWebLink(serverAddress: string, item: Pick<ContentItem, 'id' | 'kind'>): string {
  const id =
    item.kind === 'document' && item.id.endsWith('.latest') ? item.id.slice(0, -'.latest'.length) : item.id;
  return `${serverAddress.replace(/\/+$/, '')}/work/link/${item.kind === 'folder' ? 'f' : 'd'}/${encodeURIComponent(id)}`;
}
