/**
 * Renders store records as Work API profiles, with every field the FullDocumentProfile, FolderProfile
 * and WorkspaceProfile definitions mark required (checked against the swagger in the test suite).
 */
import type { EmulatorContext } from '../context.ts';
import type {
  AccessLevel,
  DocumentRecord,
  DocumentVersion,
  EmailFields,
  EmulatorUser,
  Folder,
  Shortcut,
  Workspace,
} from '../model.ts';
import { latestVersion } from '../model.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** iManage document types by extension, with their descriptions (type / type_description). */
const DOCUMENT_TYPES: Record<string, [string, string]> = {
  doc: ['WORD', 'Microsoft Word'],
  docx: ['WORDX', 'Microsoft Word 2007'],
  xls: ['EXCEL', 'Microsoft Excel'],
  xlsx: ['EXCELX', 'Microsoft Excel 2007'],
  ppt: ['PPT', 'Microsoft PowerPoint'],
  pptx: ['PPTX', 'Microsoft PowerPoint 2007'],
  pdf: ['ACROBAT', 'Adobe Acrobat'],
  msg: ['MIME', 'Email message'],
  eml: ['MIME', 'Email message'],
  txt: ['ANSI', 'Plain text'],
};

export function documentType(extension: string): [string, string] {
  return DOCUMENT_TYPES[extension.toLowerCase()] ?? [extension.toUpperCase().slice(0, 10) || 'ANSI', 'Other'];
}

const hosts = new Map<string, string>();

/** The host part of the public URL (parsed once: profiles are rendered on every list call). */
function dmsHost(ctx: EmulatorContext): string {
  const url = ctx.publicUrl();
  let host = hosts.get(url);
  if (host === undefined) {
    host = new URL(url).host;
    hosts.set(url, host);
  }
  return host;
}

export function documentId(document: DocumentRecord, version: DocumentVersion): string {
  return `${document.library}!${document.number}.${version.version}`;
}

export function fullFileName(name: string, extension: string): string {
  return extension ? `${name}.${extension}` : name;
}

export function documentProfile(
  ctx: EmulatorContext,
  document: DocumentRecord,
  version: DocumentVersion,
  access: AccessLevel,
): Record<string, unknown> {
  const [type, typeDescription] = documentType(version.extension);
  const workspace = ctx.store.workspace(document.workspaceId);
  const id = documentId(document, version);
  const latest = document.versions.at(-1) === version;
  const user = (userId: string) => ctx.store.users.get(userId)?.name ?? userId;
  return {
    id,
    database: document.library,
    document_number: document.number,
    version: version.version,
    name: document.name,
    extension: version.extension,
    full_file_name: fullFileName(document.name, version.extension),
    size: version.size,
    ...checksumField(ctx, ctx.store.checksum(version)),
    type,
    type_description: typeDescription,
    class: document.docClass,
    class_description: document.docClass === 'DOC' ? 'Document' : document.docClass,
    subclass: '',
    author: version.author,
    author_description: user(version.author),
    operator: version.operator,
    operator_description: user(version.operator),
    last_user: document.lastUser,
    last_user_description: user(document.lastUser),
    in_use_by: document.checkout?.user ?? '',
    create_date: iso(version.createDate),
    create_profile_date: iso(document.createProfileDate),
    edit_date: iso(ctx.store.editDate(document, version)),
    edit_profile_date: iso(document.editProfileDate),
    file_create_date: iso(version.fileCreateDate),
    file_edit_date: iso(version.fileEditDate),
    default_security: 'inherit',
    access,
    effective_security: access,
    is_checked_out: document.checkout !== undefined,
    is_in_use: document.checkout !== undefined,
    is_declared: false,
    is_hipaa: false,
    is_external: false,
    is_external_as_normal: false,
    is_latest: latest,
    is_restorable: true,
    is_archived: false,
    indexable: true,
    iwl: `iwl:dms=${dmsHost(ctx)}&&lib=${document.library}&&num=${document.number}&&ver=${version.version}`,
    document_url: `${ctx.publicUrl()}/work/link/d/${encodeURIComponent(id)}`,
    workspace_id: workspace.id,
    workspace_name: workspace.name,
    wstype: document.email ? 'email' : 'document',
    content_type: 'D',
    comment: version.comment,
    retain_days: 365,
    ...(document.email ? emailFields(document.email) : {}),
    ...document.custom,
  };
}

function emailFields(email: EmailFields): Record<string, unknown> {
  return {
    from: email.from,
    to: email.to,
    cc: email.cc,
    bcc: '',
    sent_date: iso(email.sentDate),
    received_date: iso(email.receivedDate),
    has_attachment: email.hasAttachment,
  };
}

export function workspaceProfile(
  ctx: EmulatorContext,
  workspace: Workspace,
  access: AccessLevel,
): Record<string, unknown> {
  return {
    id: workspace.id,
    name: workspace.name,
    database: workspace.library,
    wstype: 'workspace',
    description: workspace.description,
    create_date: iso(workspace.createDate),
    edit_date: iso(workspace.editDate),
    default_security: 'public',
    effective_security: access,
    has_subfolders: ctx.store.subfolders(workspace.id).length > 0,
    iwl: `iwl:dms=${dmsHost(ctx)}&&lib=${workspace.library}&&prj=${workspace.number}`,
    workspace_url: `${ctx.publicUrl()}/work/link/w/${encodeURIComponent(workspace.id)}`,
    owner: workspace.owner,
    owner_description: ctx.store.users.get(workspace.owner)?.name ?? workspace.owner,
    last_user: workspace.lastUser,
    document_number: workspace.number,
    version: 1,
    is_external: false,
    is_external_as_normal: false,
    is_hipaa: false,
    subclass: '',
    basic_properties: '',
    retain_days: 365,
    custom1: workspace.clientNumber,
    custom1_description: workspace.clientName,
    custom2: workspace.matterNumber,
    custom2_description: workspace.matterName,
  };
}

export function folderProfile(
  ctx: EmulatorContext,
  folder: Folder,
  access: AccessLevel,
): Record<string, unknown> {
  const workspace = ctx.store.workspace(folder.workspaceId);
  return {
    id: folder.id,
    name: folder.name,
    wstype: 'folder',
    database: folder.library,
    description: folder.description,
    parent_id: folder.parentId,
    workspace_id: workspace.id,
    workspace_name: workspace.name,
    owner: folder.owner,
    owner_description: ctx.store.users.get(folder.owner)?.name ?? folder.owner,
    create_date: iso(folder.createDate),
    edit_date: iso(folder.editDate),
    default_security: 'inherit',
    inherited_default_security: 'public',
    effective_security: access,
    folder_type: folder.folderType,
    view_type: 'document',
    has_documents: ctx.store.documentsIn(folder.id).length > 0,
    has_subfolders: ctx.store.subfolders(folder.id).length > 0,
    email: `${folder.library}.${folder.number}@emulator.example`,
    is_external: false,
    is_external_as_normal: false,
    is_container_saved_search: false,
    is_content_saved_search: folder.folderType === 'search',
    folder_url: `${ctx.publicUrl()}/work/link/f/${encodeURIComponent(folder.id)}`,
  };
}

/**
 * A shortcut as a folder's child: the target's profile under the shortcut's own id, wstype and
 * parent, with target_id naming the real item; undefined when the target is gone or hidden from `user`.
 */
export function shortcutProfile(
  ctx: EmulatorContext,
  shortcut: Shortcut,
  user: EmulatorUser,
): Record<string, unknown> | undefined {
  const profile = targetProfile(ctx, shortcut, user);
  return (
    profile && {
      ...profile,
      id: shortcut.id,
      wstype: shortcut.wstype,
      parent_id: shortcut.parentId,
      target_id: profile.id,
      create_date: iso(shortcut.createDate),
    }
  );
}

function targetProfile(ctx: EmulatorContext, shortcut: Shortcut, user: EmulatorUser) {
  const { store } = ctx;
  if (shortcut.wstype === 'document_shortcut') {
    const document = store.documents.get(shortcut.targetId);
    const access = document && store.accessToContainer(user, store.folder(document.folderId));
    if (!document || !access || access === 'no_access') return undefined;
    return documentProfile(ctx, document, latestVersion(document), access);
  }
  const target = store.containers.get(shortcut.targetId);
  const access = target && store.accessToContainer(user, target);
  if (!target || !access || access === 'no_access') return undefined;
  return target.kind === 'workspace'
    ? workspaceProfile(ctx, target, access)
    : folderProfile(ctx, target, access);
}

/** `checksum` as strict.checksumFormat says: `SHA256:` + upper-case hex, its base64 form, or none. */
function checksumField(ctx: EmulatorContext, checksum: string): { checksum?: string } {
  const format = ctx.strict.checksumFormat;
  if (format === 'none') return {};
  // Real profiles carry upper-case hex (SHA256:9F86D0…).
  if (format === 'hex') return { checksum: `SHA256:${checksum.slice(7).toUpperCase()}` };
  return { checksum: `SHA256:${Buffer.from(checksum.slice(7), 'hex').toString('base64')}` };
}
