/**
 * The sample tenant: three people, two matter sites (one library with custom columns), a team with
 * channels whose files live in the team site, a OneDrive each, and the demo app registration.
 * Tenant, app and secret values are fixed (docs and banners quote them); other ids follow the seed.
 */
import { createHash } from 'node:crypto';
import type { AppRegistration, ColumnDefinition, Drive, DriveItem, Site, SiteRole, User } from './model.ts';
import { quickXorHash } from './quick-xor-hash.ts';
import { ItemChanges } from './store/items.ts';
import type { Store } from './store/store.ts';

export const DEMO_TENANT = {
  id: '5f1c8a9e-3b7d-4c2a-9e6f-1a2b3c4d5e6f',
  domain: 'contoso.onmicrosoft.com',
  sharepointHost: 'contoso.sharepoint.com',
};
export const DEMO_PASSWORD = 'Passw0rd!';
export const DEMO_APP = {
  clientId: '3c9f1e2a-7b4d-4e8a-9c6b-0d1e2f3a4b5c',
  secretId: '8d2e4f6a-1b3c-4d5e-8f7a-9b0c1d2e3f4a',
  secret: 'Lxb8Q~EmulatorDemoSecretValue.0123456789',
  expiredSecretId: '0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d',
  expiredSecret: 'Old8Q~ExpiredDemoSecretValue.9876543210a',
};
/** The delegated permissions the Lexbridge connector asks for, all with admin consent in the demo. */
export const CONNECTOR_SCOPES = [
  'openid',
  'profile',
  'email',
  'offline_access',
  'User.Read',
  'Files.ReadWrite.All',
  'Sites.ReadWrite.All',
  'Team.ReadBasic.All',
  'Channel.ReadBasic.All',
];

export interface SeedOptions {
  /** Redirect URIs of the demo app. Default: Lexbridge's local callback and a test one. */
  redirectUris?: string[];
}

const PEOPLE = [
  { key: 'alex', given: 'Alex', surname: 'Wilber', title: 'Associate' },
  { key: 'megan', given: 'Megan', surname: 'Bowen', title: 'IT Administrator' },
  { key: 'debra', given: 'Debra', surname: 'Berger', title: 'Paralegal' },
] as const;

const FILED_COLUMNS: ColumnDefinition[] = [
  { name: 'DocumentAuthor', displayName: 'Document Author', type: 'text' },
  { name: 'DocumentNumber', displayName: 'Document Number', type: 'text' },
  { name: 'DocumentVersion', displayName: 'Document Version', type: 'number' },
];

class Seeder {
  readonly store: Store;
  readonly changes: ItemChanges;
  readonly users: Record<string, User> = {};

  constructor(store: Store) {
    this.store = store;
    this.changes = new ItemChanges(store);
  }

  addUsers(): void {
    for (const person of PEOPLE) {
      const upn = `${person.given}.${person.surname}@${DEMO_TENANT.domain}`.toLowerCase();
      const user: User = {
        id: this.store.ids.guid(),
        tenantId: DEMO_TENANT.id,
        userPrincipalName: upn,
        displayName: `${person.given} ${person.surname}`,
        givenName: person.given,
        surname: person.surname,
        jobTitle: person.title,
        password: DEMO_PASSWORD,
        tokensValidFrom: 0,
      };
      this.store.users.set(user.id, user);
      this.users[person.key] = user;
    }
  }

  roles(entries: Record<string, SiteRole>): Record<string, SiteRole> {
    return Object.fromEntries(
      Object.entries(entries).map(([key, role]) => [this.users[key]?.id ?? key, role]),
    );
  }

  addSite(fields: { name: string; displayName: string; description: string; host?: string; path?: string }) {
    const host = fields.host ?? DEMO_TENANT.sharepointHost;
    const site: Site = {
      id: `${host},${this.store.ids.guid()},${this.store.ids.guid()}`,
      tenantId: DEMO_TENANT.id,
      name: fields.name,
      displayName: fields.displayName,
      description: fields.description,
      webUrl: `https://${host}/${fields.path ?? 'sites'}/${fields.name}`,
      createdAt: this.store.clock.now(),
      roles: {},
      followers: [],
      driveIds: [],
    };
    this.store.sites.set(site.id.toLowerCase(), site);
    return site;
  }

  addDrive(
    site: Site,
    name: string,
    options: { business?: boolean; urlName?: string; columns?: ColumnDefinition[] } = {},
  ) {
    const drive: Drive = {
      id: this.store.ids.driveId(),
      siteId: site.id,
      name,
      description: '',
      driveType: options.business ? 'business' : 'documentLibrary',
      webUrl: `${site.webUrl}/${encodeURIComponent(options.urlName ?? name)}`,
      createdAt: this.store.clock.now(),
      rootId: '',
      columns: options.columns ?? [],
      deltaEpoch: 1,
      changeSeq: 0,
      listId: this.store.ids.guid(),
    };
    this.store.drives.set(drive.id, drive);
    site.driveIds.push(drive.id);
    const system = { id: '', displayName: 'System Account', email: '' };
    drive.rootId = this.changes.newItem(drive, null, 'root', 'folder', system).id;
    return drive;
  }

  root(drive: Drive): DriveItem {
    return this.store.item(drive.id, drive.rootId);
  }

  folder(parent: DriveItem, name: string, by: User): DriveItem {
    return this.changes.createFolder(parent, name, by, 'fail');
  }

  async file(parent: DriveItem, name: string, by: User, size = 0): Promise<DriveItem> {
    const text = `${name}\nPrepared by ${by.displayName} for the Lexbridge Graph emulator.\n`;
    const bytes = size > 0 ? expand(text, size) : Buffer.from(text);
    const blobId = await this.store.blobs.putBytes(bytes);
    const mimeType = mimeTypeOf(name);
    const content = { blobId, size: bytes.length, quickXorHash: quickXorHash(bytes), mimeType };
    return this.changes.putFile(parent, name, content, by, 'fail').item;
  }
}

/** Deterministic filler: the text, then SHA-256 blocks chained from it. */
function expand(text: string, size: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(text).digest();
  out.write(text.slice(0, size));
  for (let offset = Math.min(text.length, size); offset < size; offset += block.length) {
    block = createHash('sha256').update(block).digest();
    block.copy(out, offset);
  }
  return out;
}

export function mimeTypeOf(name: string): string {
  const extension = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  const types: Record<string, string> = {
    txt: 'text/plain',
    pdf: 'application/pdf',
    docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    msg: 'application/vnd.ms-outlook',
  };
  return types[extension] ?? 'application/octet-stream';
}

function demoApp(options: SeedOptions, users: Record<string, User>, now: number): AppRegistration {
  const year = 365 * 86_400_000;
  return {
    clientId: DEMO_APP.clientId,
    tenantId: DEMO_TENANT.id,
    displayName: 'Lexbridge',
    redirectUris: options.redirectUris ?? [
      'http://localhost:8080/api/connectors/authorised',
      'https://localhost:8443/api/connectors/authorised',
    ],
    secrets: [
      {
        keyId: DEMO_APP.secretId,
        value: DEMO_APP.secret,
        displayName: 'lexbridge',
        expiresAt: now + 2 * year,
      },
      {
        keyId: DEMO_APP.expiredSecretId,
        value: DEMO_APP.expiredSecret,
        displayName: 'old',
        expiresAt: now - 1,
      },
    ],
    grantedScopes: [...CONNECTOR_SCOPES],
    assignmentRequired: false,
    assignedUserIds: Object.values(users).map((user) => user.id),
  };
}

export async function seedStore(store: Store, options: SeedOptions = {}): Promise<void> {
  store.tenants.set(DEMO_TENANT.id, {
    id: DEMO_TENANT.id,
    domains: [DEMO_TENANT.domain],
    displayName: 'Contoso Legal',
    sharepointHost: DEMO_TENANT.sharepointHost,
  });
  const seed = new Seeder(store);
  seed.addUsers();
  const { alex, megan, debra } = seed.users as Record<'alex' | 'megan' | 'debra', User>;
  store.apps.set(DEMO_APP.clientId, demoApp(options, seed.users, store.clock.now()));
  await seedMatters(seed, alex, megan);
  await seedTeam(seed, alex, megan);
  for (const user of [alex, megan, debra]) await seedOneDrive(seed, user);
}

async function seedMatters(seed: Seeder, alex: User, megan: User): Promise<void> {
  const acme = seed.addSite({
    name: 'Matter1001',
    displayName: 'Matter 1001 - Acme v Globex',
    description: 'Litigation: Acme Corp v Globex Inc',
  });
  acme.roles = seed.roles({ alex: 'write', megan: 'write', debra: 'read' });
  acme.followers = [alex.id];
  const docs = seed.addDrive(acme, 'Documents', { urlName: 'Shared Documents' });
  const pleadings = seed.folder(seed.root(docs), 'Pleadings', alex);
  await seed.file(pleadings, 'Complaint.docx', alex, 20_000);
  await seed.file(pleadings, 'Answer.docx', megan, 18_000);
  const letters = seed.folder(seed.root(docs), 'Correspondence', alex);
  await seed.file(letters, 'Letter to client.docx', alex);
  await seed.file(seed.root(docs), 'Matter summary.txt', alex);
  await seed.file(seed.root(docs), 'Exhibit A.pdf', megan, 700_000);
  const filed = seed.addDrive(acme, 'Filed Documents', { columns: FILED_COLUMNS });
  await seed.file(seed.root(filed), 'Engagement letter.pdf', alex);

  const northwind = seed.addSite({
    name: 'Matter1002',
    displayName: 'Matter 1002 - Northwind acquisition',
    description: 'Corporate: acquisition of Northwind Traders',
  });
  northwind.roles = seed.roles({ alex: 'read', megan: 'write' });
  northwind.followers = [alex.id, megan.id];
  const deal = seed.addDrive(northwind, 'Documents', { urlName: 'Shared Documents' });
  const diligence = seed.folder(seed.root(deal), 'Due diligence', megan);
  await seed.file(diligence, 'Checklist.xlsx', megan);
}

async function seedTeam(seed: Seeder, alex: User, megan: User): Promise<void> {
  const site = seed.addSite({
    name: 'AcmeLitigationTeam',
    displayName: 'Acme Litigation Team',
    description: 'Team site of the Acme litigation team',
  });
  site.roles = seed.roles({ alex: 'write', megan: 'write' });
  const drive = seed.addDrive(site, 'Documents', { urlName: 'Shared Documents' });
  const channels = [
    { displayName: 'General', description: 'Team-wide discussion' },
    { displayName: 'Client - Acme', description: 'Shared with the client' },
  ].map((channel) => ({
    id: channel.displayName === 'General' ? '' : seed.store.ids.channelId(),
    ...channel,
    membershipType: 'standard' as const,
    createdAt: seed.store.clock.now(),
    folderId: seed.folder(seed.root(drive), channel.displayName, megan).id,
  }));
  const teamId = seed.store.ids.guid();
  for (const channel of channels)
    if (!channel.id) channel.id = `19:${teamId.replaceAll('-', '')}@thread.tacv2`;
  const client = seed.store.item(drive.id, channels[1]?.folderId ?? '');
  await seed.file(client, 'Status report.docx', alex);
  seed.store.teams.set(teamId, {
    id: teamId,
    tenantId: DEMO_TENANT.id,
    displayName: 'Acme Litigation Team',
    description: 'Acme Corp v Globex Inc',
    siteId: site.id,
    memberIds: [alex.id, megan.id],
    channels,
  });
}

async function seedOneDrive(seed: Seeder, user: User): Promise<void> {
  const site = seed.addSite({
    name: user.userPrincipalName.replace(/[@.]/g, '_'),
    displayName: user.displayName,
    description: '',
    host: DEMO_TENANT.sharepointHost.replace('.sharepoint.com', '-my.sharepoint.com'),
    path: 'personal',
  });
  site.personalOwnerId = user.id;
  site.roles = { [user.id]: 'write' };
  const drive = seed.addDrive(site, 'OneDrive', { business: true, urlName: 'Documents' });
  await seed.file(seed.root(drive), 'Notes.txt', user);
}
