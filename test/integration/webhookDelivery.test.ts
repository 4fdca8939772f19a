import { buildDeps } from '../../src/deps.js';
import { systemActor } from '../../src/identity/actor.js';
import { EVENT_TYPES, emitEvent, type EventType } from '../../src/identity/events.js';
import { createOidcClient } from '../../src/identity/oidcClients.js';
import { createOrganization } from '../../src/identity/organizations.js';
import { claimDueDeliveries, claimDurationMs, fanOutEvents } from '../../src/identity/webhooks/deliveries.js';
import { listWebhookDeliveries, resendWebhookDelivery, sweepWebhookDeliveries } from '../../src/identity/webhooks/deliveryLog.js';
import { createWebhook, getWebhook, rotateWebhookSecret } from '../../src/identity/webhooks/subscriptions.js';
import { HOUR, MINUTE } from '../../src/lib/clock.js';
import { parseEncryptionKey } from '../../src/lib/crypto.js';
import { createLogger } from '../../src/lib/logger.js';
import { createAccount } from '../../src/identity/accounts/create.js';
import { createPlatformAdmin } from '../../src/identity/accounts/platformAdmins.js';
import { deactivateAccount } from '../../src/identity/accounts/status.js';
import { openTestDeps, testOperator, type TestDeps } from '../helpers/db.js';
import { TEST_ENCRYPTION_KEY, TEST_SESSION_SECRET } from '../helpers/settings.js';
import { verifyWebhook, WebhookReceiver, type ReceivedWebhook } from '../helpers/webhookReceiver.js';

/**
 * Webhook delivery against a real receiver on loopback: signed per Standard Webhooks (verified with the
 * `standardwebhooks` package), only committed events, retries with the clock moved instead of waited for, in order per
 * user, claims in the database (two dispatchers on one database; an instance that died mid-delivery), the circuit,
 * giving up (flag and one email), "send again", and secret rotation.
 */
describe('webhook delivery', () => {
  let deps: TestDeps;
  let receiver: WebhookReceiver;
  let clientId = '';
  let river = '';

  beforeAll(async () => {
    // One request at a time per instance, so that the circuit's count of consecutive failures is deterministic.
    deps = await openTestDeps({ overrides: { webhooks: { concurrency: 1 } } });
    receiver = await new WebhookReceiver().start();
    clientId = (await createOidcClient(deps.ctx, testOperator, { name: 'River portal', redirectUris: ['https://portal.river.example/cb'] })).clientId;
    river = (await createOrganization(deps.ctx, testOperator, { kind: 'utility', name: 'River Water', slug: 'river' })).id;
  });
  afterAll(async () => {
    await deps.close();
    await receiver.stop();
  });

  beforeEach(async () => {
    // Each case starts with no subscription and a receiver that has seen nothing and accepts everything.
    await deps.db.models.WebhookDelivery.destroy({ where: {} });
    await deps.db.models.WebhookSubscription.destroy({ where: {} });
    receiver.received.length = 0;
    receiver.failNext(0);
    receiver.delayMs = 0;
  });

  /** Commits one transaction emitting these events (as a domain command would). */
  async function emit(...events: Array<{ type: EventType; userId?: string; organizationIds?: string[] }>): Promise<void> {
    const { ctx } = deps;
    await ctx.db.tx(async (t) => {
      for (const event of events) emitEvent(ctx, t, systemActor, { type: event.type, organizationIds: event.organizationIds ?? [river], userId: event.userId ?? null, data: { note: `${event.type} of ${event.userId ?? 'nobody'}` } });
    });
  }

  const subscribe = (input: Partial<Parameters<typeof createWebhook>[2]> = {}) => createWebhook(deps.ctx, testOperator, { client: clientId, url: receiver.url, ...input });
  const positionsOf = (requests: ReceivedWebhook[]) => requests.map((r) => r.payload.data.position);

  it('delivers every event type, signed so that the standardwebhooks package verifies it', async () => {
    const { secret } = await subscribe();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    for (const type of EVENT_TYPES) await emit({ type, userId: `user-${type}` });
    expect(await deps.webhooks.drain()).toBe(EVENT_TYPES.length);

    expect(receiver.received.map((r) => r.payload.type).sort()).toEqual([...EVENT_TYPES].sort());
    for (const request of receiver.received) {
      expect(verifyWebhook(secret, request, deps.clock)).toEqual(request.payload);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['webhook-id']).toBe(request.payload.id);
      expect(request.headers['webhook-timestamp']).toBe(String(Math.floor(deps.clock.now().getTime() / 1000)));
      expect(request.payload).toEqual({ id: request.payload.data.id, type: request.payload.data.type, timestamp: expect.any(String), data: expect.objectContaining({ organizationIds: [river], actor: { kind: 'system', id: null } }) });
    }
    // A signature made with another secret, or over another body, does not verify.
    const [first] = receiver.received;
    expect(() => verifyWebhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, first!, deps.clock)).toThrow('No matching signature found');
    expect(() => verifyWebhook(secret, { ...first!, body: first!.body.replace('"type"', '"typ\\u0065"') }, deps.clock)).toThrow('No matching signature found');
  });

  it("tells an organization's portal that a user was deactivated, from the domain command itself", async () => {
    const { secret } = await createWebhook(deps.ctx, testOperator, { organization: 'river', url: receiver.url, eventTypes: ['user.created', 'user.deactivated'] });
    const user = await createAccount(deps.ctx, testOperator, { directory: 'local', attributes: { userName: 'leaver@river.example', emails: [{ value: 'leaver@river.example' }] }, memberships: [{ organization: 'river', role: 'viewer' }] });
    await deactivateAccount(deps.ctx, testOperator, user.id);
    await deps.webhooks.drain();
    expect(receiver.received.map((r) => [r.payload.type, r.payload.data.userId])).toEqual([['user.created', user.id], ['user.deactivated', user.id]]);
    for (const request of receiver.received) expect(verifyWebhook(secret, request, deps.clock)).toEqual(request.payload);
  });

  it('never sends an event whose change rolled back, and sends only the types and organizations asked for', async () => {
    const lake = (await createOrganization(deps.ctx, testOperator, { kind: 'utility', name: 'Lake Water', slug: `lake-${Date.now()}` })).id;
    await subscribe({ eventTypes: ['user.deactivated'], organizations: ['river'] });
    await expect(
      deps.db.tx(async (t) => {
        emitEvent(deps.ctx, t, systemActor, { type: 'user.deactivated', organizationIds: [river], userId: 'rolled-back', data: {} });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await emit({ type: 'user.deactivated', userId: 'kept' }, { type: 'user.updated', userId: 'kept' }, { type: 'user.deactivated', userId: 'lake-user', organizationIds: [lake] });
    await deps.webhooks.drain();
    expect(receiver.received.map((r) => [r.payload.type, r.payload.data.userId])).toEqual([['user.deactivated', 'kept']]);
  });

  it('retries a receiver that fails 5 times, pausing it, until it has every event, in order per user', async () => {
    const { id } = await subscribe();
    receiver.failNext(5);
    // Interleaved events of three users, over three transactions.
    await emit({ type: 'user.created', userId: 'ana' }, { type: 'user.created', userId: 'bea' });
    await emit({ type: 'membership.added', userId: 'ana' }, { type: 'user.updated', userId: 'bea' }, { type: 'user.created', userId: 'cy' });
    await emit({ type: 'user.deactivated', userId: 'ana' }, { type: 'user.deleted', userId: 'bea' });
    const expected = (await deps.db.models.EventRecord.findAll({ order: [['position', 'ASC']] })).slice(-7);

    let pausedSeen = false;
    for (let round = 0; round < 40 && receiver.accepted().length < expected.length; round++) {
      await deps.webhooks.runOnce();
      const view = await getWebhook(deps.ctx, testOperator, id);
      if (view.state === 'paused') {
        pausedSeen = true;
        // Paused deliveries wait: another round now sends nothing.
        const before = receiver.received.length;
        await deps.webhooks.runOnce();
        expect(receiver.received.length).toBe(before);
        expect((await listWebhookDeliveries(deps.ctx, testOperator, id)).deliveries.every((d) => d.status !== 'failed')).toBe(true);
      }
      deps.clock.advance(5 * MINUTE + 1000);
    }
    expect(pausedSeen).toBe(true);
    expect(receiver.received.filter((r) => r.status === 503)).toHaveLength(5);
    expect(receiver.accepted().map((r) => r.payload.id).sort()).toEqual(expected.map((e) => e.id).sort());
    // Each user's events were tried, and accepted, in their order: a later one never before an earlier one succeeded.
    for (const user of ['ana', 'bea', 'cy']) {
      const tried = positionsOf(receiver.received.filter((r) => r.payload.data.userId === user));
      expect(tried).toEqual([...tried].sort((a, b) => a - b));
      expect(positionsOf(receiver.accepted().filter((r) => r.payload.data.userId === user))).toEqual(expected.filter((e) => e.userId === user).map((e) => e.position));
    }
    const log = (await listWebhookDeliveries(deps.ctx, testOperator, id)).deliveries;
    expect(log.every((d) => d.status === 'delivered' && d.lastStatusCode === 200 && d.responseExcerpt === 'ok')).toBe(true);
    expect(log.reduce((sum, d) => sum + d.attempts, 0)).toBe(expected.length + 5);
    expect(await getWebhook(deps.ctx, testOperator, id)).toMatchObject({ state: 'active', consecutiveFailures: 0, failingSince: null });
  });

  it('delivers each event once per attempt with two instances on one database sending at the same time', async () => {
    await subscribe();
    const second = buildDeps(deps.settings, { clock: deps.clock, logger: createLogger({ level: 'silent' }), secrets: { sessionSecret: TEST_SESSION_SECRET, dataEncryptionKey: parseEncryptionKey(TEST_ENCRYPTION_KEY), generated: false } });
    try {
      receiver.delayMs = 15;
      for (let i = 0; i < 8; i++) await emit(...Array.from({ length: 5 }, (_, j) => ({ type: 'user.updated' as const, userId: `person-${i}-${j}` })));
      const run = async (dispatcher: typeof deps.webhooks) => {
        for (let round = 0; round < 30 && receiver.received.length < 40; round++) await dispatcher.round();
      };
      await Promise.all([run(deps.webhooks), run(second.webhooks)]);
      const ids = receiver.received.map((r) => r.payload.id);
      expect(ids).toHaveLength(40);
      expect(new Set(ids).size).toBe(40);
      expect(await deps.db.models.WebhookDelivery.count({ where: { status: 'delivered' } })).toBe(40);
    } finally {
      await second.close();
    }
  });

  it("retries a delivery whose instance died holding its claim once the claim expires, and not before", async () => {
    const { id } = await subscribe();
    await emit({ type: 'user.locked', userId: 'dee' });
    expect(await fanOutEvents(deps.ctx)).toBe(1);
    // An instance claims it and dies before sending (kill -9): the claim is left in the database.
    const [claimed] = await claimDueDeliveries(deps.ctx);
    expect(claimed).toBeDefined();
    expect(await deps.webhooks.runOnce()).toBe(0);
    deps.clock.advance(claimDurationMs(deps.ctx) - 1000);
    expect(await deps.webhooks.runOnce()).toBe(0);
    expect(receiver.received).toHaveLength(0);
    deps.clock.advance(1000);
    expect(await deps.webhooks.runOnce()).toBe(1);
    expect(receiver.received.map((r) => r.payload.data.userId)).toEqual(['dee']);
    // The dead instance's late outcome does not overwrite the delivery it no longer holds.
    const { recordDeliveryOutcome } = await import('../../src/identity/webhooks/outcomes.js');
    expect(await recordDeliveryOutcome(deps.ctx, claimed!, { statusCode: 500, durationMs: 1, excerpt: null, error: null })).toBe('lost');
    expect((await listWebhookDeliveries(deps.ctx, testOperator, id)).deliveries[0]).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('gives a delivery up after retrying for 24 hours: flags the subscription, emails its administrators once, and sends it again on request', async () => {
    await createPlatformAdmin(deps.ctx, testOperator, { email: `root.${Date.now()}@platform.example`, name: 'Root' });
    await deps.mail.drain();
    const admins = await deps.db.models.User.findAll({ where: { isPlatformAdmin: true } });
    await deps.db.models.User.update({ status: 'ACTIVE' }, { where: { isPlatformAdmin: true } });
    expect(admins.length).toBeGreaterThan(0);
    const mailsBefore = await deps.db.models.MailMessage.count({ where: { template: 'webhook_failed' } });
    const { id } = await subscribe({ description: 'River portal sync' });
    receiver.failNext(1000);
    receiver.answerBody = 'x'.repeat(1000);
    await emit({ type: 'user.deactivated', userId: 'eve' });
    const started = deps.clock.now().getTime();
    let rounds = 0;
    while ((await listWebhookDeliveries(deps.ctx, testOperator, id)).deliveries[0]?.status !== 'failed' && rounds++ < 200) {
      await deps.webhooks.runOnce();
      deps.clock.advance(HOUR);
    }
    const [failed] = (await listWebhookDeliveries(deps.ctx, testOperator, id)).deliveries;
    expect(failed).toMatchObject({ status: 'failed', lastStatusCode: 503, lastError: 'the receiver answered 503' });
    expect(failed!.responseExcerpt!.length).toBe(200);
    expect(new Date(failed!.lastAttemptAt!).getTime() - started).toBeGreaterThanOrEqual(24 * HOUR);
    expect(failed!.attempts).toBeGreaterThanOrEqual(8);
    const view = await getWebhook(deps.ctx, testOperator, id);
    expect(view.failingSince).not.toBeNull();
    const mails = await deps.db.models.MailMessage.findAll({ where: { template: 'webhook_failed' } });
    expect(mails.length - mailsBefore).toBe(admins.length);

    // A second delivery given up while the subscription is still flagged emails nobody again.
    await emit({ type: 'user.deactivated', userId: 'fay' });
    for (let i = 0; i < 200 && (await deps.db.models.WebhookDelivery.count({ where: { subscriptionId: id, status: 'failed' } })) < 2; i++) {
      await deps.webhooks.runOnce();
      deps.clock.advance(HOUR);
    }
    expect(await deps.db.models.MailMessage.count({ where: { template: 'webhook_failed' } })).toBe(mails.length);

    // The endpoint is fixed: "send again" delivers it, and the flag clears.
    receiver.failNext(0);
    receiver.received.length = 0;
    deps.clock.advance(HOUR);
    expect(await resendWebhookDelivery(deps.ctx, testOperator, id, failed!.id)).toMatchObject({ status: 'pending', attempts: 0 });
    await deps.webhooks.drain();
    expect(receiver.received.map((r) => r.payload.data.userId)).toEqual(['eve']);
    expect(await getWebhook(deps.ctx, testOperator, id)).toMatchObject({ failingSince: null, state: 'active' });
    receiver.answerBody = 'ok';
  });

  it("forgets finished deliveries once the log's retention has passed, and keeps pending ones", async () => {
    const { id } = await subscribe();
    await emit({ type: 'user.updated', userId: 'hal' });
    await deps.webhooks.drain();
    receiver.failNext(1);
    await emit({ type: 'user.updated', userId: 'ivy' });
    await deps.webhooks.drain();
    deps.clock.advance(30 * 24 * HOUR + 1000);
    expect(await sweepWebhookDeliveries(deps.ctx)).toBe(1);
    expect((await listWebhookDeliveries(deps.ctx, testOperator, id)).deliveries.map((d) => d.status)).toEqual(['pending']);
  });

  it('signs with both secrets during a rotation, and only with the new one after its grace period', async () => {
    const created = await subscribe();
    const rotated = await rotateWebhookSecret(deps.ctx, testOperator, created.id);
    expect(rotated.secret).not.toBe(created.secret);
    expect(rotated.previousSecretValidUntil).toBe(new Date(deps.clock.now().getTime() + 24 * HOUR).toISOString());
    await emit({ type: 'user.updated', userId: 'gus' });
    await deps.webhooks.drain();
    const during = receiver.received.at(-1)!;
    expect(String(during.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyWebhook(created.secret, during, deps.clock)).toEqual(during.payload);
    expect(verifyWebhook(rotated.secret, during, deps.clock)).toEqual(during.payload);

    deps.clock.advance(24 * HOUR);
    await emit({ type: 'user.updated', userId: 'gus' });
    await deps.webhooks.drain();
    const after = receiver.received.at(-1)!;
    expect(String(after.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verifyWebhook(rotated.secret, after, deps.clock)).toEqual(after.payload);
    expect(() => verifyWebhook(created.secret, after, deps.clock)).toThrow('No matching signature found');
    expect((await getWebhook(deps.ctx, testOperator, created.id)).previousSecretValidUntil).toBeNull();
  });
});
