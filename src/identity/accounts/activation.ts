import type { Transaction } from 'sequelize';
import type { User } from '../../db/models/User.js';
import { HOUR } from '../../lib/clock.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { issueOneTimeToken } from '../credentials/oneTimeTokens.js';
import { effectivePolicy } from '../effectivePolicy.js';
import { DomainError, invalid } from '../errors.js';
import { activationLink } from '../links.js';
import { mailUser } from '../notify.js';
import type { Principal } from '../principal.js';
import { viewUser, type UserView } from '../userView.js';
import { targetUser } from './target.js';

/** A new activation link for a PROVISIONED user (the previous one stops working), valid for the user's policy. */
export async function issueActivation(ctx: DomainContext, t: Transaction, user: User): Promise<{ link: string; expiresAt: Date; hours: number }> {
  const { activationTtlHours } = await effectivePolicy(ctx, user.id);
  const { token, expiresAt } = await issueOneTimeToken(ctx, t, { userId: user.id, purpose: 'activation', ttlMs: activationTtlHours * HOUR });
  return { link: activationLink(ctx.settings, token), expiresAt, hours: activationTtlHours };
}

/** Issues a new activation link and queues the "get started" email. */
export async function sendActivation(ctx: DomainContext, t: Transaction, user: User): Promise<void> {
  const { link, hours } = await issueActivation(ctx, t, user);
  await mailUser(ctx, t, user, 'activation', { link, hours });
}

/** Sends a new activation email to a user who has not activated yet; the earlier link stops working. */
export async function resendActivation(ctx: DomainContext, principal: Principal, userId: string): Promise<UserView> {
  return ctx.db.tx(async (t) => {
    const { user } = await targetUser(ctx, principal, 'user.resend_activation', userId);
    if (user.status !== 'PROVISIONED') throw new DomainError('conflict', 'user.already_activated', 'This user has already activated the account; send a password reset instead.');
    if (!user.email) throw invalid('user.email_required', 'The user has no email address to send the activation to.', 'emails');
    await sendActivation(ctx, t, user);
    await recordAudit(ctx, t, principal.actor, { action: 'user.activation_sent', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId, details: { resent: true } });
    return viewUser(ctx, user);
  });
}
