import type { User } from '../../db/models/User.js';
import type { Actor } from '../actor.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { findLocalDirectory } from '../directories.js';
import { passwordResetLink, signInLink } from '../links.js';
import { consumeOneTimeToken, issueOneTimeToken, peekOneTimeToken, TokenError } from '../credentials/oneTimeTokens.js';
import { effectivePolicy } from '../effectivePolicy.js';
import { findUserInScope } from '../scope.js';
import { endUserSessions } from '../sessions.js';
import { revokeOidcForUser } from '../oidcAccounts.js';
import { canResetPassword } from '../statusMachine.js';
import { applyStatusEvent } from '../accounts/status.js';
import { normalise } from '../validation.js';
import type { Locale } from '../../i18n/locales.js';
import { HOUR } from '../../lib/clock.js';
import { clearSignInFailures } from '../credentials/lockout.js';
import { mailUser, userLocale } from '../notify.js';
import { assertAcceptablePassword, storePassword } from '../credentials/passwords.js';

/**
 * Self-service "forgot password": emails a reset link to a local user who could use it. Anyone can ask for any
 * address, so the request changes nothing about the account (no lock, no status change) and the caller learns
 * nothing: the same answer whether or not the address belongs to someone.
 */
export async function requestPasswordReset(ctx: DomainContext, input: { email: string; ip?: string; requestId?: string }): Promise<void> {
  const key = normalise(input.email.trim());
  if (!key || key.length > 320) return;
  await ctx.db.tx(async (t) => {
    const local = await findLocalDirectory(ctx);
    const { User } = ctx.db.models;
    const candidates = await User.findAll({ where: { directoryId: local.id, emailNormalized: key }, limit: 2, transaction: t });
    const user = candidates.length === 1 ? (candidates[0] as User) : await User.findOne({ where: { directoryId: local.id, userNameNormalized: key }, transaction: t });
    if (!user || !canResetPassword(user.status)) return;
    const { passwordResetTtlHours } = await effectivePolicy(ctx, user.id);
    const { token } = await issueOneTimeToken(ctx, t, { userId: user.id, purpose: 'password_reset', ttlMs: passwordResetTtlHours * HOUR });
    await mailUser(ctx, t, user, 'password_reset', { link: passwordResetLink(ctx.settings, token), hours: passwordResetTtlHours });
    const actor: Actor = { type: 'user', id: user.id, label: user.userName, ...(input.ip ? { ip: input.ip } : {}), ...(input.requestId ? { requestId: input.requestId } : {}) };
    await recordAudit(ctx, t, actor, { action: 'user.password_reset_requested', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId });
  });
}

/**
 * A reset link of a user who cannot reset now: an administrator's lock is said as such (the link's holder is the
 * account's owner, so nothing new is revealed), any other status is "not valid"; both name the user for the page.
 */
function assertResettable(user: User): void {
  if (canResetPassword(user.status)) return;
  throw new TokenError(user.status === 'LOCKED_BY_ADMIN' ? 'locked' : 'invalid', user.id);
}

/** What the reset page needs to know about a link; opening the page changes nothing. */
export async function describeResetLink(ctx: DomainContext, token: string): Promise<{ userId: string; locale: Locale }> {
  const { userId } = await peekOneTimeToken(ctx, token, 'password_reset');
  const user = await findUserInScope(ctx, userId);
  assertResettable(user);
  return { userId, locale: userLocale(user) };
}

/**
 * Completes a reset: the new password must pass the policy before the link is used (a refused password does not
 * burn it). Unlocks an AUTO_LOCKED user, ends every session of the user, and emails a confirmation. The user then
 * signs in: no automatic sign-in.
 */
export async function completePasswordReset(ctx: DomainContext, input: { token: string; password: string; locale?: Locale; ip?: string; requestId?: string }): Promise<{ userId: string }> {
  return ctx.db.tx(async (t) => {
    const { userId } = await peekOneTimeToken(ctx, input.token, 'password_reset');
    const user = await findUserInScope(ctx, userId);
    assertResettable(user);
    await assertAcceptablePassword(ctx, user, input.password, { locale: input.locale ?? userLocale(user) });
    await consumeOneTimeToken(ctx, t, input.token, 'password_reset');
    const actor: Actor = { type: 'user', id: user.id, label: user.userName, ...(input.ip ? { ip: input.ip } : {}), ...(input.requestId ? { requestId: input.requestId } : {}) };
    await storePassword(ctx, t, user.id, input.password);
    await applyStatusEvent(ctx, t, actor, user, 'completeReset');
    await clearSignInFailures(ctx, t, user.id);
    const sessionsEnded = (await endUserSessions(ctx, t, user.id)) + (await revokeOidcForUser(ctx, t, user.id));
    await mailUser(ctx, t, user, 'password_changed', { when: ctx.clock.now().toISOString(), link: signInLink(ctx.settings) });
    await recordAudit(ctx, t, actor, { action: 'user.password_changed', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId, details: { via: 'reset', sessionsEnded } });
    return { userId: user.id };
  });
}
