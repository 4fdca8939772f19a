import { HOUR } from '../../lib/clock.js';
import { recordAudit } from '../audit.js';
import type { DomainContext } from '../context.js';
import { assertAcceptablePassword, assertLocalUser, assertReplaceableByProvisioning, clearPassword, storePassword } from '../credentials/passwords.js';
import { issueOneTimeToken, revokeOneTimeTokens } from '../credentials/oneTimeTokens.js';
import { removeRecoveryCodes } from '../credentials/recoveryCodes.js';
import { removeTotp } from '../credentials/totp.js';
import { findLocalDirectory } from '../directories.js';
import { effectivePolicy } from '../effectivePolicy.js';
import { DomainError } from '../errors.js';
import { passwordResetLink, signInLink } from '../links.js';
import { mailUser } from '../notify.js';
import type { Principal } from '../principal.js';
import { viewUser, type UserView } from '../userView.js';
import { applyStatusEvent } from './status.js';
import { targetUser } from './target.js';

/**
 * What others do to a local account's credentials: set its password (a provisioning client), send it a password
 * reset, reset its second factor. Each is refused for a user who manages users at the caller's level or above.
 */

/**
 * Sets the password of a local user, under the same policy as the user's own choice; a PROVISIONED user becomes
 * ACTIVE with it (as Okta does for a user created with a password). A user who has signed in keeps the password they
 * chose: provisioning does not replace it (an administrator sends a reset instead).
 */
export async function setAccountPassword(ctx: DomainContext, principal: Principal, userId: string, password: string): Promise<UserView> {
  return ctx.db.tx(async (t) => {
    const { user, view } = await targetUser(ctx, principal, 'user.set_password', userId, { forUpdate: true });
    assertLocalUser(user, (await findLocalDirectory(ctx)).id);
    await assertReplaceableByProvisioning(ctx, t, user);
    await assertAcceptablePassword(ctx, user, password);
    await storePassword(ctx, t, user.id, password, 'provisioning');
    await recordAudit(ctx, t, principal.actor, { action: 'user.password_set', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId });
    if (user.status === 'PROVISIONED') {
      await applyStatusEvent(ctx, t, principal.actor, user, 'activate', {}, { view });
      await revokeOneTimeTokens(ctx, t, user.id, 'activation');
    }
    return viewUser(ctx, user);
  });
}

/**
 * An administrator's reset: the current password is cleared (the user is RECOVERY and cannot sign in), sessions end,
 * and the user is emailed a link to choose a new password.
 */
export async function sendPasswordReset(ctx: DomainContext, principal: Principal, userId: string): Promise<UserView> {
  return ctx.db.tx(async (t) => {
    const { user, view } = await targetUser(ctx, principal, 'user.send_password_reset', userId, { forUpdate: true });
    assertLocalUser(user, (await findLocalDirectory(ctx)).id);
    if (!user.email) throw new DomainError('invalid', 'user.email_required', 'The user has no email address to send the reset link to.', { field: 'emails' });
    await applyStatusEvent(ctx, t, principal.actor, user, 'adminResetPassword', {}, { view });
    await clearPassword(ctx, t, user.id);
    const { passwordResetTtlHours } = await effectivePolicy(ctx, user.id);
    const { token } = await issueOneTimeToken(ctx, t, { userId: user.id, purpose: 'password_reset', ttlMs: passwordResetTtlHours * HOUR });
    await mailUser(ctx, t, user, 'password_reset_admin', { link: passwordResetLink(ctx.settings, token), hours: passwordResetTtlHours });
    return viewUser(ctx, user);
  });
}

/**
 * Removes the user's authenticator and recovery codes; the user enrols again at the next sign-in, and an email
 * tells them.
 */
export async function resetMfa(ctx: DomainContext, principal: Principal, userId: string): Promise<UserView> {
  return ctx.db.tx(async (t) => {
    const { user } = await targetUser(ctx, principal, 'user.reset_mfa', userId, { forUpdate: true });
    const removed = await removeTotp(ctx, t, user.id);
    if (removed === 0) throw new DomainError('conflict', 'mfa.not_enrolled', 'This user has no two-step verification to reset.');
    await removeRecoveryCodes(ctx, t, user.id);
    user.version += 1;
    user.updatedAt = ctx.clock.now();
    await user.save({ transaction: t });
    await mailUser(ctx, t, user, 'mfa_reset', { link: signInLink(ctx.settings) });
    await recordAudit(ctx, t, principal.actor, { action: 'user.mfa_reset', targetType: 'user', targetId: user.id, userId: user.id, directoryId: user.directoryId });
    return viewUser(ctx, user);
  });
}
