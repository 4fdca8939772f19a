import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { DomainError } from '../errors.js';
import { signInLink } from '../links.js';
import { selfActor, type SelfPrincipal } from '../principal.js';
import { targetUser } from '../accounts/target.js';
import { endUserSessions } from '../sessions.js';
import { applyStatusEvent } from '../accounts/status.js';
import type { Locale } from '../../i18n/locales.js';
import { mailUser } from '../notify.js';
import { verifyPassword } from '../credentials/passwordHasher.js';
import { assertAcceptablePassword, storePassword } from '../credentials/passwords.js';
import { stepAfterPassword, type NextStep } from './signIn.js';

/**
 * A signed-in user changes their password: the current one is required, the new one must pass the policy and not
 * repeat 4 or more characters in a row of the current one. The user's other sessions end; an email confirms.
 */
export async function changePassword(
  ctx: DomainContext,
  self: SelfPrincipal,
  input: { currentPassword: string; newPassword: string; keepSessionId?: string; locale?: Locale },
): Promise<void> {
  await ctx.db.tx(async (t) => {
    const { user } = await targetUser(ctx, self, 'user.set_password', self.userId);
    const credential = await ctx.db.models.PasswordCredential.findByPk(user.id, { transaction: t });
    if (!credential || !(await verifyPassword(credential.hash, input.currentPassword))) {
      throw new DomainError('invalid', 'password.current_wrong', 'The current password is not correct.', { field: 'currentPassword' });
    }
    await assertAcceptablePassword(ctx, user, input.newPassword, { currentPassword: input.currentPassword, ...(input.locale ? { locale: input.locale } : {}) });
    await storePassword(ctx, t, user.id, input.newPassword);
    const sessionsEnded = await endUserSessions(ctx, t, user.id, input.keepSessionId);
    await mailUser(ctx, t, user, 'password_changed', { when: ctx.clock.now().toISOString(), link: signInLink(ctx.settings) });
    await recordAudit(ctx, t, selfActor(self, user), { action: 'user.password_changed', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId, details: { via: 'change', sessionsEnded } });
  });
}

/**
 * A user whose password expired (AWAITING_NEW_PASSWORD) sets a new one, having just signed in with the old: the
 * policy and the history apply. Returns the next sign-in step.
 */
export async function renewExpiredPassword(ctx: DomainContext, self: SelfPrincipal, input: { newPassword: string; locale?: Locale }): Promise<NextStep> {
  return ctx.db.tx(async (t) => {
    const { user, view } = await targetUser(ctx, self, 'user.set_password', self.userId);
    if (user.status !== 'AWAITING_NEW_PASSWORD') throw new DomainError('conflict', 'password.not_expired', 'This password does not need to be renewed.');
    await assertAcceptablePassword(ctx, user, input.newPassword, input.locale ? { locale: input.locale } : {});
    await storePassword(ctx, t, user.id, input.newPassword);
    await applyStatusEvent(ctx, t, selfActor(self, user), user, 'setNewPassword', {}, { view });
    await mailUser(ctx, t, user, 'password_changed', { when: ctx.clock.now().toISOString(), link: signInLink(ctx.settings) });
    return stepAfterPassword(ctx, user.id);
  });
}
