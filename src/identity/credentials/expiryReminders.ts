import { Op } from 'sequelize';
import { systemActor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { effectivePolicy } from '../effectivePolicy.js';
import { DAY, HOUR } from '../../lib/clock.js';
import { passwordResetLink } from '../links.js';
import { mailUser } from '../notify.js';
import { issueOneTimeToken } from './oneTimeTokens.js';

/**
 * Emails a reminder to each user whose password expires within the reminder period, once per password (a new
 * password clears the mark). The reminder carries a single-use password reset link with the lifetime of the user's
 * organizations' reset links, the same kind of link "forgot password" sends (a newer one replaces it, as it replaces
 * an earlier one). Several instances may run it: the mark is set by a conditional update before the email is queued,
 * in one transaction. Returns how many reminders were queued.
 */
export async function sendExpiryReminders(ctx: DomainContext, options: { batchSize?: number } = {}): Promise<number> {
  const { expiryReminderDays } = ctx.settings.password;
  if (expiryReminderDays === 0) return 0;
  const { Organization, PasswordCredential } = ctx.db.models;
  const now = ctx.clock.now();
  // The shortest maximum age anywhere bounds which passwords can be near expiry; the exact age is per user.
  const orgAges = (await Organization.findAll({ attributes: ['policy'] })).map((o) => o.policy.passwordMaxAgeDays).filter((d): d is number => typeof d === 'number' && d > 0);
  const ages = [ctx.settings.password.maxAgeDays, ...orgAges].filter((d) => d > 0);
  if (ages.length === 0) return 0;
  const earliest = new Date(now.getTime() - (Math.min(...ages) - expiryReminderDays) * DAY);
  const candidates = await PasswordCredential.findAll({ where: { reminderSentAt: null, changedAt: { [Op.lte]: earliest } }, order: [['changedAt', 'ASC']], limit: options.batchSize ?? 500 });
  let sent = 0;
  for (const candidate of candidates) {
    const { passwordMaxAgeDays, passwordResetTtlHours } = await effectivePolicy(ctx, candidate.userId);
    if (passwordMaxAgeDays === 0) continue;
    const expiresAt = new Date(candidate.changedAt.getTime() + passwordMaxAgeDays * DAY);
    const remindFrom = expiresAt.getTime() - expiryReminderDays * DAY;
    if (now.getTime() < remindFrom || now.getTime() >= expiresAt.getTime()) continue;
    const queued = await ctx.db.tx(async (t) => {
      const [marked] = await PasswordCredential.update({ reminderSentAt: now }, { where: { userId: candidate.userId, reminderSentAt: null, changedAt: candidate.changedAt }, transaction: t });
      if (marked !== 1) return false;
      const user = await ctx.db.models.User.findByPk(candidate.userId, { transaction: t });
      if (!user || user.status !== 'ACTIVE') return false;
      const days = Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / DAY));
      if (!user.email) return false;
      const { token, expiresAt: linkExpiresAt } = await issueOneTimeToken(ctx, t, { userId: user.id, purpose: 'password_reset', ttlMs: passwordResetTtlHours * HOUR });
      await mailUser(ctx, t, user, 'expiry_reminder', { days, date: expiresAt.toISOString(), link: passwordResetLink(ctx.settings, token), hours: passwordResetTtlHours });
      await recordAudit(ctx, t, systemActor, {
        action: 'user.password_expiry_reminded',
        targetType: 'user',
        targetId: user.id,
        userId: user.id,
        details: { expiresAt: expiresAt.toISOString(), resetLinkExpiresAt: linkExpiresAt.toISOString() },
      });
      return true;
    });
    if (queued) sent += 1;
  }
  return sent;
}
