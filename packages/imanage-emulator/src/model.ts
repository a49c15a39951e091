/** The emulator's domain records. Profiles in the Work API are rendered from these (work-api/profiles.ts). */
import type {
  ImanageContextMenuCommand,
  ImanageManifestSetting,
} from '../../contracts/src/imanage-manifest.ts';

export const ACCESS_LEVELS = ['no_access', 'read', 'read_write', 'full_access'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

export function accessAtLeast(actual: AccessLevel, required: AccessLevel): boolean {
  return ACCESS_LEVELS.indexOf(actual) >= ACCESS_LEVELS.indexOf(required);
}

export interface EmulatorUser {
  id: string;
  password: string;
  name: string;
  email: string;
  /** iManage user types seen in /api: enterprise (people), system (service accounts), virtual. */
  user_type: 'enterprise' | 'system' | 'virtual';
  /** Control Center administrator (NRTADMIN in a real installation). */
  admin: boolean;
  /** Access per workspace, keyed by workspace id ("ACTIVE!100") or name; "*" is the default. */
  access: Record<string, AccessLevel>;
}

export interface Library {
  id: string;
  display_name: string;
  /** Next number for workspaces and folders (one number space, as iManage projects share one). */
  nextContainerNumber: number;
  /** Next document number (its own number space). */
  nextDocumentNumber: number;
}

export interface Workspace {
  kind: 'workspace';
  library: string;
  number: number;
  id: string;
  name: string;
  description: string;
  owner: string;
  createDate: number;
  editDate: number;
  lastUser: string;
  clientNumber: string;
  clientName: string;
  matterNumber: string;
  matterName: string;
  /** Per-user access fixed when the workspace was created (creator gets full_access). */
  explicitAccess: Map<string, AccessLevel>;
}

/** FolderProfile folder_type values the emulator models (my_matters / my_favorites are not). */
export type FolderType = 'regular' | 'search' | 'tab' | 'category';

export interface Folder {
  kind: 'folder';
  /** regular folders hold documents; search folders list a saved search; tabs and categories group. */
  folderType: FolderType;
  /** For search folders: the documents (emails only, or all) under this container. */
  savedSearch?: { scopeId: string; emailOnly: boolean };
  library: string;
  number: number;
  id: string;
  name: string;
  description: string;
  owner: string;
  parentId: string;
  workspaceId: string;
  createDate: number;
  editDate: number;
}

export type Container = Workspace | Folder;

/**
 * A shortcut in a folder: its own id (from the container numbers), pointing at a folder, a workspace
 * or a document elsewhere. Listed among the folder's children with wstype folder_shortcut,
 * workspace_shortcut or document_shortcut and a target_id; it is not itself a container.
 */
export interface Shortcut {
  library: string;
  number: number;
  id: string;
  wstype: 'folder_shortcut' | 'workspace_shortcut' | 'document_shortcut';
  parentId: string;
  /** LIB!n of the folder or workspace, or LIB!n of the document (latest version). */
  targetId: string;
  createDate: number;
}

/** The email fields of a FullDocumentProfile (wstype email). */
export interface EmailFields {
  from: string;
  to: string;
  cc: string;
  sentDate: number;
  receivedDate: number;
  hasAttachment: boolean;
}

/** Where a version's bytes come from: generated on the fly, a temp file, or memory. */
export type ContentSource =
  | { kind: 'generated'; seed: number; size: number }
  | { kind: 'file'; path: string; size: number; sha256: string }
  | { kind: 'bytes'; bytes: Uint8Array; sha256: string };

export interface DocumentVersion {
  version: number;
  extension: string;
  size: number;
  content: ContentSource;
  author: string;
  operator: string;
  comment: string;
  createDate: number;
  editDate: number;
  fileCreateDate: number;
  fileEditDate: number;
  /** "SHA256:<hex>", computed lazily for generated content and cached. */
  checksum?: string;
}

export interface DocumentRecord {
  library: string;
  number: number;
  folderId: string;
  workspaceId: string;
  name: string;
  docClass: string;
  author: string;
  lastUser: string;
  createProfileDate: number;
  editProfileDate: number;
  custom: Record<string, string>;
  versions: DocumentVersion[];
  /** The highest version number given so far: a deleted version's number is never given again. */
  lastVersionNumber?: number;
  /** Present for emails (.msg / .eml filed from Outlook): wstype email and the email fields. */
  email?: EmailFields;
  /** Who has the document checked out (locked), and since when; absent when it is not. */
  checkout?: { user: string; since: number };
}

export interface ApplicationAccess {
  mode: 'all' | 'users';
  users: string[];
}

export interface Application {
  client_id: string;
  client_secret: string | null;
  name: string;
  description: string;
  publisher: string | null;
  application_type: 'web' | 'native';
  redirect_urls: string[];
  allow_refresh_token: boolean;
  rotate_refresh_token: boolean;
  access_token_minutes: number;
  refresh_token_days: number;
  enabled: boolean;
  access: ApplicationAccess;
  setting_fields: ImanageManifestSetting[];
  settings: Record<string, string>;
  context_menu: ImanageContextMenuCommand[];
  /** Files the uploaded package carried besides manifest.yaml (kept for display only). */
  package_files: string[];
  created_at: number;
}

export function applicationAllowsUser(app: Application, userId: string): boolean {
  return app.access.mode === 'all' || app.access.users.includes(userId);
}

export function latestVersion(document: DocumentRecord): DocumentVersion {
  const latest = document.versions.at(-1);
  if (!latest) throw new Error(`document ${document.library}!${document.number} has no versions`);
  return latest;
}
