import request from 'supertest';
import { runCli } from '../../src/cli/run.js';
import { systemActor } from '../../src/identity/actor.js';
import { emitEvent } from '../../src/identity/events.js';
import { createOidcClient } from '../../src/identity/oidcClients.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { organizationAdmin, platformAdmin } from '../helpers/admins.js';
import { openTestApp, type TestApp } from '../helpers/app.js';
import { testOperator } from '../helpers/db.js';
import { verifyWebhook, WebhookReceiver } from '../helpers/webhookReceiver.js';

const API = '/api/admin/v1';

/**
 * Webhook subscriptions through the admin API and the CLI: who manages which (a platform administrator every one, an
 * organization's administrator only its organization's), the address rules, the secret shown once, rotation, the
 * delivery log and "send again".
 */
describe('webhooks in the admin API', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let root: Awaited<ReturnType<typeof platformAdmin>>;
  let acmeAdmin: Awaited<ReturnType<typeof organizationAdmin>>;
  let clientId = '';
  let acmeId = '';

  const as = (token: string) => ({
    get: (url: string) => request(t.app).get(`${API}${url}`).set('Authorization', `Bearer ${token}`),
    post: (url: string, body: object = {}) => request(t.app).post(`${API}${url}`).set('Authorization', `Bearer ${token}`).send(body),
    patch: (url: string, body: object) => request(t.app).patch(`${API}${url}`).set('Authorization', `Bearer ${token}`).send(body),
    delete: (url: string) => request(t.app).delete(`${API}${url}`).set('Authorization', `Bearer ${token}`),
  });

  beforeAll(async () => {
    t = await openTestApp();
    receiver = await new WebhookReceiver().start();
    const ctx = t.deps.ctx;
    acmeId = (await createOrganization(ctx, testOperator, { kind: 'customer', name: 'Acme', slug: 'acme' })).id;
    await createOrganization(ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' });
    clientId = (await createOidcClient(ctx, testOperator, { name: 'Customer portal', redirectUris: ['https://portal.example.com/cb'] })).clientId;
    root = await platformAdmin(ctx);
    acmeAdmin = await organizationAdmin(ctx, t.mailbox, t.deliver, 'acme', 'full-access');
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  it('creates a subscription whose secret is shown once, then only hinted at', async () => {
    const created = await as(root.token).post('/webhooks', { client: clientId, url: receiver.url, description: 'Portal sync', eventTypes: ['user.deactivated', 'user.deleted'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ owner: { type: 'client', clientId, name: 'Customer portal' }, url: receiver.url, eventTypes: ['user.deactivated', 'user.deleted'], organizations: null, state: 'active', secret: expect.stringMatching(/^whsec_/) });
    expect(created.body.secretHint).toBe(`…${created.body.secret.slice(-4)}`);
    const read = await as(root.token).get(`/webhooks/${created.body.id}`);
    const listed = await as(root.token).get('/webhooks');
    for (const answer of [read, listed]) {
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).not.toContain(created.body.secret);
      expect(JSON.stringify(answer.body)).not.toContain(created.body.secret.slice(6, 20));
    }
    expect(listed.body.webhooks.map((w: { id: string }) => w.id)).toContain(created.body.id);
    expect((await as(root.token).delete(`/webhooks/${created.body.id}`)).status).toBe(204);
    expect((await as(root.token).get(`/webhooks/${created.body.id}`)).status).toBe(404);
  });

  it.each([
    ['ftp://portal.example.com/events', 'webhook.url_scheme'],
    ['javascript:alert(1)', 'webhook.url_scheme'],
    ['https://user:secret@portal.example.com/events', 'webhook.url_credentials'],
    ['https://token@portal.example.com/events', 'webhook.url_credentials'],
    ['http://portal.example.com/events', 'webhook.url_scheme'],
    ['http://10.0.0.5/events', 'webhook.url_scheme'],
    ['portal.example.com/events', 'webhook.url_invalid'],
    ['https://portal.example.com/events#top', 'webhook.url_invalid'],
  ])('refuses the address %s (%s)', async (url, code) => {
    const answer = await as(root.token).post('/webhooks', { organization: 'acme', url });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code, field: 'url' });
  });

  it('accepts https anywhere and http on loopback outside production', async () => {
    for (const url of ['https://portal.example.com/idbridge/events', 'http://localhost:8080/hook', 'http://127.0.0.1:9/hook', 'http://[::1]:9/hook']) {
      const answer = await as(root.token).post('/webhooks', { organization: 'acme', url });
      expect([url, answer.status]).toEqual([url, 201]);
      await as(root.token).delete(`/webhooks/${answer.body.id}`);
    }
  });

  it("lets an organization's administrator manage its organization's webhooks only", async () => {
    const river = await as(root.token).post('/webhooks', { organization: 'river', url: 'https://hooks.river.example/idbridge' });
    const portal = await as(root.token).post('/webhooks', { client: clientId, url: 'https://portal.example.com/events' });
    const acme = await as(acmeAdmin.token).post('/webhooks', { organization: 'acme', url: 'https://hooks.acme.example/idbridge', eventTypes: ['user.created'] });
    expect([river.status, portal.status, acme.status]).toEqual([201, 201, 201]);
    const api = as(acmeAdmin.token);

    expect((await api.get('/webhooks')).body.webhooks.map((w: { id: string }) => w.id)).toEqual([acme.body.id]);
    const rootList = (await as(root.token).get('/webhooks')).body.webhooks.map((w: { id: string }) => w.id);
    expect(rootList).toEqual(expect.arrayContaining([river.body.id, portal.body.id, acme.body.id]));
    // Another organization's webhook and a portal application's are "not found", whatever is asked of them.
    for (const other of [river.body.id, portal.body.id]) {
      expect((await api.get(`/webhooks/${other}`)).status).toBe(404);
      expect((await api.patch(`/webhooks/${other}`, { url: 'https://evil.example/steal' })).status).toBe(404);
      expect((await api.post(`/webhooks/${other}/rotate-secret`)).status).toBe(404);
      expect((await api.get(`/webhooks/${other}/deliveries`)).status).toBe(404);
      expect((await api.delete(`/webhooks/${other}`)).status).toBe(404);
    }
    expect((await api.get('/webhooks?organization=river')).status).toBe(404);
    expect((await api.get(`/webhooks?client=${clientId}`)).status).toBe(404);
    expect((await api.post('/webhooks', { organization: 'river', url: 'https://evil.example/hook' })).status).toBe(404);
    expect((await api.post('/webhooks', { client: clientId, url: 'https://evil.example/hook' })).status).toBe(404);
    expect((await as(root.token).get(`/webhooks/${river.body.id}`)).body.url).toBe('https://hooks.river.example/idbridge');

    // Its own: changed, rotated, deleted.
    const changed = await api.patch(`/webhooks/${acme.body.id}`, { eventTypes: 'all', enabled: false });
    expect(changed.body).toMatchObject({ eventTypes: 'all', enabled: false, state: 'disabled' });
    expect((await api.patch(`/webhooks/${acme.body.id}`, { organizations: ['river'] })).body.error.code).toBe('webhook.invalid');
    const rotated = await api.post(`/webhooks/${acme.body.id}/rotate-secret`, { graceHours: 2 });
    expect(rotated.body).toMatchObject({ secret: expect.stringMatching(/^whsec_/), previousSecretValidUntil: new Date(t.deps.clock.now().getTime() + 2 * 3_600_000).toISOString() });
    expect((await api.delete(`/webhooks/${acme.body.id}`)).status).toBe(204);
    await as(root.token).delete(`/webhooks/${river.body.id}`);
    await as(root.token).delete(`/webhooks/${portal.body.id}`);
  });

  it('refuses unknown event types, and a subscription with no owner or two', async () => {
    expect((await as(root.token).post('/webhooks', { organization: 'acme', url: receiver.url, eventTypes: ['user.exploded'] })).body.error).toMatchObject({ code: 'webhook.invalid', field: 'eventTypes.0' });
    expect((await as(root.token).post('/webhooks', { organization: 'acme', url: receiver.url, eventTypes: [] })).body.error.code).toBe('webhook.invalid');
    expect((await as(root.token).post('/webhooks', { url: receiver.url })).body.error.code).toBe('webhook.owner_required');
    expect((await as(root.token).post('/webhooks', { organization: 'acme', client: clientId, url: receiver.url })).body.error.code).toBe('webhook.owner_required');
  });

  it("shows an organization's delivery log, and sends a delivery again", async () => {
    const created = await as(acmeAdmin.token).post('/webhooks', { organization: 'acme', url: receiver.url });
    const { ctx } = t.deps;
    await ctx.db.tx(async (tx) => emitEvent(ctx, tx, systemActor, { type: 'user.deactivated', organizationIds: [acmeId], userId: 'leaver', data: { status: 'INACTIVE' } }));
    receiver.answerBody = `accepted ${'.'.repeat(400)}`;
    expect(await t.deps.webhooks.drain()).toBe(1);
    const log = await as(acmeAdmin.token).get(`/webhooks/${created.body.id}/deliveries`);
    expect(log.status).toBe(200);
    const [delivery] = log.body.deliveries;
    expect(delivery).toMatchObject({ event: { type: 'user.deactivated' }, status: 'delivered', attempts: 1, lastStatusCode: 200, lastDurationMs: expect.any(Number), lastError: null });
    expect(delivery.responseExcerpt).toBe(receiver.answerBody.slice(0, 200));
    expect(verifyWebhook(created.body.secret, receiver.received.at(-1)!, t.deps.clock)).toMatchObject({ type: 'user.deactivated', data: { userId: 'leaver' } });

    const again = await as(acmeAdmin.token).post(`/webhooks/${created.body.id}/deliveries/${delivery.id}/send-again`);
    expect(again.body).toMatchObject({ id: delivery.id, status: 'pending', attempts: 0 });
    await t.deps.webhooks.drain();
    expect(receiver.received.filter((r) => r.payload.data.userId === 'leaver')).toHaveLength(2);
    expect((await as(acmeAdmin.token).get(`/webhooks/${created.body.id}/deliveries?status=failed`)).body.deliveries).toEqual([]);
    receiver.answerBody = 'ok';
  });

  it('manages webhooks from the CLI: create (secret printed once), list, rotate, deliveries, delete', async () => {
    const cli = async (...argv: string[]) => {
      const outcome = await runCli([...argv, '--json'], t.deps.env);
      expect(outcome).toMatchObject({ code: 0 });
      return JSON.parse(outcome.stdout as string);
    };
    const created = await cli('webhook', 'create', '--client', clientId, '--filter-org', 'river', '--url', 'https://portal.example.com/events', '--event', 'user.created', '--event', 'user.deleted');
    expect(created).toMatchObject({ owner: { type: 'client', clientId }, organizations: [{ slug: 'river' }], eventTypes: ['user.created', 'user.deleted'], secret: expect.stringMatching(/^whsec_/) });
    const text = await runCli(['webhook', 'list'], t.deps.env);
    expect(text.stdout).toMatch(new RegExp(`${created.id}\\s+client ${clientId}\\s+active`));
    expect(text.stdout).not.toContain(created.secret);
    const rotated = await cli('webhook', 'rotate', '--id', created.id, '--grace-hours', '0');
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.previousSecretValidUntil).toBeNull();
    expect(await cli('webhook', 'deliveries', '--id', created.id)).toEqual({ deliveries: [], next: null });
    expect(await cli('webhook', 'delete', '--id', created.id)).toEqual({ deleted: created.id });
    const refused = await runCli(['webhook', 'create', '--org', 'acme', '--url', 'http://portal.example.com/x', '--json'], t.deps.env);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr as string).error.code).toBe('webhook.url_scheme');
  });
});
