import { eq } from 'drizzle-orm';
import { ContentError, type ContentStore } from '../connectors/content.ts';
import type { UsePolicy } from '../connectors/plugin.ts';
import type { DbOrTx } from '../store/db.ts';
import { users } from '../store/schema.ts';

/**
 * Who may use a connector that cannot tell people apart (no per-user authorisation), and the content
 * store that holds a person to it. Connector Admins set the policy and may always do everything.
 */
export interface Allowed {
  read: boolean;
  write: boolean;
}

/** What the policy allows a person, by the roles of their last sign-in and their email address. */
export async function allowedBy(db: DbOrTx, policy: UsePolicy, userId: string): Promise<Allowed> {
  const [person] = await db
    .select({ roles: users.roles, email: users.email })
    .from(users)
    .where(eq(users.id, userId));
  if (!person) return { read: false, write: false };
  if (person.roles.includes('ConnectorAdmin')) return { read: true, write: true };
  const email = person.email?.toLowerCase();
  const names = (entries: readonly string[]) =>
    entries.some(
      (entry) => person.roles.includes(entry) || (email !== undefined && entry.toLowerCase() === email),
    );
  const write = names(policy.write);
  return { read: write || names(policy.read), write };
}

/** True when the person is a Connector Admin (as of their last sign-in). */
export async function isConnectorAdmin(db: DbOrTx, userId: string): Promise<boolean> {
  const [person] = await db.select({ roles: users.roles }).from(users).where(eq(users.id, userId));
  return person?.roles.includes('ConnectorAdmin') ?? false;
}

/**
 * `store` limited to what `allowed` permits: `rights` answers no beyond it (so pre-flight blocks), and
 * every read or change beyond it throws content_access_denied (so a run whose owner lost access fails
 * its items instead of acting).
 */
export function limitedStore(store: ContentStore, allowed: Allowed, connectorName: string): ContentStore {
  if (allowed.read && allowed.write) return store;
  const denied = (what: 'read' | 'change') =>
    new ContentError(
      'content_access_denied',
      `You may not ${what} content of "${connectorName}" in Lexbridge: a Connector Admin decides who may read and write it (the connector's May read and May write settings).`,
    );
  const mayRead = () => {
    if (!allowed.read) throw denied('read');
  };
  const mayWrite = () => {
    if (!allowed.write) throw denied('change');
  };
  const { listVersions, changesSince, removeLeftovers, close } = store;
  return {
    capabilities: store.capabilities,
    async getItem(id, signal) {
      mayRead();
      return store.getItem(id, signal);
    },
    async ancestors(id, signal) {
      mayRead();
      return store.ancestors(id, signal);
    },
    async *listChildren(folderId, signal) {
      mayRead();
      yield* store.listChildren(folderId, signal);
    },
    async findChild(parentId, name, signal) {
      mayRead();
      return store.findChild(parentId, name, signal);
    },
    ...(listVersions
      ? {
          async listVersions(item, signal) {
            mayRead();
            return listVersions.call(store, item, signal);
          },
        }
      : {}),
    ...(changesSince
      ? {
          async *changesSince(rootId, since, options) {
            mayRead();
            yield* changesSince.call(store, rootId, since, options);
          },
        }
      : {}),
    async openRead(item, options) {
      mayRead();
      return store.openRead(item, options);
    },
    async writeDocument(parentId, name, content, options) {
      if (!allowed.write) {
        content.destroy();
        mayWrite();
      }
      return store.writeDocument(parentId, name, content, options);
    },
    async createFolder(parentId, name, signal) {
      mayWrite();
      return store.createFolder(parentId, name, signal);
    },
    async relocate(item, target, signal) {
      mayWrite();
      return store.relocate(item, target, signal);
    },
    async delete(item, signal) {
      mayWrite();
      return store.delete(item, signal);
    },
    async rights(id, signal) {
      if (!allowed.read) return { read: false, write: false };
      const rights = await store.rights(id, signal);
      return { read: rights.read, write: rights.write && allowed.write };
    },
    ...(removeLeftovers
      ? {
          // Housekeeping, not the run's work: without write there is nothing of the run's to remove.
          async removeLeftovers(rootId, keep) {
            return allowed.write ? removeLeftovers.call(store, rootId, keep) : 0;
          },
        }
      : {}),
    ...(close ? { close: () => close.call(store) } : {}),
  };
}
