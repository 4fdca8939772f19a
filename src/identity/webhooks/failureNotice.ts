import { Op, type Transaction } from 'sequelize';
import type { User } from '../../db/models/User.js';
import type { WebhookSubscription } from '../../db/models/WebhookSubscription.js';
import { enqueueMail } from '../../mail/outbox.js';
import { mailBrandOf } from '../../mail/templates/brand.js';
import { brandOf, platformBrand } from '../branding/brands.js';
import type { DomainContext } from '../context.js';
import { userLocale } from '../notify.js';
import { canSignIn } from '../statusMachine.js';

/**
 * The administrators of a subscription, who are told when one of its deliveries is given up: the platform
 * administrators for a portal application's, the organization's administrators (a role that manages users) for an
 * organization's. Only those who can sign in, and only once each.
 */
async function administratorsOf(ctx: DomainContext, t: Transaction, subscription: WebhookSubscription): Promise<User[]> {
  const { User, Membership, Organization } = ctx.db.models;
  if (!subscription.organizationId) {
    const admins = await User.findAll({ where: { isPlatformAdmin: true }, order: [['id', 'ASC']], transaction: t });
    return admins.filter((user) => canSignIn(user.status));
  }
  const org = await Organization.findByPk(subscription.organizationId, { transaction: t });
  if (!org) return [];
  const memberships = await Membership.findAll({ where: { organizationId: org.id }, transaction: t });
  const managers = [...new Set(memberships.filter((m) => ctx.catalog.find(org.kind, m.role)?.canManageUsers).map((m) => m.userId))];
  if (managers.length === 0) return [];
  const users = await User.findAll({ where: { id: { [Op.in]: managers } }, order: [['id', 'ASC']], transaction: t });
  return users.filter((user) => canSignIn(user.status));
}

/**
 * Emails the subscription's administrators that a delivery was given up (in their language, with the brand of the
 * organization whose webhook it is, else the platform's). Called once per failing spell: when the subscription is
 * flagged. Answers how many were emailed.
 */
export async function emailWebhookFailure(ctx: DomainContext, t: Transaction, subscription: WebhookSubscription, failed: { eventType: string; attempts: number }): Promise<number> {
  const org = subscription.organizationId ? await ctx.db.models.Organization.findByPk(subscription.organizationId, { transaction: t }) : null;
  const brand = mailBrandOf(org ? await brandOf(ctx, org) : platformBrand(ctx), ctx.settings.server.publicUrl);
  const recipients = (await administratorsOf(ctx, t, subscription)).filter((user) => user.email);
  for (const user of recipients) {
    const name = user.givenName ?? user.displayName ?? undefined;
    await enqueueMail(ctx, t, {
      to: user.email as string,
      template: 'webhook_failed',
      locale: userLocale(user),
      userId: user.id,
      data: {
        ...(name ? { name } : {}),
        description: subscription.description || subscription.url,
        url: subscription.url,
        eventType: failed.eventType,
        attempts: failed.attempts,
        hours: ctx.settings.webhooks.retryWindowHours,
        brand,
      },
    });
  }
  return recipients.length;
}
