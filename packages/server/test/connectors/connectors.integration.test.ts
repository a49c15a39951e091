import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectorType } from '@lexbridge/contracts';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { oauthConnector } from '../../src/authorisation/oauth-client.ts';
import { normaliseServerAddress } from '../../src/connectors/imanage/settings.ts';
import { getConnectorRow } from '../../src/connectors/repository.ts';
import { auditEvents, connections, connectors, workflows } from '../../src/store/schema.ts';
import { captureLog } from '../foundation/capture.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';

let server: TestServer;
let admin: SignedIn;
let user: SignedIn;
let roots: string;
const logs = captureLog('trace');
const secret = 'sk-very-secret-value-42';

beforeAll(async () => {
  roots = await mkdtemp(join(tmpdir(), 'lexbridge-roots-'));
  await mkdir(join(roots, 'allowed', 'exports'), { recursive: true });
  await mkdir(join(roots, 'outside'), { recursive: true });
  await symlink(join(roots, 'outside'), join(roots, 'allowed', 'sneaky'));
  server = await startTestServer({
    log: logs.log,
    env: {
      LOG_LEVEL: 'trace',
      LEXBRIDGE_LOCAL_FOLDER_ROOTS: join(roots, 'allowed'),
      LEXBRIDGE_IMANAGE_CLOUD_CLIENT_ID: 'cloud-client',
      LEXBRIDGE_IMANAGE_CLOUD_CLIENT_SECRET: 'cloud-secret',
      LEXBRIDGE_IMANAGE_CLOUD_URL: 'http://127.0.0.1:9',
    },
  });
  admin = await signIn(server.lexbridge, { roles: ['ConnectorAdmin'] });
  user = await signIn(server.lexbridge, { roles: ['User'] });
});

afterAll(async () => {
  await server?.close();
  await rm(roots, { recursive: true, force: true });
});

const api = (path: string, who: SignedIn, init: { method?: string; body?: unknown } = {}) =>
  fetch(`${server.url}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...who.headers, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  });

const imanage = (config: Record<string, unknown> = {}) => ({
  type: 'imanage-onprem',
  name: 'iManage US',
  config: {
    clientId: 'abc',
    secretKey: secret,
    scope: 'User',
    serverAddress: 'https://iManage.Firm.example/',
    ...config,
  },
});

describe('the connector catalogue', () => {
  it('lists the four types with their fields to any signed-in user', async () => {
    const res = await api('/api/connector-types', user);
    expect(res.status).toBe(200);
    const { types } = (await res.json()) as { types: ConnectorType[] };
    expect(types.map((t) => [t.type, t.label])).toEqual([
      ['imanage-onprem', 'iManage'],
      ['imanage-cloud', 'iManage Cloud'],
      ['local-folder', 'Local folder'],
      ['sharepoint', 'SharePoint'],
    ]);
    const onprem = types[0]!;
    expect(onprem.fields.filter((f) => !f.advanced).map((f) => f.key)).toEqual([
      'name',
      'clientId',
      'secretKey',
      'scope',
      'refreshToken',
      'serverAddress',
    ]);
    expect(onprem.fields.find((f) => f.key === 'scope')).toMatchObject({ default: 'user', required: true });
    expect(onprem.fields.find((f) => f.key === 'refreshToken')).toMatchObject({
      default: true,
      type: 'boolean',
    });
    expect(onprem.fields.find((f) => f.key === 'secretKey')).toMatchObject({ secret: true });
    for (const field of onprem.fields)
      expect(Object.keys(field)).toEqual(
        expect.arrayContaining(['key', 'label', 'help', 'default', 'required', 'secret', 'type']),
      );
    expect(types[1]).toMatchObject({ available: true, fields: [expect.objectContaining({ key: 'name' })] });
    expect(types[2]).toMatchObject({ available: true });
    expect((await fetch(`${server.url}/api/connector-types`)).status).toBe(401);
  });

  it('normalises Server Addresses and allows http only on loopback', () => {
    expect(normaliseServerAddress('https://iManage.Firm.example/')).toBe('https://imanage.firm.example');
    expect(normaliseServerAddress(' https://proxy.firm.example/imanage/?x=1#y ')).toBe(
      'https://proxy.firm.example/imanage',
    );
    expect(normaliseServerAddress('http://127.0.0.1:8090/')).toBe('http://127.0.0.1:8090');
    expect(normaliseServerAddress('http://localhost:8090')).toBe('http://localhost:8090');
    expect(() => normaliseServerAddress('http://imanage.firm.example')).toThrow(/https/);
    expect(() => normaliseServerAddress('ftp://imanage.firm.example')).toThrow(/https/);
    expect(() => normaliseServerAddress('https://user:pw@imanage.firm.example')).toThrow(/user name/);
    expect(() => normaliseServerAddress('imanage')).toThrow(/not an address/);
  });
});

describe('connectors', () => {
  it('lets a Connector Admin create one; answers without secrets; seals the secret; audits; never logs it', async () => {
    const res = await api('/api/connectors', admin, { method: 'POST', body: imanage() });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain(secret);
    const body = JSON.parse(text);
    expect(body).toMatchObject({
      type: 'imanage-onprem',
      name: 'iManage US',
      config: {
        clientId: 'abc',
        scope: 'user',
        refreshToken: true,
        serverAddress: 'https://imanage.firm.example',
        clientAuthentication: 'client_secret_post',
      },
      secretsSet: ['secretKey'],
      connection: { status: 'unauthorised' },
    });
    const [row] = await server.lexbridge.store.db.select().from(connectors).where(eq(connectors.id, body.id));
    expect(row!.secretConfig).not.toContain(secret);
    expect(JSON.stringify(row!.config)).not.toContain(secret);
    const audit = await server.lexbridge.store.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'connector.create'), eq(auditEvents.targetId, body.id)));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(secret);
    expect(logs.text()).not.toContain(secret);
  });

  it('refuses creation to other roles and bad settings with the field named', async () => {
    expect((await api('/api/connectors', user, { method: 'POST', body: imanage() })).status).toBe(403);
    const cases: [unknown, number, string, RegExp][] = [
      [
        imanage({ serverAddress: 'http://imanage.firm.example' }),
        400,
        'connector_config_invalid',
        /serverAddress/,
      ],
      [imanage({ clientId: '' }), 400, 'connector_config_invalid', /clientId/],
      [imanage({ secretKey: '' }), 400, 'connector_config_invalid', /secretKey/],
      [{ type: 'dropbox', name: 'x', config: {} }, 400, 'connector_type_unknown', /dropbox/],
      [
        { type: 'local-folder', name: 'Exports', config: { path: '/etc' } },
        400,
        'local_folder_root_not_allowed',
        /not inside an allowed root/,
      ],
      [
        { type: 'local-folder', name: 'Sneaky', config: { path: join(roots, 'allowed', 'sneaky') } },
        400,
        'local_folder_root_not_allowed',
        /not inside/,
      ],
      [
        { type: 'local-folder', name: 'Missing', config: { path: join(roots, 'allowed', 'nope') } },
        400,
        'connector_config_invalid',
        /does not exist/,
      ],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await api('/api/connectors', admin, { method: 'POST', body });
      const answer = (await res.json()) as { error: { code: string; message: string } };
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(answer.error.code).toBe(code);
      expect(answer.error.message).toMatch(message);
    }
  });

  it("creates local folders under a root (resolved) and iManage Cloud from the operator's settings", async () => {
    const local = await api('/api/connectors', admin, {
      method: 'POST',
      body: { type: 'local-folder', name: 'Exports', config: { path: join(roots, 'allowed', 'exports') } },
    });
    expect(local.status).toBe(201);
    expect(((await local.json()) as { config: { path: string } }).config.path).toMatch(/allowed\/exports$/);
    const cloud = await api('/api/connectors', admin, {
      method: 'POST',
      body: { type: 'imanage-cloud', name: 'iManage Cloud', config: {} },
    });
    expect(cloud.status).toBe(201);
    const cloudId = ((await cloud.json()) as { id: string }).id;
    const { server: authServer } = oauthConnector(
      server.lexbridge,
      await getConnectorRow(server.lexbridge.store.db, cloudId),
    );
    expect(authServer.authorizationEndpoint).toBe('http://127.0.0.1:9/auth/oauth2/authorize');
    expect(authServer.clientId).toBe('cloud-client');
    // Nothing answers there: Authorise keeps the person in Lexbridge instead of a browser error.
    const authorise = await fetch(`${server.url}/api/connectors/${cloudId}/authorise`, {
      headers: { cookie: user.cookie },
      redirect: 'manual',
    });
    expect(authorise.headers.get('location')).toBe(
      `/connectors?error=server_unreachable&connector=${cloudId}&checked=before-sign-in`,
    );
  });

  it('lists every connector to every signed-in user with their own status, and shows one', async () => {
    const res = await api('/api/connectors', user);
    const { connectors: list } = (await res.json()) as {
      connectors: { id: string; name: string; connection: { status: string } }[];
    };
    expect(list.map((c) => c.name)).toEqual(['Exports', 'iManage Cloud', 'iManage US']);
    expect(list.every((c) => c.connection.status === 'unauthorised')).toBe(true);
    const one = await api(`/api/connectors/${list[2]!.id}`, user);
    expect(one.status).toBe(200);
    expect((await api(`/api/connectors/${randomUUID()}`, user)).status).toBe(404);
    expect(
      ((await (await api(`/api/connectors/${randomUUID()}`, user)).json()) as { error: { code: string } })
        .error.code,
    ).toBe('connector_not_found');
  });

  it('keeps the Secret Key when an edit leaves it empty, and expires connections when the server or client changes', async () => {
    const created = (await (
      await api('/api/connectors', admin, { method: 'POST', body: imanage({ clientId: 'edit-me' }) })
    ).json()) as { id: string };
    const connectionId = randomUUID();
    await server.lexbridge.store.db.insert(connections).values({
      id: connectionId,
      connectorId: created.id,
      userId: user.userId,
      status: 'authorised',
      accessToken: 'lb1.x.y.z',
    });
    const workflowId = randomUUID();
    await server.lexbridge.store.db.insert(workflows).values({
      id: workflowId,
      ownerId: user.userId,
      name: 'Matter sync',
      type: 'one_way_sync',
      sourceConnectorId: created.id,
      sourceLocation: {},
      targetLocation: {},
    });

    const renamed = await api(`/api/connectors/${created.id}`, admin, {
      method: 'PATCH',
      body: { name: 'Renamed', config: { secretKey: '', scope: 'USER' } },
    });
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({
      name: 'Renamed',
      secretsSet: ['secretKey'],
      config: { scope: 'user' },
    });
    const [row] = await server.lexbridge.store.db
      .select()
      .from(connectors)
      .where(eq(connectors.id, created.id));
    expect(
      server.lexbridge.secrets.openJson(row!.secretConfig!, {
        table: 'connectors',
        rowId: created.id,
        column: 'secret_config',
      }),
    ).toEqual({ secretKey: secret });
    expect(
      (await server.lexbridge.store.db.select().from(connections).where(eq(connections.id, connectionId)))[0]!
        .status,
    ).toBe('authorised');

    expect(
      (await api(`/api/connectors/${created.id}`, user, { method: 'PATCH', body: { name: 'x' } })).status,
    ).toBe(403);
    // The stored Secret Key is never sent to another server: a new address needs the secret again.
    const withoutSecret = await api(`/api/connectors/${created.id}`, admin, {
      method: 'PATCH',
      body: { config: { serverAddress: 'https://new.firm.example' } },
    });
    expect(withoutSecret.status).toBe(400);
    expect(await withoutSecret.json()).toMatchObject({
      error: {
        code: 'connector_config_invalid',
        message: expect.stringMatching(/^secretKey: enter the Secret Key again/),
      },
    });
    expect(
      (await server.lexbridge.store.db.select().from(connections).where(eq(connections.id, connectionId)))[0]!
        .status,
    ).toBe('authorised');
    const moved = await api(`/api/connectors/${created.id}`, admin, {
      method: 'PATCH',
      body: { config: { serverAddress: 'https://new.firm.example', secretKey: 'the-new-servers-secret' } },
    });
    expect(moved.status).toBe(200);
    const view = await (await api(`/api/connectors/${created.id}/connection`, user)).json();
    expect(view).toMatchObject({ status: 'expired', reason: expect.stringContaining('Server Address') });
    const [conn] = await server.lexbridge.store.db
      .select()
      .from(connections)
      .where(eq(connections.id, connectionId));
    expect(conn!.accessToken).toBeNull();
    const [wf] = await server.lexbridge.store.db.select().from(workflows).where(eq(workflows.id, workflowId));
    expect(wf).toMatchObject({ status: 'paused', pauseReason: 'reauthorise' });
  });

  it('refuses to delete a connector that workflows use, unless forced, which pauses them', async () => {
    const created = (await (
      await api('/api/connectors', admin, { method: 'POST', body: imanage({ clientId: 'delete-me' }) })
    ).json()) as { id: string };
    const workflowId = randomUUID();
    await server.lexbridge.store.db.insert(workflows).values({
      id: workflowId,
      ownerId: user.userId,
      name: 'Closing binder',
      type: 'copy',
      targetConnectorId: created.id,
      sourceLocation: {},
      targetLocation: {},
    });
    expect((await api(`/api/connectors/${created.id}`, user, { method: 'DELETE' })).status).toBe(403);
    const refused = await api(`/api/connectors/${created.id}`, admin, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({
      error: {
        code: 'connector_in_use',
        message: expect.stringContaining('Closing binder'),
        details: { workflows: [{ id: workflowId, name: 'Closing binder' }] },
      },
    });
    const forced = await api(`/api/connectors/${created.id}?force=true`, admin, { method: 'DELETE' });
    expect(await forced.json()).toEqual({ deleted: true, pausedWorkflows: [workflowId] });
    const [wf] = await server.lexbridge.store.db.select().from(workflows).where(eq(workflows.id, workflowId));
    expect(wf).toMatchObject({ status: 'paused', pauseReason: 'connector_deleted', targetConnectorId: null });
    expect((await api(`/api/connectors/${created.id}`, admin)).status).toBe(404);
    const audit = await server.lexbridge.store.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.targetId, created.id));
    expect(audit.map((a) => a.action)).toEqual(['connector.create', 'connector.delete']);
  });

  it('needs the CSRF token for changes', async () => {
    const res = await fetch(`${server.url}/api/connectors`, {
      method: 'POST',
      headers: { cookie: admin.cookie, 'content-type': 'application/json' },
      body: JSON.stringify(imanage()),
    });
    expect(res.status).toBe(403);
    expect(logs.text()).not.toContain(secret);
  });
});

describe('iManage Cloud without operator settings', () => {
  it('says clearly that it is not configured', async () => {
    const bare = await startTestServer();
    try {
      const who = await signIn(bare.lexbridge, { roles: ['ConnectorAdmin'] });
      const { types } = (await (
        await fetch(`${bare.url}/api/connector-types`, { headers: { cookie: who.cookie } })
      ).json()) as { types: ConnectorType[] };
      expect(types.find((t) => t.type === 'imanage-cloud')).toMatchObject({
        available: false,
        unavailableReason: expect.stringContaining('LEXBRIDGE_IMANAGE_CLOUD_CLIENT_ID'),
      });
      expect(types.find((t) => t.type === 'local-folder')).toMatchObject({
        available: false,
        unavailableReason: expect.stringContaining('LEXBRIDGE_LOCAL_FOLDER_ROOTS'),
      });
      const res = await fetch(`${bare.url}/api/connectors`, {
        method: 'POST',
        headers: { ...who.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'imanage-cloud', name: 'Cloud', config: {} }),
      });
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({ error: { code: 'connector_type_not_configured' } });
      const local = await fetch(`${bare.url}/api/connectors`, {
        method: 'POST',
        headers: { ...who.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'local-folder', name: 'L', config: { path: '/tmp' } }),
      });
      expect(await local.json()).toMatchObject({
        error: {
          code: 'local_folder_root_not_allowed',
          message: expect.stringContaining('LEXBRIDGE_LOCAL_FOLDER_ROOTS'),
        },
      });
    } finally {
      await bare.close();
    }
  });
});
