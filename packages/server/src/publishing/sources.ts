import type { PublishSource } from '@lexbridge/contracts';
import { asc, inArray } from 'drizzle-orm';
import { connectionView, storedAccount } from '../authorisation/connections.ts';
import { type LoadedConnector, loadedConnector } from '../connectors/repository.ts';
import type { Lexbridge } from '../context.ts';
import { connections, connectors } from '../store/schema.ts';

/**
 * Which connector a selection came from, among those whose plug-in has a publish command. The command
 * tells us the tenant (a customer id; the browser adds, through document.referrer, the page's
 * origin); a connector matches when any authorised account on it reports that tenant, or when its
 * address has that origin. Every such connector is returned, matches first, each with the caller's
 * own connection, so the page can pick the single match, let the person choose among several, or ask
 * them to authorise.
 */
export async function findPublishSources(
  lexbridge: Lexbridge,
  userId: string,
  hints: { customerId?: string; from?: string },
): Promise<PublishSource[]> {
  const { db } = lexbridge.store;
  const all = await db.select().from(connectors).orderBy(asc(connectors.name));
  const loaded = new Map<string, LoadedConnector | undefined>();
  for (const row of all) {
    let found: LoadedConnector | undefined;
    try {
      found = loadedConnector(lexbridge, row);
    } catch {
      // A connector this server cannot read (type unknown, not configured) is no publish source.
    }
    loaded.set(row.id, found);
  }
  const rows = all.filter((row) => loaded.get(row.id)?.plugin.publishing);
  if (rows.length === 0) return [];
  const links = await db
    .select()
    .from(connections)
    .where(
      inArray(
        connections.connectorId,
        rows.map((r) => r.id),
      ),
    );
  const fromOrigin = originOf(hints.from);
  const sources = rows.map((row) => {
    const { plugin, connector } = loaded.get(row.id)!;
    const publishing = plugin.publishing!;
    const own = links.find((l) => l.connectorId === row.id && l.userId === userId);
    const customerIds = new Set(
      links
        .filter((l) => l.connectorId === row.id)
        .map((l) => storedAccount(l.externalAccount))
        .map((account) => (account ? publishing.tenantOf(account) : null))
        .filter((id): id is string => id !== null),
    );
    const serverAddress = publishing.address(connector);
    const matched =
      (!!hints.customerId && customerIds.has(hints.customerId)) ||
      (!!fromOrigin && originOf(serverAddress ?? undefined) === fromOrigin);
    return {
      connectorId: row.id,
      name: row.name,
      type: row.type,
      serverAddress,
      matched,
      connection: connectionView(own).status,
    };
  });
  return sources.sort((a, b) => Number(b.matched) - Number(a.matched));
}

function originOf(value: string | undefined): string | null {
  if (!value || !URL.canParse(value)) return null;
  return new URL(value).origin;
}
