import type { PublishSource } from '@lexbridge/contracts';
import { asc, inArray } from 'drizzle-orm';
import { connectionView, type ExternalAccount } from '../authorisation/connections.ts';
import { imanageTypes } from '../connectors/imanage/server.ts';
import type { DbOrTx } from '../store/db.ts';
import { connections, connectors } from '../store/schema.ts';

/**
 * Which iManage connector a selection came from. The context-menu command tells us the customer id
 * (and the browser, through document.referrer, the iManage page's origin); a connector matches when
 * any authorised account on it reports that customer id, or when its server address has that origin.
 * Every iManage connector is returned, matches first, each with the caller's own connection, so the
 * page can pick the single match, let the person choose among several, or ask them to authorise.
 */
export async function findPublishSources(
  db: DbOrTx,
  userId: string,
  hints: { customerId?: string; from?: string },
): Promise<PublishSource[]> {
  const rows = (await db.select().from(connectors).orderBy(asc(connectors.name))).filter((c) =>
    imanageTypes.has(c.type),
  );
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
    const own = links.find((l) => l.connectorId === row.id && l.userId === userId);
    const customerIds = new Set(
      links
        .filter((l) => l.connectorId === row.id)
        .map((l) => (l.externalAccount as ExternalAccount | null)?.customerId)
        .filter((id) => id !== null && id !== undefined)
        .map(String),
    );
    const serverAddress = typeof row.config.serverAddress === 'string' ? row.config.serverAddress : null;
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
