import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionView } from '../../src/authorisation/connections.ts';
import { migrationsDir } from '../../src/store/migrate.ts';
import { connections, connectors } from '../../src/store/schema.ts';
import { createTestLexbridge, signIn, type TestLexbridge } from '../support/lexbridge.ts';

/**
 * Migration 0006 moves the accounts stored before connector plug-ins ({userId, customerId,
 * dmsVersion, apiBaseUrl, …}) into the generic shape (id, name, email, facts, details), and leaves
 * accounts already in the new shape alone.
 */
let lexbridge: TestLexbridge;

beforeAll(async () => {
  lexbridge = await createTestLexbridge();
});
afterAll(async () => {
  await lexbridge?.dispose();
});

describe('migration 0006 (generic external accounts)', () => {
  it('moves an iManage account stored in the old shape, and is a no-op on the new shape', async () => {
    const user = await signIn(lexbridge, { roles: ['User'] });
    const connectorId = randomUUID();
    await lexbridge.store.db
      .insert(connectors)
      .values({ id: connectorId, type: 'imanage-onprem', name: 'iManage', config: {} });
    const id = randomUUID();
    await lexbridge.store.db.insert(connections).values({
      id,
      connectorId,
      userId: user.userId,
      status: 'authorised',
      externalAccount: {
        userId: 'jsmith',
        name: 'John Smith',
        email: null,
        customerId: 1001,
        dmsVersion: '10.4.1',
        apiBaseUrl: 'https://imanage.firm.test/work/api/v2',
        discovered: true,
      },
    });
    const sql = await readFile(`${migrationsDir}0006_connector_accounts.sql`, 'utf8');
    await lexbridge.store.sql.exec(sql);
    const [row] = await lexbridge.store.db.select().from(connections).where(eq(connections.id, id));
    const moved = {
      id: 'jsmith',
      name: 'John Smith',
      email: null,
      facts: [
        { label: 'Customer id', value: '1001' },
        { label: 'iManage Work version', value: '10.4.1' },
      ],
      details: {
        customerId: 1001,
        dmsVersion: '10.4.1',
        apiBaseUrl: 'https://imanage.firm.test/work/api/v2',
        discovered: true,
      },
    };
    expect(row!.externalAccount).toEqual(moved);
    expect(connectionView(row).account).toEqual({
      id: 'jsmith',
      name: 'John Smith',
      email: null,
      facts: moved.facts,
    });
    await lexbridge.store.sql.exec(sql);
    const [again] = await lexbridge.store.db.select().from(connections).where(eq(connections.id, id));
    expect(again!.externalAccount).toEqual(moved);
  });
});
