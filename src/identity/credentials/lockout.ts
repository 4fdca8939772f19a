import type { Transaction } from 'sequelize';
import type { User } from '../../db/models/User.js';
import { systemActor, type Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { applyStatusEvent } from '../accounts/status.js';
import { MINUTE } from '../../lib/clock.js';
import { mailUser } from '../notify.js';
import { forgotPasswordLink } from '../links.js';

/**
 * Counts a failed sign-in (wrong password or code) against the account, in a window of the configured length. At the
 * threshold the user becomes AUTO_LOCKED and is emailed. Returns whether this failure locked the account.
 */
export async function recordSignInFailure(ctx: DomainContext, t: Transaction, user: User, reason: 'password' | 'totp' | 'recovery_code', actor: Actor): Promise<boolean> {
  const { SignInFailure } = ctx.db.models;
  const { threshold, windowMinutes, autoUnlockMinutes } = ctx.settings.lockout;
  const now = ctx.clock.now();
  const row = await SignInFailure.findByPk(user.id, { transaction: t, lock: t.LOCK.UPDATE });
  const windowOpen = row && now.getTime() - row.windowStartedAt.getTime() < windowMinutes * MINUTE;
  const count = windowOpen ? row.failureCount + 1 : 1;
  if (row) {
    row.set({ failureCount: count, windowStartedAt: windowOpen ? row.windowStartedAt : now });
    await row.save({ transaction: t });
  } else {
    await SignInFailure.create({ userId: user.id, failureCount: 1, windowStartedAt: now, lockedAt: null }, { transaction: t });
  }
  await recordAudit(ctx, t, actor, { action: 'user.sign_in_failed', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId, details: { reason, failures: count } });
  if (count < threshold || (user.status !== 'ACTIVE' && user.status !== 'AWAITING_NEW_PASSWORD')) return false;
  await applyStatusEvent(ctx, t, systemActor, user, 'autoLock', { failures: count, windowMinutes });
  await SignInFailure.update({ lockedAt: now }, { where: { userId: user.id }, transaction: t });
  await mailUser(ctx, t, user, 'account_locked', { when: now.toISOString(), unlockMinutes: autoUnlockMinutes, link: forgotPasswordLink(ctx.settings) });
  return true;
}

/** Forgets failures after a successful sign-in or an unlock (plain SQL: every successful sign-in does it). */
export async function clearSignInFailures(ctx: DomainContext, t: Transaction, userId: string): Promise<void> {
  await ctx.db.execute('DELETE FROM sign_in_failures WHERE user_id = ?', [userId], t);
}

/** Unlocks an AUTO_LOCKED user whose auto-unlock time has passed; returns whether it did. */
export async function autoUnlockIfDue(ctx: DomainContext, t: Transaction, user: User): Promise<boolean> {
  const minutes = ctx.settings.lockout.autoUnlockMinutes;
  if (user.status !== 'AUTO_LOCKED' || minutes === 0) return false;
  const row = await ctx.db.models.SignInFailure.findByPk(user.id, { transaction: t });
  const lockedAt = row?.lockedAt ?? user.updatedAt;
  if (ctx.clock.now().getTime() - lockedAt.getTime() < minutes * MINUTE) return false;
  await applyStatusEvent(ctx, t, systemActor, user, 'autoUnlock', { afterMinutes: minutes });
  await clearSignInFailures(ctx, t, user.id);
  return true;
}
