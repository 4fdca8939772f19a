import { z } from 'zod';
import { Op } from 'sequelize';
import type { WebhookSubscription } from '../../db/models/WebhookSubscription.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { invalid, notFound } from '../errors.js';
import { EVENT_TYPES, lastEventPosition, type EventType } from '../events.js';
import { findOrganization } from '../organizations.js';
import { authorize, organizationScopeFor } from '../policy/index.js';
import type { Principal } from '../principal.js';
import { parseInput } from '../validation.js';
import { generateSigningSecret } from './signing.js';
import { presentWebhook, presentWebhooks, secretAad, type WebhookSubscriptionView, type WebhookSubscriptionWithSecret } from './subscriptionView.js';
import { checkWebhookUrl } from './urls.js';

const eventTypesSchema = z
  .union([z.literal('all'), z.array(z.string()).min(1, 'give at least one event type, or "all"')], { message: 'must be "all" or a list of event types' })
  .superRefine((value, issue) => {
    if (value === 'all') return;
    value.forEach((type, i) => {
      if (!(EVENT_TYPES as readonly string[]).includes(type)) issue.addIssue({ code: 'custom', path: [i], message: `"${type}" is not an event type; the types are ${EVENT_TYPES.join(', ')}` });
    });
  })
  .transform((value) => (value === 'all' ? 'all' : (value as EventType[])));

const createSchema = z
  .object({
    /** The portal application (client_id) whose subscription it is… */
    client: z.string().trim().min(1).optional(),
    /** …or the organization (slug or id). */
    organization: z.string().trim().min(1).optional(),
    url: z.string(),
    description: z.string().trim().max(200, 'must be 200 characters or fewer').default(''),
    eventTypes: eventTypesSchema.default('all'),
    /** A portal application's subscription limited to these organizations' events (slugs or ids). */
    organizations: z.array(z.string().trim().min(1)).min(1, 'give at least one organization, or leave it out for every organization').optional(),
    enabled: z.boolean().default(true),
  })
  .strict();

const updateSchema = z
  .object({
    url: z.string().optional(),
    description: z.string().trim().max(200, 'must be 200 characters or fewer').optional(),
    eventTypes: eventTypesSchema.optional(),
    organizations: z.array(z.string().trim().min(1)).min(1, 'give at least one organization, or null for every organization').nullable().optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export type CreateWebhookInput = z.input<typeof createSchema>;
export type UpdateWebhookInput = z.input<typeof updateSchema>;

async function organizationIds(ctx: DomainContext, references: readonly string[]): Promise<string[]> {
  return [...new Set(await Promise.all(references.map(async (ref) => (await findOrganization(ctx, ref)).id)))];
}

/**
 * A subscription the principal may manage, or "not found": an organization administrator sees its organizations'
 * subscriptions only, never a portal application's (those are the platform's).
 */
export async function findWebhook(ctx: DomainContext, principal: Principal, id: string): Promise<WebhookSubscription> {
  const subscription = await ctx.db.models.WebhookSubscription.findByPk(id, { transaction: ctx.db.current() });
  if (!subscription) {
    // Asked first, so that a principal who may manage no webhook at all is told so rather than "not found".
    organizationScopeFor(principal, 'webhook.manage');
    throw notFound('webhook');
  }
  await authorize(ctx, principal, 'webhook.manage', { type: 'webhook', organizationId: subscription.organizationId });
  return subscription;
}

/**
 * Subscribes a portal application (an OpenID Connect client: the platform's) or an organization to events. The
 * signing secret is in the result only; it is kept encrypted. Events committed from now on are delivered.
 */
export async function createWebhook(ctx: DomainContext, principal: Principal, input: CreateWebhookInput): Promise<WebhookSubscriptionWithSecret> {
  organizationScopeFor(principal, 'webhook.manage');
  const data = parseInput(createSchema, input, 'webhook.invalid');
  if (Boolean(data.client) === Boolean(data.organization)) throw invalid('webhook.owner_required', 'Give either the portal application (client) or the organization whose webhook it is.', data.client ? 'organization' : 'client');
  return ctx.db.tx(async (t) => {
    let organizationId: string | null = null;
    let clientId: string | null = null;
    if (data.organization) {
      organizationId = (await findOrganization(ctx, data.organization)).id;
      await authorize(ctx, principal, 'webhook.manage', { type: 'webhook', organizationId });
      if (data.organizations) throw invalid('webhook.invalid', "organizations: only a portal application's webhook is limited to organizations; an organization's receives its own events.", 'organizations');
    } else {
      await authorize(ctx, principal, 'webhook.manage', { type: 'webhook', organizationId: null });
      const client = await ctx.db.models.OidcClient.findByPk(data.client as string, { transaction: t });
      if (!client) throw notFound('oidc_client');
      clientId = client.id;
    }
    const url = checkWebhookUrl(data.url, ctx.settings);
    const id = ctx.random.uuid();
    const secret = generateSigningSecret(ctx.random);
    const now = ctx.clock.now();
    const subscription = await ctx.db.models.WebhookSubscription.create(
      {
        id,
        clientId,
        organizationId,
        organizationFilter: data.organizations ? await organizationIds(ctx, data.organizations) : null,
        description: data.description,
        url,
        eventTypes: data.eventTypes === 'all' ? null : [...new Set(data.eventTypes)],
        secret: ctx.cipher.encrypt(secret, secretAad(id)),
        previousSecret: null,
        previousSecretExpiresAt: null,
        enabled: data.enabled,
        eventCursor: await lastEventPosition(ctx),
        consecutiveFailures: 0,
        pausedUntil: null,
        failedAt: null,
        createdBy: principal.actor.label,
        createdAt: now,
        updatedAt: now,
      },
      { transaction: t },
    );
    const view = await presentWebhook(ctx, subscription);
    await recordAudit(ctx, t, principal.actor, { action: 'webhook.created', targetType: 'webhook', targetId: id, organizationId, details: { after: view } });
    return { ...view, secret };
  });
}

/** The subscriptions the principal manages (an organization administrator: its organizations'), optionally filtered. */
export async function listWebhooks(ctx: DomainContext, principal: Principal, filter: { organization?: string; client?: string } = {}): Promise<WebhookSubscriptionView[]> {
  const visible = organizationScopeFor(principal, 'webhook.manage');
  const where: Record<string | symbol, unknown> = {};
  if (visible !== 'all') where.organizationId = { [Op.in]: visible };
  if (filter.organization) {
    const org = await findOrganization(ctx, filter.organization);
    await authorize(ctx, principal, 'webhook.manage', { type: 'webhook', organizationId: org.id });
    where.organizationId = org.id;
  }
  if (filter.client) {
    await authorize(ctx, principal, 'webhook.manage', { type: 'webhook', organizationId: null });
    where.clientId = filter.client;
  }
  const rows = await ctx.db.models.WebhookSubscription.findAll({ where, order: [['createdAt', 'ASC'], ['id', 'ASC']], transaction: ctx.db.current() });
  return presentWebhooks(ctx, rows);
}

export async function getWebhook(ctx: DomainContext, principal: Principal, id: string): Promise<WebhookSubscriptionView> {
  return presentWebhook(ctx, await findWebhook(ctx, principal, id));
}

/**
 * Changes a subscription. A new address, or enabling it again, also resets its circuit and its failure flag (the
 * administrator has acted on them); a subscription enabled again receives the events committed from then on.
 */
export async function updateWebhook(ctx: DomainContext, principal: Principal, id: string, input: UpdateWebhookInput): Promise<WebhookSubscriptionView> {
  const data = parseInput(updateSchema, input, 'webhook.invalid');
  return ctx.db.tx(async (t) => {
    const subscription = await findWebhook(ctx, principal, id);
    const before = await presentWebhook(ctx, subscription);
    if (data.url !== undefined) subscription.url = checkWebhookUrl(data.url, ctx.settings);
    if (data.description !== undefined) subscription.description = data.description;
    if (data.eventTypes !== undefined) subscription.eventTypes = data.eventTypes === 'all' ? null : [...new Set(data.eventTypes)];
    if (data.organizations !== undefined) {
      if (subscription.organizationId) throw invalid('webhook.invalid', "organizations: only a portal application's webhook is limited to organizations; an organization's receives its own events.", 'organizations');
      subscription.organizationFilter = data.organizations === null ? null : await organizationIds(ctx, data.organizations);
    }
    const reenabled = data.enabled === true && !subscription.enabled;
    if (data.enabled !== undefined) subscription.enabled = data.enabled;
    if (reenabled) subscription.eventCursor = await lastEventPosition(ctx);
    if (reenabled || (data.url !== undefined && subscription.url !== before.url)) {
      subscription.consecutiveFailures = 0;
      subscription.pausedUntil = null;
      subscription.failedAt = null;
    }
    subscription.updatedAt = ctx.clock.now();
    await subscription.save({ transaction: t });
    const after = await presentWebhook(ctx, subscription);
    await recordAudit(ctx, t, principal.actor, { action: 'webhook.updated', targetType: 'webhook', targetId: id, organizationId: subscription.organizationId, details: { before, after } });
    return after;
  });
}

/** Deletes a subscription and its delivery log: nothing more is sent to it. */
export async function deleteWebhook(ctx: DomainContext, principal: Principal, id: string): Promise<void> {
  await ctx.db.tx(async (t) => {
    const subscription = await findWebhook(ctx, principal, id);
    const before = await presentWebhook(ctx, subscription);
    await ctx.db.models.WebhookDelivery.destroy({ where: { subscriptionId: id }, transaction: t });
    await subscription.destroy({ transaction: t });
    await recordAudit(ctx, t, principal.actor, { action: 'webhook.deleted', targetType: 'webhook', targetId: id, organizationId: subscription.organizationId, details: { before } });
  });
}

/**
 * Gives a subscription a new signing secret, shown in this answer only. The previous one keeps signing beside it for
 * `graceHours` (default webhooks.secretGraceHours; 0 stops it at once), so that the receiver can switch without
 * refusing a request; a secret rotated earlier and still in its grace period stops now.
 */
export async function rotateWebhookSecret(ctx: DomainContext, principal: Principal, id: string, options: { graceHours?: number } = {}): Promise<WebhookSubscriptionWithSecret> {
  const graceHours = options.graceHours ?? ctx.settings.webhooks.secretGraceHours;
  if (!Number.isInteger(graceHours) || graceHours < 0 || graceHours > 720) throw invalid('webhook.invalid', 'graceHours must be a whole number of hours from 0 to 720.', 'graceHours');
  return ctx.db.tx(async (t) => {
    const subscription = await findWebhook(ctx, principal, id);
    const secret = generateSigningSecret(ctx.random);
    const now = ctx.clock.now();
    subscription.previousSecret = graceHours > 0 ? subscription.secret : null;
    subscription.previousSecretExpiresAt = graceHours > 0 ? new Date(now.getTime() + graceHours * 3_600_000) : null;
    subscription.secret = ctx.cipher.encrypt(secret, secretAad(id));
    subscription.updatedAt = now;
    await subscription.save({ transaction: t });
    const view = await presentWebhook(ctx, subscription);
    await recordAudit(ctx, t, principal.actor, { action: 'webhook.secret_rotated', targetType: 'webhook', targetId: id, organizationId: subscription.organizationId, details: { previousSecretValidUntil: view.previousSecretValidUntil } });
    return { ...view, secret };
  });
}
