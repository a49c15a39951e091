import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FirmNotifications, MyNotifications } from '@lexbridge/contracts';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expireConnection } from '../../src/authorisation/connections.ts';
import {
  dispatchJobName,
  dispatchNotifications,
  emailJobName,
  webhookJobName,
} from '../../src/notifications/dispatch.ts';
import { notify } from '../../src/notifications/notify.ts';
import {
  deliverWebhook,
  signatureHeader,
  signBody,
  type WebhookBody,
} from '../../src/notifications/webhook.ts';
import { connections, notificationSettings, notifications } from '../../src/store/schema.ts';
import { apiCaller } from '../support/api.ts';
import { type SignedIn, signIn, startTestServer, type TestServer } from '../support/lexbridge.ts';
import { createAndRun, createLocalConnector, createRoot, runNow, writeTree } from '../workflows/helpers.ts';
import {
  type MailTrap,
  startMailTrap,
  startWebhookReceiver,
  type WebhookReceiver,
  waitFor,
} from './receivers.ts';

let server: TestServer;
let mail: MailTrap;
let hook: WebhookReceiver;
let root: string;
let owner: SignedIn;
let admin: SignedIn;
const webhookSecret = 'a-signing-secret-of-some-length';

beforeAll(async () => {
  [mail, hook, root] = await Promise.all([startMailTrap(), startWebhookReceiver(), createRoot()]);
  server = await startTestServer({
    env: {
      LEXBRIDGE_LOCAL_FOLDER_ROOTS: root,
      LEXBRIDGE_SMTP_URL: mail.url,
      LEXBRIDGE_SMTP_FROM: 'Lexbridge <lexbridge@firm.test>',
    },
  });
  // Dispatch is driven by the test (with its own clock); deliveries run on the real queue.
  await server.lexbridge.queue.boss.unschedule(dispatchJobName);
  await server.lexbridge.queue.startWorkers(server.lexbridge);
  owner = await signIn(server.lexbridge, { roles: ['User'], email: 'owner@firm.test' });
  admin = await signIn(server.lexbridge, { roles: ['Admin'], email: 'admin@firm.test' });
});
afterAll(async () => {
  await server?.close();
  await Promise.all([mail?.close(), hook?.close(), root && rm(root, { recursive: true, force: true })]);
});

const call = apiCaller(() => server.url);

/** A One-way sync whose next run finishes with one failure (a folder stands where a file must go). */
async function workflowThatFails(name: string) {
  const source = await createLocalConnector(server.lexbridge, root, 'src');
  const target = await createLocalConnector(server.lexbridge, root, 'dst');
  await writeTree(source.path, { 'a.txt': 'a' });
  const { workflow } = await createAndRun(server.lexbridge, owner, {
    name,
    type: 'one_way_sync',
    source: { connectorId: source.id, id: '' },
    target: { connectorId: target.id, id: '' },
  });
  await writeTree(source.path, { 'blocked.txt': 'cannot land' });
  await mkdir(join(target.path, 'blocked.txt'));
  return { workflow, source, target };
}

const hour = 60 * 60_000;
let clock = Date.now() + 24 * hour;
/** A dispatch at a time of the test's choosing, well past the digest interval of the previous one. */
function dispatchLater(minutes = 60) {
  clock += minutes * 60_000;
  return dispatchNotifications(server.lexbridge, new Date(clock));
}

describe('notifications', () => {
  it('emails the owner one message for a run that finished with failures, with nothing secret in it', async () => {
    const { workflow } = await workflowThatFails('Matter 1042 sync');
    const { run } = await runNow(server.lexbridge, workflow);
    expect(run.status).toBe('partial');
    const recorded = () =>
      server.lexbridge.store.db
        .select()
        .from(notifications)
        .where(eq(notifications.dedupeKey, `run.failed:${run.id}`));
    expect(await recorded()).toHaveLength(1);
    // A second report of the same run, while the first waits, is the same notice.
    expect(await notify(server.lexbridge.store.db, { type: 'run.failed', runId: run.id })).toBe(0);
    expect(await dispatchLater()).toMatchObject({ emails: 1 });
    await waitFor('the email', () => mail.messages.length === 1);
    const [message] = mail.messages;
    expect(message!.to).toEqual(['owner@firm.test']);
    expect(message!.subject).toBe('Lexbridge: "Matter 1042 sync" finished with 1 failure');
    expect(message!.text).toContain('blocked.txt');
    expect(message!.text).toContain(`/workflows/${workflow.id}/runs/${run.id}`);
    expect(message!.raw).not.toMatch(/smtp:\/\/|lb1\./);
  });

  it('batches what happens within the digest interval into the next email', async () => {
    mail.messages.length = 0;
    const first = await workflowThatFails('Alpha');
    await runNow(server.lexbridge, first.workflow);
    expect(await dispatchLater()).toMatchObject({ emails: 1 });
    const second = await workflowThatFails('Bravo');
    const third = await workflowThatFails('Charlie');
    await runNow(server.lexbridge, second.workflow);
    await runNow(server.lexbridge, third.workflow);
    expect(await dispatchLater(5)).toMatchObject({ emails: 0, deferred: 1 });
    expect(await dispatchLater(11)).toMatchObject({ emails: 1, deferred: 0 });
    await waitFor('two emails', () => mail.messages.length === 2);
    expect(mail.messages[0]!.subject).toContain('"Alpha"');
    expect(mail.messages[1]!.subject).toBe('Lexbridge: 2 things need your attention');
    expect(mail.messages[1]!.text).toMatch(/"Bravo"[\s\S]*"Charlie"/);
  });

  it('tells the owner of an expired connection to re-authorise, naming the workflows it paused', async () => {
    mail.messages.length = 0;
    const { workflow, source } = await workflowThatFails('Paused by expiry');
    const id = randomUUID();
    await server.lexbridge.store.db
      .insert(connections)
      .values({ id, connectorId: source.id, userId: owner.userId, status: 'authorised' });
    await server.lexbridge.store.db.transaction((tx) =>
      expireConnection(
        tx,
        { id, connectorId: source.id, userId: owner.userId },
        {
          code: 'connection_expired',
          message: 'iManage no longer accepts your authorisation (refresh_token=abc.def.ghi was revoked).',
        },
      ),
    );
    await dispatchLater();
    await waitFor('the email', () => mail.messages.length === 1);
    expect(mail.messages[0]!.subject).toBe('Lexbridge: Re-authorise "src"');
    expect(mail.messages[0]!.text).toContain(`Paused until then: "${workflow.name}"`);
    expect(mail.messages[0]!.raw).not.toContain('abc.def.ghi');
  });

  it('lets a person choose, over the API, not to be emailed about an event; Admins set the default', async () => {
    mail.messages.length = 0;
    const mine = await call<MyNotifications>(owner, 'PUT', '/api/me/notifications', {
      email: { 'run.failed': false },
    });
    expect(mine.status).toBe(200);
    expect(mine.body.events.find((e) => e.type === 'run.failed')).toMatchObject({
      email: false,
      custom: true,
    });
    const firm = await call<FirmNotifications>(admin, 'PUT', '/api/notifications/firm', {
      emailDefaults: { 'workflow.paused': false },
    });
    expect(firm.body.emailDefaults['workflow.paused']).toBe(false);
    expect((await call(owner, 'PUT', '/api/notifications/firm', {})).status).toBe(403);
    const { workflow } = await workflowThatFails('Not wanted');
    await runNow(server.lexbridge, workflow);
    await notify(server.lexbridge.store.db, {
      type: 'workflow.paused',
      workflowId: workflow.id,
      reason: 'Paused.',
    });
    expect(await dispatchLater()).toMatchObject({ emails: 0 });
    const states = await server.lexbridge.store.db
      .select({ state: notifications.emailState })
      .from(notifications)
      .where(eq(notifications.userId, owner.userId));
    expect(states.filter((s) => s.state === 'pending')).toEqual([]);
    await call(owner, 'PUT', '/api/me/notifications', { email: { 'run.failed': null } });
    await call(admin, 'PUT', '/api/notifications/firm', { emailDefaults: { 'workflow.paused': true } });
  });

  it('posts a signed digest to the firm webhook, with the address and secret sealed and never shown', async () => {
    const set = await call<FirmNotifications>(admin, 'PUT', '/api/notifications/firm', {
      webhook: { url: hook.url, secret: webhookSecret },
      webhookEvents: ['run.failed', 'secret.expiring'],
    });
    expect(set.body.webhook).toEqual({
      configured: true,
      origin: new URL(hook.url).origin,
      events: ['run.failed', 'secret.expiring'],
    });
    expect(JSON.stringify(set.body)).not.toContain(webhookSecret);
    const [row] = await server.lexbridge.store.db.select().from(notificationSettings);
    expect(row!.webhook).toMatch(/^lb1\./);
    expect(row!.webhook).not.toContain('/hook');

    const { workflow } = await workflowThatFails('Webhook matter');
    await runNow(server.lexbridge, workflow);
    await signIn(server.lexbridge, { roles: ['ConnectorAdmin'], email: 'connector-admin@firm.test' });
    const { source } = await workflowThatFails('Secret owner');
    await notify(server.lexbridge.store.db, {
      type: 'secret.expiring',
      connectorId: source.id,
      expiresAt: new Date('2031-03-01T00:00:00Z'),
    });
    expect(await dispatchLater()).toMatchObject({ webhooks: 1 });
    await waitFor('the webhook', () => hook.requests.length === 1);
    const [request] = hook.requests;
    expect(request!.headers[signatureHeader]).toBe(signBody(request!.body, webhookSecret));
    const body = JSON.parse(request!.body) as WebhookBody;
    expect(body.notifications.map((n) => n.type)).toEqual(['run.failed', 'secret.expiring']);
    expect(body.text).toContain('"Webhook matter" finished with 1 failure');
    expect(body.text).toContain('The client secret of "src" expires 2031-03-01 00:00 UTC');
  });

  it('retries a webhook delivery the receiver refused, through the job queue', async () => {
    hook.requests.length = 0;
    hook.failNext = 2;
    const { workflow } = await workflowThatFails('Retried');
    const { run } = await runNow(server.lexbridge, workflow);
    const [notice] = await server.lexbridge.store.db
      .update(notifications)
      .set({ webhookState: 'queued' })
      .where(eq(notifications.dedupeKey, `run.failed:${run.id}`))
      .returning();
    // The job's own backoff starts at 30 s; the same job with 1 s delays shows the retries.
    await server.lexbridge.queue.send(
      webhookJobName,
      { ids: [notice!.id] },
      { retryDelay: 1, retryDelayMax: 1 },
    );
    await waitFor('three attempts', () => hook.requests.length === 3, 30_000);
    await waitFor('the notice marked sent', async () => {
      const [after] = await server.lexbridge.store.db
        .select()
        .from(notifications)
        .where(eq(notifications.id, notice!.id));
      return after?.webhookState === 'sent';
    });
  });

  it('retries an email the mail server put off, through the job queue', async () => {
    mail.messages.length = 0;
    mail.rejectNext = 2;
    const { workflow } = await workflowThatFails('Mail retried');
    const { run } = await runNow(server.lexbridge, workflow);
    const [notice] = await server.lexbridge.store.db
      .update(notifications)
      .set({ emailState: 'queued' })
      .where(eq(notifications.dedupeKey, `run.failed:${run.id}`))
      .returning();
    await server.lexbridge.queue.send(
      emailJobName,
      { userId: owner.userId, ids: [notice?.id ?? ''] },
      { retryDelay: 1, retryDelayMax: 1 },
    );
    await waitFor('the email after two refusals', () => mail.messages.length === 1, 30_000);
    expect(mail.rejected).toBe(2);
    expect(mail.messages[0]?.subject).toBe('Lexbridge: "Mail retried" finished with 1 failure');
  });

  it('refuses a webhook that is not https, or a short secret', async () => {
    for (const webhook of [
      { url: 'http://hooks.example.com/x', secret: webhookSecret },
      { url: 'https://hooks.example.com/x', secret: 'short' },
    ]) {
      const res = await call<{ error: { code: string } }>(admin, 'PUT', '/api/notifications/firm', {
        webhook,
      });
      expect(res.status).toBe(400);
    }
  });

  it('posts to the webhook only at an address the operator allows, at save and at delivery', async () => {
    const config = server.lexbridge.config;
    const set = (url: string) =>
      call<{ error?: { code: string } }>(admin, 'PUT', '/api/notifications/firm', {
        webhook: { url, secret: webhookSecret },
        webhookEvents: ['run.failed'],
      });
    // Saved while loopback is allowed (as on this test server), then the operator turns it off.
    expect((await set(hook.url)).status).toBe(200);
    const { workflow } = await workflowThatFails('Webhook refused');
    const { run } = await runNow(server.lexbridge, workflow);
    const [notice] = await server.lexbridge.store.db
      .select()
      .from(notifications)
      .where(eq(notifications.dedupeKey, `run.failed:${run.id}`));
    hook.requests.length = 0;
    config.allowPrivateAddresses = false;
    try {
      for (const url of [hook.url, 'https://127.0.0.1:9/hook', 'https://169.254.169.254/latest']) {
        const refused = await set(url);
        expect(refused.status, url).toBe(400);
        expect(refused.body.error?.code).toBe('connector_address_not_allowed');
      }
      await expect(deliverWebhook(server.lexbridge, { ids: [notice!.id] })).rejects.toMatchObject({
        code: 'connector_address_not_allowed',
      });
      expect(hook.requests).toHaveLength(0);
    } finally {
      config.allowPrivateAddresses = true;
    }
  });
});
