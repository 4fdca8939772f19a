import type { WebhookSubscription } from '../../db/models/WebhookSubscription.js';
import type { DomainContext } from '../context.js';
import { secretHint } from './signing.js';

/** What an administrator sees of a subscription: never its secrets (only the last characters of the current one). */
export interface WebhookSubscriptionView {
  id: string;
  /** Whose it is: a portal application (the platform's) or an organization. */
  owner: { type: 'client'; clientId: string; name: string } | { type: 'organization'; id: string; slug: string; name: string };
  description: string;
  url: string;
  /** The event types sent, or 'all' (present and future types). */
  eventTypes: string[] | 'all';
  /** A portal application's subscription limited to these organizations' events; null: every organization. */
  organizations: Array<{ id: string; slug: string }> | null;
  enabled: boolean;
  /** active; paused (the circuit opened after consecutive failures, until pausedUntil); disabled by an administrator. */
  state: 'active' | 'paused' | 'disabled';
  consecutiveFailures: number;
  pausedUntil: string | null;
  /** Since when a delivery was given up (its administrators were emailed then); null once a delivery succeeds again. */
  failingSince: string | null;
  /** The last attempt of any of its deliveries (null: none yet): when, the receiver's status code, the error. */
  lastAttempt: { at: string; statusCode: number | null; error: string | null } | null;
  secretHint: string;
  /** While a rotation's grace period lasts: until when the previous secret still signs. */
  previousSecretValidUntil: string | null;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

/** A subscription as created or rotated: with its signing secret, shown in this answer only. */
export type WebhookSubscriptionWithSecret = WebhookSubscriptionView & { secret: string };

/** What binds an encrypted secret to its subscription. */
export const secretAad = (id: string) => `webhook-secret:${id}`;

/** The secrets that sign a subscription's requests now: the current one, and the previous one during its grace period. */
export function signingSecrets(ctx: DomainContext, subscription: Pick<WebhookSubscription, 'id' | 'secret' | 'previousSecret' | 'previousSecretExpiresAt'>, now: Date): string[] {
  const secrets = [ctx.cipher.decrypt(subscription.secret, secretAad(subscription.id))];
  if (subscription.previousSecret && subscription.previousSecretExpiresAt && subscription.previousSecretExpiresAt.getTime() > now.getTime()) {
    secrets.push(ctx.cipher.decrypt(subscription.previousSecret, secretAad(subscription.id)));
  }
  return secrets;
}

/** One subscription as an administrator sees it. */
export async function presentWebhook(ctx: DomainContext, subscription: WebhookSubscription): Promise<WebhookSubscriptionView> {
  return (await presentWebhooks(ctx, [subscription]))[0]!;
}

/**
 * Subscriptions as an administrator sees them, with the names of the portal applications and organizations they
 * concern read in one query each (a list does not read them subscription by subscription).
 */
export async function presentWebhooks(ctx: DomainContext, subscriptions: readonly WebhookSubscription[]): Promise<WebhookSubscriptionView[]> {
  const t = ctx.db.current();
  const { Organization, OidcClient } = ctx.db.models;
  const clientIds = [...new Set(subscriptions.flatMap((s) => (s.clientId ? [s.clientId] : [])))];
  const organizationIds = [...new Set(subscriptions.flatMap((s) => [...(s.organizationId ? [s.organizationId] : []), ...(s.organizationFilter ?? [])]))];
  const clients = new Map((clientIds.length ? await OidcClient.findAll({ where: { id: clientIds }, transaction: t }) : []).map((c) => [c.id, c]));
  const organizations = new Map((organizationIds.length ? await Organization.findAll({ where: { id: organizationIds }, transaction: t }) : []).map((o) => [o.id, o]));
  return subscriptions.map((subscription) => present(ctx, subscription, clients, organizations));
}

function present(ctx: DomainContext, subscription: WebhookSubscription, clients: ReadonlyMap<string, { name: string }>, organizations: ReadonlyMap<string, { id: string; slug: string; name: string }>): WebhookSubscriptionView {
  const now = ctx.clock.now().getTime();
  let owner: WebhookSubscriptionView['owner'];
  if (subscription.clientId) {
    owner = { type: 'client', clientId: subscription.clientId, name: clients.get(subscription.clientId)?.name ?? '' };
  } else {
    const org = organizations.get(subscription.organizationId as string);
    owner = { type: 'organization', id: subscription.organizationId as string, slug: org?.slug ?? '', name: org?.name ?? '' };
  }
  const filter = subscription.organizationFilter;
  const orgs = filter ? filter.flatMap((id) => organizations.get(id) ?? []) : [];
  const paused = subscription.pausedUntil !== null && subscription.pausedUntil.getTime() > now;
  const previousValid = subscription.previousSecret && subscription.previousSecretExpiresAt && subscription.previousSecretExpiresAt.getTime() > now ? subscription.previousSecretExpiresAt.toISOString() : null;
  return {
    id: subscription.id,
    owner,
    description: subscription.description,
    url: subscription.url,
    eventTypes: subscription.eventTypes ?? 'all',
    organizations: filter ? orgs.map((o) => ({ id: o.id, slug: o.slug })) : null,
    enabled: subscription.enabled,
    state: !subscription.enabled ? 'disabled' : paused ? 'paused' : 'active',
    consecutiveFailures: subscription.consecutiveFailures,
    pausedUntil: paused ? (subscription.pausedUntil as Date).toISOString() : null,
    failingSince: subscription.failedAt?.toISOString() ?? null,
    lastAttempt: subscription.lastAttemptAt ? { at: subscription.lastAttemptAt.toISOString(), statusCode: subscription.lastAttemptStatusCode ?? null, error: subscription.lastAttemptError ?? null } : null,
    secretHint: secretHint(ctx.cipher.decrypt(subscription.secret, secretAad(subscription.id))),
    previousSecretValidUntil: previousValid,
    createdBy: subscription.createdBy,
    createdAt: subscription.createdAt.toISOString(),
    updatedAt: subscription.updatedAt.toISOString(),
  };
}

