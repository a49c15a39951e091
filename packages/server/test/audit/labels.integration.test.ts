import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { listAuditEvents } from '../../src/audit/query.ts';
import { recordAudit } from '../../src/audit/record.ts';
import { connections, connectors, publishDestinations } from '../../src/store/schema.ts';
import { createWorkflow, deleteWorkflow } from '../../src/workflows/service.ts';
import { createLocalConnector, useLocalLexbridge } from '../workflows/helpers.ts';

// The audit log names its objects as people know them (not by UUID), also once deleted, and says why a
// failed or denied action failed.

const t = useLocalLexbridge();

describe('audit log labels', () => {
  it('names workflows (also deleted), connectors and routes, and gives the reason of failures', async () => {
    const source = await createLocalConnector(t.lexbridge, t.root, 'Office share');
    const target = await createLocalConnector(t.lexbridge, t.root, 'Archive');
    const actor = { id: t.owner.userId, roles: ['User' as const] };
    const { workflow } = await createWorkflow(
      t.lexbridge,
      actor,
      {
        name: 'Acme to the archive',
        type: 'copy',
        source: { connectorId: source.id, id: '' },
        target: { connectorId: target.id, id: '' },
      },
      { startNow: false },
    );
    await deleteWorkflow(t.lexbridge, actor, workflow);
    const dms = randomUUID();
    await t.lexbridge.store.db
      .insert(connectors)
      .values({ id: dms, type: 'local-folder', name: 'DMS', config: {} });
    await recordAudit(t.lexbridge.store.db, {
      action: 'connection.authorise',
      actorUserId: t.owner.userId,
      targetType: 'connector',
      targetId: dms,
      outcome: 'failure',
      details: { result: 'invalid_client', detail: 'AADSTS7000215' },
    });
    await recordAudit(t.lexbridge.store.db, {
      action: 'access.denied',
      outcome: 'denied',
      targetType: 'route',
      targetId: 'GET /api/admin/audit',
      details: { code: 'forbidden' },
    });

    const { events } = await listAuditEvents(t.lexbridge.store.db, { limit: 10 });
    const byAction = (action: string) => events.find((e) => e.action === action)!;
    expect(byAction('workflow.create').targetLabel).toBe('Workflow “Acme to the archive”');
    expect(byAction('workflow.delete').targetLabel).toBe('Workflow “Acme to the archive”');
    expect(byAction('workflow.create').reason).toBeNull();
    const failed = byAction('connection.authorise');
    expect(failed.targetLabel).toBe('Connector “DMS”');
    expect(failed.reason).toBe(
      "The server did not accept the connector's client id or secret. (invalid_client)",
    );
    const denied = byAction('access.denied');
    expect(denied.targetLabel).toBe('Page or API GET /api/admin/audit');
    expect(denied.reason).toMatch(/^[A-Z].*\(forbidden\)$/);
    for (const event of events) expect(event.targetLabel ?? '').not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}/);
  });

  it('names people, runs, connections and publish destinations', async () => {
    const source = await createLocalConnector(t.lexbridge, t.root, 'Matter share');
    const target = await createLocalConnector(t.lexbridge, t.root, 'Portal');
    const actor = { id: t.owner.userId, roles: ['User' as const] };
    const { run } = await createWorkflow(t.lexbridge, actor, {
      name: 'Beta copy',
      type: 'copy',
      source: { connectorId: source.id, id: '' },
      target: { connectorId: target.id, id: '' },
    });
    const connectionId = randomUUID();
    await t.lexbridge.store.db
      .insert(connections)
      .values({ id: connectionId, connectorId: source.id, userId: t.owner.userId });
    const destinationId = randomUUID();
    await t.lexbridge.store.db
      .insert(publishDestinations)
      .values({ id: destinationId, name: 'Client portal', connectorId: target.id, location: { id: '' } });
    const targets = [
      ['user', t.owner.userId],
      ['workflow_run', run?.id],
      ['connection', connectionId],
      ['publish_destination', destinationId],
    ] as const;
    for (const [targetType, targetId] of targets)
      await recordAudit(t.lexbridge.store.db, {
        action: `label.${targetType}`,
        actorUserId: t.owner.userId,
        targetType,
        targetId: targetId ?? null,
        outcome: 'success',
      });

    const { events } = await listAuditEvents(t.lexbridge.store.db, { limit: 20 });
    const label = (type: string) => events.find((e) => e.action === `label.${type}`)?.targetLabel;
    expect(label('user')).toBe('Person “Test User”');
    expect(label('workflow_run')).toBe('Run “Run of Beta copy”');
    expect(label('connection')).toBe('Connection “Test User on Matter share”');
    expect(label('publish_destination')).toBe('Publish destination “Client portal”');
  });
});
