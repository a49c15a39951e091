/** The emulator's records. Plain data (no classes, Maps only in the store) so state saves as JSON. */

export type SiteRole = 'read' | 'write';

export interface Tenant {
  id: string;
  /** e.g. contoso.onmicrosoft.com; sign-in accepts the id or any of the domains. */
  domains: string[];
  displayName: string;
  /** SharePoint host name used in site ids and web URLs, e.g. contoso.sharepoint.com. */
  sharepointHost: string;
}

export interface User {
  id: string;
  tenantId: string;
  userPrincipalName: string;
  displayName: string;
  givenName: string;
  surname: string;
  jobTitle: string | null;
  password: string;
  /** Tokens issued before this instant are revoked (Entra's refreshTokensValidFromDateTime). */
  tokensValidFrom: number;
}

export interface ClientSecret {
  /** The secret's ID as the portal shows it (a GUID); presenting it instead of the value fails. */
  keyId: string;
  value: string;
  displayName: string;
  expiresAt: number;
}

export interface AppRegistration {
  clientId: string;
  tenantId: string;
  displayName: string;
  redirectUris: string[];
  secrets: ClientSecret[];
  /** Delegated permissions with admin consent, e.g. Files.ReadWrite.All, offline_access. */
  grantedScopes: string[];
  /** "Assignment required?" on the enterprise application. */
  assignmentRequired: boolean;
  assignedUserIds: string[];
}

export interface Site {
  id: string;
  tenantId: string;
  /** Last segment of the server-relative URL, e.g. Matter1001. */
  name: string;
  displayName: string;
  description: string;
  webUrl: string;
  createdAt: number;
  /** Site permission of each user (no entry: no access). */
  roles: Record<string, SiteRole>;
  followers: string[];
  /** The default document library first. */
  driveIds: string[];
  /** A user's personal (OneDrive) site. */
  personalOwnerId?: string;
}

export interface ColumnDefinition {
  name: string;
  displayName: string;
  type: 'text' | 'number';
}

export interface Drive {
  id: string;
  siteId: string;
  name: string;
  description: string;
  driveType: 'documentLibrary' | 'business';
  webUrl: string;
  createdAt: number;
  rootId: string;
  /** Custom columns of the library (SharePoint list columns). */
  columns: ColumnDefinition[];
  /** Bumped to invalidate every delta token of the drive (410 resyncRequired). */
  deltaEpoch: number;
  /** Sequence number of the drive's last change; delta tokens carry one. */
  changeSeq: number;
  listId: string;
}

export interface IdentitySet {
  id: string;
  displayName: string;
  email: string;
}

export interface FileVersion {
  /** SharePoint's major version label: "1.0", "2.0", … */
  id: string;
  blobId: string;
  size: number;
  quickXorHash: string;
  mimeType: string;
  modifiedAt: number;
  modifiedBy: IdentitySet;
}

export interface DriveItem {
  id: string;
  driveId: string;
  /** null for the root. */
  parentId: string | null;
  name: string;
  kind: 'folder' | 'file';
  /** GUID in eTag/cTag. */
  uniqueId: string;
  eTagVersion: number;
  cTagVersion: number;
  createdAt: number;
  modifiedAt: number;
  createdBy: IdentitySet;
  modifiedBy: IdentitySet;
  fileCreatedAt: number;
  fileModifiedAt: number;
  /** Files only; oldest first, the last is current. */
  versions: FileVersion[];
  /** List item field values (custom columns). */
  fields: Record<string, string | number>;
  /** Drive change sequence of the item's last change (delta). */
  changeSeq: number;
  /** A tombstone kept for delta after the item was deleted. */
  deletedAt?: number;
  /**
   * The item's own permissions once it stopped inheriting them (a site owner's "Stop inheriting
   * permissions"): they replace the site's roles for the item and everything below it.
   */
  permissions?: ItemPermission[];
}

/** One grant on an item with unique permissions: to a person, or a sharing link used by people. */
export interface ItemPermission {
  id: string;
  roles: ('read' | 'write' | 'owner')[];
  /** A direct grant to this user. */
  userId?: string;
  /** A sharing link, and the people who redeemed it. */
  link?: { type: 'view' | 'edit'; scope: 'organization' | 'users'; userIds: string[] };
}

export interface Channel {
  id: string;
  displayName: string;
  description: string;
  membershipType: 'standard';
  createdAt: number;
  /** Folder (in the team site's default library) holding the channel's files. */
  folderId: string;
}

export interface Team {
  id: string;
  tenantId: string;
  displayName: string;
  description: string;
  siteId: string;
  memberIds: string[];
  channels: Channel[];
}
