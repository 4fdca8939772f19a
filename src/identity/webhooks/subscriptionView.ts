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

export async function presentWebhook(ctx: DomainContext, subscription: WebhookSubscription): Promise<WebhookSubscriptionView> {
  const t = ctx.db.current();
  const { Organization, OidcClient } = ctx.db.models;
  const now = ctx.clock.now().getTime();
  let owner: WebhookSubscriptionView['owner'];
  if (subscription.clientId) {
    const client = await OidcClient.findByPk(subscription.clientId, { transaction: t });
    owner = { type: 'client', clientId: subscription.clientId, name: client?.name ?? '' };
  } else {
    const org = await Organization.findByPk(subscription.organizationId as string, { transaction: t });
    owner = { type: 'organization', id: subscription.organizationId as string, slug: org?.slug ?? '', name: org?.name ?? '' };
  }
  const filter = subscription.organizationFilter;
  const orgs = filter ? await Organization.findAll({ where: { id: filter }, transaction: t }) : [];
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

